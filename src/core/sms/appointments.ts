/**
 * What the SMS reminders need from calendars, as an interface core/calendar implements (the
 * composition root wires one to the other): appointments that carry a patient's mobile number and
 * a reminder policy, their changes as they happen, and a way to record the patient's answer.
 */

export interface Appointment {
  /** iCalendar UID (RFC 5545 section 3.8.4.7). */
  uid: string;
  /** Which occurrence: its RECURRENCE-ID, or the start of a single event (any stable string). */
  occurrence: string;
  orgId: number;
  /** Start, ms since the epoch. */
  start: number;
  /** The patient's mobile number (any form; normalised to E.164 here). */
  mobile: string;
  /** Reminder policy: minutes before the start, e.g. [2880, 120] for 48 h and 2 h. */
  remindMinutesBefore: number[];
  /** Merge fields of the reminder text: name, clinic, and anything else the template uses. */
  fields: Record<string, string>;
  /** The calendar's owner, whose mailbox (or the clinic's reply mailbox) hears the patient's replies. */
  ownerAccountId: number | null;
  cancelled: boolean;
}

export interface AppointmentSource {
  /** Appointments with a mobile number and a reminder policy starting in [from, to). */
  between(from: number, to: number): Promise<Appointment[]>;
  /** Calls back with the UIDs of appointments that changed (created, moved, cancelled, deleted); returns the unsubscribe function. */
  subscribe(listener: (uids: string[]) => void): () => void;
  /**
   * The patient answered a reminder: 'confirmed', or 'cancelled' (the slot is freed). Returns a
   * line for the clinic's notice.
   */
  respond(ref: { uid: string; occurrence: string; ownerAccountId: number | null }, answer: 'confirmed' | 'cancelled', from: string): Promise<string>;
}
