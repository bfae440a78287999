// The message-level header fields: IMAP ENVELOPE (RFC 3501 §7.4.2) raw, and the decoded display
// values (subject, addresses, date, message ids) that JMAP and the web use.
import { parseAddressList, toDisplayAddresses } from './address-parse.js';
import { clip, decodeWords, firstField, stripComments, type HeaderField } from './header-parse.js';
import type { MimeLimits } from './limits.js';
import type { Envelope, MessageSummary } from './types.js';

/** RFC 3501 §7.4.2 ENVELOPE from a message header: raw values, first occurrence of each field. */
export function buildEnvelope(fields: readonly HeaderField[], limits: MimeLimits): Envelope {
  const raw = (key: string): string | null => {
    const v = firstField(fields, key);
    return v === null ? null : clip(v, limits.maxValueLength);
  };
  const addresses = (key: string): Envelope['from'] => {
    const v = firstField(fields, key);
    return v === null ? [] : parseAddressList(v, limits.maxAddresses, limits.maxValueLength);
  };
  return {
    date: raw('date'),
    subject: raw('subject'),
    from: addresses('from'),
    sender: addresses('sender'),
    replyTo: addresses('reply-to'),
    to: addresses('to'),
    cc: addresses('cc'),
    bcc: addresses('bcc'),
    inReplyTo: raw('in-reply-to'),
    messageId: raw('message-id'),
  };
}

/** Display values derived from the raw envelope plus the References field (RFC 5322 §3.6.4). */
export function summarize(fields: readonly HeaderField[], envelope: Envelope, limits: MimeLimits): MessageSummary {
  const refs = firstField(fields, 'references');
  return {
    subject: envelope.subject === null ? '' : decodeWords(envelope.subject).replace(/\s+/g, ' ').trim(),
    from: toDisplayAddresses(envelope.from),
    sender: toDisplayAddresses(envelope.sender),
    replyTo: toDisplayAddresses(envelope.replyTo),
    to: toDisplayAddresses(envelope.to),
    cc: toDisplayAddresses(envelope.cc),
    bcc: toDisplayAddresses(envelope.bcc),
    date: envelope.date === null ? null : parseMailDate(envelope.date),
    messageId: envelope.messageId === null ? null : (parseMessageIds(envelope.messageId)[0] ?? null),
    inReplyTo: envelope.inReplyTo === null ? null : (parseMessageIds(envelope.inReplyTo)[0] ?? null),
    references: refs === null ? [] : parseMessageIds(refs).slice(0, limits.maxAddresses),
  };
}

/**
 * The msg-ids of a Message-ID / In-Reply-To / References value (RFC 5322 §3.6.4), without angle
 * brackets. Values without brackets fall back to the words that contain "@".
 */
export function parseMessageIds(value: string): string[] {
  const s = stripComments(value);
  const ids: string[] = [];
  const re = /<([^<>]*)>/g;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    const id = (m[1] ?? '').replace(/\s+/g, '');
    if (id) ids.push(id);
  }
  if (ids.length === 0) {
    for (const w of s.split(/[\s,]+/)) if (w.includes('@')) ids.push(w);
  }
  return ids;
}

const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };
const ZONES: Record<string, number> = { ut: 0, utc: 0, gmt: 0, z: 0, est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420 };
const DATE = /^\s*(?:[A-Za-z]+\.?\s*,?\s*)?(\d{1,2})[\s-]+([A-Za-z]{3})[A-Za-z]*\.?[\s-]+(\d{2,4})\s+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?(?:\.\d+)?\s*([+-]\d{2}:?\d{2}|[A-Za-z]+)?/;

/** Parses an RFC 5322 §3.3 date-time, with the obsolete forms of §4.3; null when it makes no sense. */
export function parseMailDate(value: string): Date | null {
  const s = stripComments(value).trim();
  const m = DATE.exec(s);
  if (m) {
    const [, d, mon, y, hh, mm, ss, zone] = m;
    const month = MONTHS[(mon ?? '').toLowerCase()];
    let year = Number(y);
    if ((y ?? '').length === 2) year += year < 50 ? 2000 : 1900;
    else if ((y ?? '').length === 3) year += 1900;
    const day = Number(d);
    const hour = Number(hh);
    const minute = Number(mm);
    const second = ss === undefined ? 0 : Number(ss);
    if (month !== undefined && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 60) {
      let offset = 0;
      if (zone && /^[+-]/.test(zone)) {
        const digits = zone.replace(':', '');
        const sign = digits[0] === '-' ? -1 : 1;
        offset = sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
      } else if (zone) {
        offset = ZONES[zone.toLowerCase()] ?? 0;
      }
      const t = Date.UTC(year, month, day, hour, minute, Math.min(second, 59)) - offset * 60000;
      return Number.isFinite(t) ? new Date(t) : null;
    }
  }
  const t = Date.parse(s);
  return Number.isFinite(t) ? new Date(t) : null;
}
