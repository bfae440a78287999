/**
 * Telephone numbers: every number is validated and stored in E.164 form (ITU-T E.164, "+" and up
 * to 15 digits), parsed by libphonenumber-js with full metadata so a landline can be told apart
 * from a mobile. Logs only ever see masked numbers.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { invalid } from '../errors.js';

/**
 * Ofcom's drama range (07700 900000-900999): never allocated to a real phone, so safe for tests and
 * training; libphonenumber calls it invalid, we accept it as a mobile.
 */
const DRAMA_RANGE = /^\+447700900\d{3}$/;

/** Parses `input` (international, or national in `country`) into E.164; throws invalid_input naming the problem. */
export function normaliseNumber(input: string, country: string = 'GB'): string {
  const raw = input.trim();
  if (!raw) throw invalid('the phone number is empty', { field: 'to' });
  if (!/^[+\d(][\d\s().-]*$/.test(raw)) throw invalid(`"${raw}" is not a phone number (expected e.g. +447700900123)`, { field: 'to' });
  const p = parsePhoneNumberFromString(raw, country as CountryCode);
  if (p && DRAMA_RANGE.test(p.number)) return p.number;
  if (!p || !p.isValid()) throw invalid(`"${raw}" is not a valid phone number (expected e.g. +447700900123)`, { field: 'to' });
  const type = p.getType();
  if (type === 'FIXED_LINE' || type === 'TOLL_FREE' || type === 'PREMIUM_RATE' || type === 'SHARED_COST' || type === 'VOIP' || type === 'PAGER' || type === 'UAN' || type === 'VOICEMAIL') {
    throw invalid(`${p.number} is not a mobile number (${type.toLowerCase().replace(/_/g, ' ')}): it cannot receive SMS`, { field: 'to' });
  }
  return p.number;
}

/** "+447700900123" -> "+44770090**23": enough to tell numbers apart in a log, not enough to call. */
export function maskNumber(e164: string): string {
  if (e164.length <= 6) return '*'.repeat(e164.length);
  return `${e164.slice(0, 9)}${'*'.repeat(Math.max(0, e164.length - 11))}${e164.slice(-2)}`;
}
