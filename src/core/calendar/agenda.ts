/**
 * Instances of a calendar's events and tasks in a window, flattened for web clients (a week
 * view needs starts and ends, not iCalendar): recurrence expanded in each object's own zones.
 */
import type ICAL from 'ical.js';
import type { CalendarRef, CalendarService } from './calendar-service.js';
import { attendeesOf, parseCalendar } from './ical.js';
import { CALENDAR_LIMITS } from './limits.js';
import { instances } from './recurrence.js';
import { icalUtc } from './timezones.js';

export interface AgendaItem {
  objectName: string;
  uid: string;
  recurrenceId: string | null;
  kind: string;
  start: number;
  end: number;
  allDay: boolean;
  summary: string;
  location: string | null;
  status: string | null;
  organizer: string | null;
  attendees: { address: string; partstat: string; name: string | null }[];
  etag: string;
}

/** Every instance overlapping [start, end), in start order (needs read rights). */
export async function agenda(service: CalendarService, ref: CalendarRef, start: number, end: number): Promise<AgendaItem[]> {
  const out: AgendaItem[] = [];
  for (const row of await service.objectsOverlapping(ref, start, end)) {
    if (!row.component) continue;
    const p = parseCalendar(row.data);
    for (const i of instances(p, start, end, CALENDAR_LIMITS.maxInstances)) {
      if (!Number.isFinite(i.start)) continue;
      const c = i.component;
      out.push({
        objectName: row.name,
        uid: p.uid,
        recurrenceId: i.recurrenceId && p.recurring ? icalUtc((i.recurrenceId as ICAL.Time).toUnixTime() * 1000) : null,
        kind: p.kind,
        start: i.start,
        end: i.end,
        allDay: (c.getFirstPropertyValue('dtstart') as ICAL.Time | null)?.isDate ?? false,
        summary: String(c.getFirstPropertyValue('summary') ?? ''),
        location: (c.getFirstPropertyValue('location') as string | null) ?? null,
        status: (c.getFirstPropertyValue('status') as string | null) ?? null,
        organizer: p.organizer,
        attendees: attendeesOf(c).map((a) => ({ address: a.address, partstat: a.partstat, name: a.name })),
        etag: row.etag,
      });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}
