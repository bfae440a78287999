/**
 * Recurrence expansion for clients that ask for it (RFC 4791 section 9.6.5, CALDAV:expand): each
 * instance in the range becomes its own component in UTC, with a RECURRENCE-ID and without the
 * recurrence rules; VTIMEZONE components are dropped as nothing refers to them any more.
 */
import ICAL from 'ical.js';
import { stringify } from './ical.js';
import { instances } from './recurrence.js';
import { icalUtc } from './timezones.js';
import type { ParsedCalendar } from './types.js';

const utcTime = (ms: number) => ICAL.Time.fromDateTimeString(new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));

export function expandCalendar(parsed: ParsedCalendar, start: number, end: number, cap = 2000): string {
  const out = new ICAL.Component('vcalendar');
  for (const p of parsed.root.getAllProperties()) out.addProperty(ICAL.Property.fromString(p.toICALString()));
  const recurring = parsed.recurring;
  for (const i of instances(parsed, start, end, cap)) {
    const c = ICAL.Component.fromString(i.component.toString());
    for (const name of ['rrule', 'rdate', 'exdate', 'dtstart', 'dtend', 'duration', 'recurrence-id']) c.removeAllProperties(name);
    const allDay = (i.component.getFirstPropertyValue('dtstart') as ICAL.Time | null)?.isDate ?? false;
    if (Number.isFinite(i.start)) {
      c.addPropertyWithValue('dtstart', allDay ? ICAL.Time.fromDateString(new Date(i.start).toISOString().slice(0, 10)) : utcTime(i.start));
      if (i.end !== i.start) c.addPropertyWithValue('dtend', allDay ? ICAL.Time.fromDateString(new Date(i.end).toISOString().slice(0, 10)) : utcTime(i.end));
    }
    if (recurring && i.recurrenceId) {
      const rid = i.recurrenceId.isDate ? ICAL.Time.fromDateString(i.recurrenceId.toString().slice(0, 10)) : ICAL.Time.fromDateTimeString(`${icalUtc(i.recurrenceId.toUnixTime() * 1000).replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6')}Z`);
      c.addPropertyWithValue('recurrence-id', rid);
    }
    out.addSubcomponent(c);
  }
  return stringify(out);
}
