/** Shapes of the calendar domain (RFC 5545 objects, RFC 4791 collections, RFC 6638 scheduling). */
import type ICAL from 'ical.js';

export type ComponentKind = 'VEVENT' | 'VTODO' | 'VJOURNAL';

/**
 * Clinic appointment fields, kept in the object as X- properties (RFC 5545 section 3.8.8.2) so
 * they travel with it through every client, and in columns so reminders can be found quickly.
 *   X-WARDPOST-PATIENT-MOBILE:+447700900123
 *   X-WARDPOST-REMINDER:P1D,PT2H     (ISO 8601 durations before the start; "none" for no reminder)
 */
export const APPOINTMENT_PROPS = { mobile: 'X-WARDPOST-PATIENT-MOBILE', reminder: 'X-WARDPOST-REMINDER' } as const;

export interface Attendee {
  address: string;
  partstat: string;
  role: string;
  name: string | null;
  sentBy: string | null;
  scheduleAgent: string;
  cutype: string;
}

export interface ParsedCalendar {
  root: ICAL.Component;
  kind: ComponentKind;
  uid: string;
  method: string | null;
  /** The component without RECURRENCE-ID (null when the resource only holds overridden instances). */
  master: ICAL.Component | null;
  overrides: ICAL.Component[];
  organizer: string | null;
  attendees: Attendee[];
  firstStart: number | null;
  lastEnd: number | null;
  recurring: boolean;
  patientMobile: string | null;
  reminderPolicy: string | null;
  sequence: number;
}

/** One instance of an event or task, in UTC milliseconds. */
export interface Instance {
  start: number;
  end: number;
  /** RECURRENCE-ID of the instance (null for a non-recurring object). */
  recurrenceId: ICAL.Time | null;
  component: ICAL.Component;
}

export type CalendarKind = 'calendar' | 'inbox' | 'collection';

export interface CalendarInfo {
  id: number;
  ownerId: number;
  ownerAddress: string;
  path: string;
  kind: CalendarKind;
  displayName: string;
  description: string | null;
  color: string | null;
  timezone: string | null;
  components: string[];
  booking: 'none' | 'auto';
  syncSeq: number;
  /** The caller's rights on it (RFC 4314 letters; the owner has every one). */
  rights: string;
}

export interface CalendarObject {
  calendarId: number;
  name: string;
  uid: string | null;
  component: string | null;
  contentType: string;
  data: string;
  etag: string;
  firstStart: number | null;
  lastEnd: number | null;
  patientMobile: string | null;
  reminderPolicy: string | null;
  organizer: string | null;
  updatedAt: number;
}

/** A busy period for free/busy (RFC 5545 section 3.8.2.6 FBTYPE). */
export interface BusyPeriod {
  start: number;
  end: number;
  type: 'BUSY' | 'BUSY-TENTATIVE' | 'BUSY-UNAVAILABLE';
  /** Only for callers granted read access: what the time is taken by. */
  summary?: string;
  uid?: string;
}

/** An appointment with a patient's mobile number, as the SMS reminders read it. */
export interface Appointment {
  accountId: number;
  calendarId: number;
  objectName: string;
  uid: string;
  recurrenceId: string | null;
  start: number;
  end: number;
  summary: string;
  location: string | null;
  patientMobile: string;
  /** ISO 8601 durations before the start (e.g. ["P1D","PT2H"]); empty: no reminder wanted. */
  reminders: string[];
  status: string;
}
