/** The calendar REST API (/api/v1/calendar) as the web calendar uses it. */
import { requestJson } from '../../../shared/http';

export interface CalendarInfo {
  owner: string;
  path: string;
  displayName: string;
  color: string | null;
  rights: string;
  booking: 'none' | 'auto';
}

export interface AgendaItem {
  objectName: string;
  uid: string;
  recurrenceId: string | null;
  start: string;
  end: string;
  allDay: boolean;
  summary: string;
  location: string | null;
  status: string | null;
  organizer: string | null;
  attendees: { address: string; partstat: string; name: string | null }[];
}

export type Weekday = 'MO' | 'TU' | 'WE' | 'TH' | 'FR' | 'SA' | 'SU';

export interface EventData {
  title: string;
  start: string;
  end: string;
  allDay: boolean;
  location: string | null;
  description: string | null;
  /** Others sharing the calendar see only that the time is taken. */
  private: boolean;
  attendees: string[];
  repeat: { freq: 'DAILY' | 'WEEKLY' | 'MONTHLY'; interval: number; byDay: Weekday[]; count: number | null; until: string | null } | null;
}

export interface StoredEvent extends EventData {
  name: string;
  uid: string;
  etag: string;
  organizer: string | null;
}

const enc = encodeURIComponent;
const base = (c: { owner: string; path: string }) => `/api/v1/calendar/calendars/${enc(c.owner)}/${enc(c.path)}`;

export const calendarApi = {
  calendars: () => requestJson<{ calendars: CalendarInfo[] }>('GET', '/api/v1/calendar/calendars', undefined, null).then((r) => r.calendars),
  agenda: (c: CalendarInfo, start: Date, end: Date) =>
    requestJson<{ items: AgendaItem[] }>('GET', `${base(c)}/agenda?start=${enc(start.toISOString())}&end=${enc(end.toISOString())}`, undefined, null).then((r) => r.items),
  event: (c: CalendarInfo, name: string) => requestJson<StoredEvent>('GET', `${base(c)}/events/${enc(name)}`, undefined, null),
  save: (c: CalendarInfo, name: string, data: EventData & { ifMatch?: string }, csrf: string | null) => requestJson<StoredEvent>('PUT', `${base(c)}/events/${enc(name)}`, data, csrf),
  remove: (c: CalendarInfo, name: string, csrf: string | null) => requestJson('DELETE', `${base(c)}/events/${enc(name)}`, undefined, csrf),
  respond: (uid: string, partstat: 'ACCEPTED' | 'TENTATIVE' | 'DECLINED', csrf: string | null) => requestJson('POST', `/api/v1/calendar/invitations/${enc(uid)}/respond`, { partstat }, csrf),
};

/** Monday 00:00 (local) of the week holding `d`. */
export function startOfWeek(d: Date): Date {
  const x = new Date(d.getFullYear(), d.getMonth(), d.getDate());
  x.setDate(x.getDate() - ((x.getDay() + 6) % 7));
  return x;
}

export function addDays(d: Date, n: number): Date {
  const x = new Date(d);
  x.setDate(x.getDate() + n);
  return x;
}

export const sameDay = (a: Date, b: Date) => a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
