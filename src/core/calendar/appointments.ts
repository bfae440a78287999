/**
 * Clinic appointments for SMS reminders: events carrying a patient's mobile number
 * (X-WARDPOST-PATIENT-MOBILE) with their reminder policy (X-WARDPOST-REMINDER), one entry per
 * instance of a recurring appointment. The SMS service reads only this, plus the
 * `calendar.event.changed` events on the bus, so it never parses iCalendar itself.
 */
import type ICAL from 'ical.js';
import type { Store } from '../../store/types.js';
import { parseCalendar } from './ical.js';
import { instances } from './recurrence.js';
import { icalUtc } from './timezones.js';
import type { Appointment } from './types.js';

/** The reminder policy when an appointment names none: one reminder a day before. */
export const DEFAULT_REMINDERS = ['P1D'];

/** "P1D,PT2H" -> ["P1D","PT2H"]; "none" -> []; anything not an ISO 8601 duration is dropped. */
export function parseReminderPolicy(policy: string | null): string[] {
  if (policy === null) return DEFAULT_REMINDERS;
  if (/^\s*none\s*$/i.test(policy)) return [];
  return policy.split(',').map((s) => s.trim().toUpperCase()).filter((s) => /^-?P(\d+W|(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?)$/.test(s) && s !== 'P' && !s.endsWith('T'));
}

/** Instances of appointments starting in [from, to), oldest first, at most `limit`. */
export async function appointmentsBetween(store: Store, from: number, to: number, limit = 1000): Promise<Appointment[]> {
  const out: Appointment[] = [];
  const owners = new Map<number, number>();
  for (const row of await store.calendar.appointments(from, to, limit)) {
    const calendarId = Number(row.calendar_id);
    let accountId = owners.get(calendarId);
    if (accountId === undefined) {
      const cal = await store.calendar.byId(calendarId);
      if (!cal || cal.kind !== 'calendar') continue;
      accountId = Number(cal.account_id);
      owners.set(calendarId, accountId);
    }
    let parsed;
    try {
      parsed = parseCalendar(row.data);
    } catch {
      continue; // stored objects were valid when written; a library change must not stop reminders
    }
    for (const i of instances(parsed, from, to)) {
      if (i.start < from || i.start >= to) continue;
      const c = i.component;
      out.push({
        accountId,
        calendarId,
        objectName: row.name,
        uid: parsed.uid,
        recurrenceId: i.recurrenceId ? icalUtc((i.recurrenceId as ICAL.Time).toUnixTime() * 1000) : null,
        start: i.start,
        end: i.end,
        summary: String(c.getFirstPropertyValue('summary') ?? ''),
        location: (c.getFirstPropertyValue('location') as string | null) ?? null,
        patientMobile: row.patient_mobile!,
        reminders: parseReminderPolicy(row.reminder_policy),
        status: String(c.getFirstPropertyValue('status') ?? 'CONFIRMED').toUpperCase(),
      });
    }
  }
  return out.sort((a, b) => a.start - b.start).slice(0, limit);
}
