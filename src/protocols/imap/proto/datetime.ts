// IMAP dates (RFC 9051 section 9: `date`, `date-time`), as used by SEARCH and APPEND, and the
// INTERNALDATE form the server sends.

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A calendar date without time or zone (SEARCH BEFORE/ON/SINCE compare dates only). */
export interface ImapDate {
  readonly year: number;
  /** 1 to 12 */
  readonly month: number;
  readonly day: number;
}

/** An APPEND date-time: the instant, and the zone the client gave (minutes east of UTC). */
export interface ImapDateTime {
  readonly date: Date;
  readonly zoneMinutes: number;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function parseDateText(text: string): ImapDate | undefined {
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text);
  if (!m) return undefined;
  const day = Number(m[1]);
  const month = MONTHS.indexOf((m[2] as string).toUpperCase()) + 1;
  const year = Number(m[3]);
  if (month === 0 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

/** Parses `date-text` (`1-Feb-1994`, RFC 9051 section 9); undefined when invalid. */
export function parseImapDate(text: string): ImapDate | undefined {
  return parseDateText(text);
}

/**
 * Parses the inside of a `date-time` (`17-Jul-1996 02:44:25 -0700`, RFC 9051 section 9). The day
 * may be `07`, ` 7` (date-day-fixed) or, leniently, `7`. Undefined when invalid.
 */
export function parseImapDateTime(text: string): ImapDateTime | undefined {
  const m = /^ ?(\d{1,2}-[A-Za-z]{3}-\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text);
  if (!m) return undefined;
  const day = parseDateText(m[1] as string);
  if (!day) return undefined;
  const [h, min, s, zh, zm] = [m[2], m[3], m[4], m[6], m[7]].map(Number) as [number, number, number, number, number];
  if (h > 23 || min > 59 || s > 60 || zm > 59) return undefined;
  const zoneMinutes = (m[5] === '-' ? -1 : 1) * (zh * 60 + zm);
  const utc = Date.UTC(day.year, day.month - 1, day.day, h, min, Math.min(s, 59)) - zoneMinutes * 60_000;
  return { date: new Date(utc), zoneMinutes };
}

/** Midnight UTC of an ImapDate, in milliseconds (for comparisons). */
export function imapDateToUtcMs(date: ImapDate): number {
  return Date.UTC(date.year, date.month - 1, date.day);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `date-time` as the server sends it, with quotes: `"17-Jul-1996 02:44:25 -0700"`. */
export function formatImapDateTime(date: Date, zoneMinutes = 0): string {
  const local = new Date(date.getTime() + zoneMinutes * 60_000);
  const sign = zoneMinutes < 0 ? '-' : '+';
  const z = Math.abs(zoneMinutes);
  const day = pad(local.getUTCDate());
  const month = MONTH_NAMES[local.getUTCMonth()] as string;
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  return `"${day}-${month}-${local.getUTCFullYear()} ${time} ${sign}${pad(Math.floor(z / 60))}${pad(z % 60)}"`;
}
