/**
 * Events as a web form sees them (title, times, place, people, a simple repeat rule) and back to
 * iCalendar, built with ical.js. The web calendar saves through this and then through the same
 * CalendarService.put as CalDAV, so invitations, replies and free/busy work the same way.
 * Editing keeps what the form does not show: answers of attendees who stay, overridden
 * instances, other properties; SEQUENCE goes up so invitees see an update (RFC 5546 2.1.4).
 */
import { randomUUID } from 'node:crypto';
import ICAL from 'ical.js';
import { invalid } from '../errors.js';

export type RepeatFreq = 'DAILY' | 'WEEKLY' | 'MONTHLY';
export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;

export interface EventForm {
  title: string;
  /** Milliseconds since the epoch; for an all-day event, midnight UTC of the first and of the day after the last. */
  start: number;
  end: number;
  allDay: boolean;
  location: string | null;
  description: string | null;
  /** CLASS:PRIVATE: people sharing the calendar see only the time (core/calendar/privacy.ts). */
  private: boolean;
  /** Invitees' addresses (the organiser is added by itself). */
  attendees: string[];
  repeat: { freq: RepeatFreq; interval: number; byDay: (typeof WEEKDAYS)[number][]; count: number | null; until: number | null } | null;
}

function timeValue(ms: number, allDay: boolean): ICAL.Time {
  if (!allDay) return ICAL.Time.fromJSDate(new Date(ms), true);
  const d = new Date(ms);
  return ICAL.Time.fromData({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), isDate: true });
}

function check(form: EventForm): void {
  if (!form.title.trim()) throw invalid('give the event a title', { field: 'title' });
  if (!(form.end > form.start)) throw invalid('the event must end after it starts', { field: 'end' });
  if (form.attendees.length > 200) throw invalid('invite at most 200 people to one event', { field: 'attendees' });
  const r = form.repeat;
  if (r && (r.interval < 1 || r.interval > 366)) throw invalid('repeat every 1 to 366 days, weeks or months', { field: 'repeat.interval' });
  if (r?.count != null && (r.count < 1 || r.count > 1000)) throw invalid('repeat 1 to 1,000 times', { field: 'repeat.count' });
  if (r?.until != null && r.until < form.start) throw invalid('the repeat must end after the first occurrence', { field: 'repeat.until' });
}

function recur(r: NonNullable<EventForm['repeat']>, allDay: boolean): ICAL.Recur {
  const data: Record<string, unknown> = { freq: r.freq, interval: r.interval };
  if (r.freq === 'WEEKLY' && r.byDay.length) data.byday = r.byDay;
  if (r.count != null) data.count = r.count;
  else if (r.until != null) data.until = allDay ? timeValue(r.until, true) : ICAL.Time.fromJSDate(new Date(r.until), true);
  return ICAL.Recur.fromData(data as Parameters<typeof ICAL.Recur.fromData>[0]);
}

/**
 * The iCalendar text of `form`, organised by `organizer`. With `existing` (the stored text), the
 * same UID is kept and whatever the form does not cover survives.
 */
