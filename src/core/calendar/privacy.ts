/**
 * Private and confidential events (RFC 5545 section 3.8.1.3, CLASS). A clinic calendar is shared
 * so colleagues can see when someone is busy, but "CLASS:PRIVATE" (or CONFIDENTIAL) marks an entry
 * whose details are for its owner and their scheduling delegates (the `p` right) only, e.g. the
 * owner's own medical appointment. Everyone else who may read the calendar gets a redacted copy:
 * the time, recurrence and status of each instance, and "Private" for a summary; never the
 * description, location, attendees, attachments, alarms or the appointment's patient fields.
 * Redaction happens where objects are read (calendar-service.ts), so every door and every filter
 * (a CalDAV text-match, the web calendar, free/busy details) sees the same redacted copy.
 */
import ICAL from 'ical.js';
import { COMPONENT_KINDS, stringify } from './ical.js';

/** Properties a redacted component keeps: when it happens, how it repeats, and whether it blocks time. */
const KEPT = new Set(['uid', 'dtstamp', 'dtstart', 'dtend', 'duration', 'due', 'rrule', 'rdate', 'exdate', 'recurrence-id', 'sequence', 'status', 'transp', 'class', 'created', 'last-modified']);
export const PRIVATE_SUMMARY = 'Private';

/** True when any component of the object is marked PRIVATE or CONFIDENTIAL (a text check: no parse on every read). */
export function isPrivate(data: string): boolean {
  return /^CLASS(?:;[^:\r\n]*)?:[ \t]*(?:PRIVATE|CONFIDENTIAL)[ \t]*\r?$/im.test(data);
}

/** The redacted copy of a private object (see above); VTIMEZONEs are kept so times still resolve. */
export function redact(data: string): string {
  const root = new ICAL.Component(ICAL.parse(data) as unknown[]);
  for (const comp of root.getAllSubcomponents()) {
    if (!COMPONENT_KINDS.includes(comp.name.toUpperCase() as (typeof COMPONENT_KINDS)[number])) continue;
    // Copies of the lists: ical.js removes from the arrays it hands out.
    for (const sub of [...comp.getAllSubcomponents()]) comp.removeSubcomponent(sub);
    for (const prop of [...comp.getAllProperties()]) if (!KEPT.has(prop.name)) comp.removeProperty(prop);
    comp.addPropertyWithValue('summary', PRIVATE_SUMMARY);
  }
  return stringify(root);
}
