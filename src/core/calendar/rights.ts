/**
 * Calendar grants use the folder rights of the sharing model (RFC 4314 letters, core/sharing), so
 * one dialog and one audit trail cover mail folders and calendars. What each letter means here:
 *   l  see free/busy (busy blocks only)        r  read events (details)
 *   w i t e x  change, add, remove events      p  act for the owner in scheduling (a delegate:
 *   a  share the calendar onward                  answer invitations, send as organiser)
 */
import { parseRights, RIGHT_PRESETS } from '../sharing/rights.js';

/** Bundles offered to people (the sharing model's presets plus the calendar-only ones). */
export const CALENDAR_PRESETS: Record<string, string> = {
  freebusy: 'l',
  read: RIGHT_PRESETS.read!,
  write: RIGHT_PRESETS.write!,
  delegate: 'lrswitep',
  full: RIGHT_PRESETS.full!,
};

/** A preset name or RFC 4314 letters, in canonical order (throws invalid_input on unknown letters). */
export function parseCalendarRights(input: string): string {
  return input === '' ? '' : parseRights(CALENDAR_PRESETS[input.toLowerCase()] ?? input);
}

export const canSeeFreeBusy = (rights: string) => rights.includes('l') || rights.includes('r');
export const canRead = (rights: string) => rights.includes('r');
export const canWrite = (rights: string) => rights.includes('w') || rights.includes('i');
export const canDelete = (rights: string) => rights.includes('t') || rights.includes('x');
export const canSchedule = (rights: string) => rights.includes('p');
export const canAdminister = (rights: string) => rights.includes('a');
/** Who may see (and so change) the details of a private entry (privacy.ts): its owner and scheduling delegates. */
export const canSeePrivate = (rights: string) => rights.includes('p');