export function eventToICalendar(form: EventForm, organizer: { address: string; name: string }, existing?: string): { uid: string; ics: string } {
  check(form);
  const root = existing ? new ICAL.Component(ICAL.parse(existing)) : new ICAL.Component(['vcalendar', [], []]);
  if (!existing) {
    root.addPropertyWithValue('version', '2.0');
    root.addPropertyWithValue('prodid', '-//Wardpost//Web calendar//EN');
  }
  let master = root.getAllSubcomponents('vevent').find((c) => !c.hasProperty('recurrence-id'));
  if (!master) {
    master = new ICAL.Component('vevent');
    master.addPropertyWithValue('uid', randomUUID());
    root.addSubcomponent(master);
  }
  const uid = String(master.getFirstPropertyValue('uid'));
  const before = new Map(master.getAllProperties('attendee').map((p) => [String(p.getFirstValue()).replace(/^mailto:/i, '').toLowerCase(), p]));
  const set = (name: string, value: string | ICAL.Time | ICAL.Recur | number | null) => {
    master!.removeAllProperties(name);
    if (value !== null && value !== '') master!.addPropertyWithValue(name, value);
  };
  set('dtstamp', ICAL.Time.now());
  set('summary', form.title.trim());
  set('dtstart', timeValue(form.start, form.allDay));
  set('dtend', timeValue(form.end, form.allDay));
  master.removeAllProperties('duration');
  set('location', form.location?.trim() || null);
  set('description', form.description?.trim() || null);
  // An entry already CONFIDENTIAL stays so; "private" off makes it public again.
  const cls = String(master.getFirstPropertyValue('class') ?? '').toUpperCase();
  set('class', form.private ? (cls === 'CONFIDENTIAL' ? cls : 'PRIVATE') : null);
  set('rrule', form.repeat ? recur(form.repeat, form.allDay) : null);
  if (existing) set('sequence', Number(master.getFirstPropertyValue('sequence') ?? 0) + 1);

  // People: the organiser (accepted) and each invitee; an answer already given is kept.
  master.removeAllProperties('attendee');
  master.removeAllProperties('organizer');
  const invitees = [...new Set(form.attendees.map((a) => a.trim().toLowerCase()).filter((a) => a && a !== organizer.address.toLowerCase()))];
  if (invitees.length) {
    const org = master.addPropertyWithValue('organizer', `mailto:${organizer.address}`);
    org.setParameter('cn', organizer.name);
    const self = master.addPropertyWithValue('attendee', `mailto:${organizer.address}`);
    self.setParameter('cn', organizer.name);
    self.setParameter('partstat', 'ACCEPTED');
    self.setParameter('role', 'CHAIR');
    for (const a of invitees) {
      const kept = before.get(a);
      if (kept) master.addProperty(kept);
      else {
        const p = master.addPropertyWithValue('attendee', `mailto:${a}`);
        p.setParameter('partstat', 'NEEDS-ACTION');
        p.setParameter('rsvp', 'TRUE');
        p.setParameter('role', 'REQ-PARTICIPANT');
      }
    }
  }
  return { uid, ics: root.toString() };
}

/** What the edit form shows of a stored event (its first, non-overridden instance). */
export function eventFromICalendar(ics: string): EventForm & { uid: string; organizer: string | null } {
  const root = new ICAL.Component(ICAL.parse(ics));
  const master = root.getAllSubcomponents('vevent').find((c) => !c.hasProperty('recurrence-id'));
  if (!master) throw invalid('this calendar entry is not an event the web calendar can edit');
  const ev = new ICAL.Event(master);
  const allDay = ev.startDate.isDate;
  const ms = (t: ICAL.Time) => (t.isDate ? Date.UTC(t.year, t.month - 1, t.day) : t.toJSDate().getTime());
  const rule = master.getFirstPropertyValue('rrule') as ICAL.Recur | null;
  const organizer = master.getFirstPropertyValue('organizer');
  return {
    uid: ev.uid,
    title: ev.summary ?? '',
    start: ms(ev.startDate),
    end: ms(ev.endDate),
    allDay,
    location: ev.location || null,
    description: ev.description || null,
    private: ['PRIVATE', 'CONFIDENTIAL'].includes(String(master.getFirstPropertyValue('class') ?? '').toUpperCase()),
    organizer: organizer ? String(organizer).replace(/^mailto:/i, '') : null,
    attendees: master
      .getAllProperties('attendee')
      .map((p) => String(p.getFirstValue()).replace(/^mailto:/i, ''))
      .filter((a) => !organizer || a.toLowerCase() !== String(organizer).replace(/^mailto:/i, '').toLowerCase()),
    repeat: rule
      ? {
          freq: (['DAILY', 'WEEKLY', 'MONTHLY'].includes(rule.freq) ? rule.freq : 'DAILY') as RepeatFreq,
          interval: rule.interval || 1,
          byDay: ((rule.parts.BYDAY as string[] | undefined) ?? []).filter((d): d is (typeof WEEKDAYS)[number] => (WEEKDAYS as readonly string[]).includes(d)),
          count: rule.count ?? null,
          until: rule.until ? ms(rule.until) : null,
        }
      : null,
  };
}
