/**
 * Choosing the encoding of an SMS and splitting it into parts (3GPP TS 23.038 section 6.2.1 for the
 * GSM 7-bit default alphabet and its extension table, TS 23.040 section 9.2.3.24.1 for concatenation).
 * A single message carries 160 septets (GSM) or 70 UTF-16 code units (UCS-2); each part of a
 * concatenated message loses 6 octets to its user data header: 153 septets or 67 code units.
 */
import { invalid } from '../errors.js';

export type SmsEncoding = 'gsm7' | 'ucs2';

/** The basic GSM 03.38 character set (without the escape character itself). */
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
/** Characters of the extension table: each is sent as ESC + one septet, so counts two. */
const GSM_EXTENDED = new Set('^{}\\[~]|€\f');

export const GSM_SINGLE = 160;
export const GSM_PART = 153;
export const UCS2_SINGLE = 70;
export const UCS2_PART = 67;

export interface SmsPlan {
  encoding: SmsEncoding;
  /** The text of each part, in order; one element for a message that fits in one SMS. */
  parts: string[];
  /** Septets (GSM) or UTF-16 code units (UCS-2) of the whole text. */
  units: number;
  /** Characters the encoding cannot carry are none (UCS-2 carries everything), listed for GSM choice explanations. */
  nonGsm: string[];
}

/** Septets `ch` takes in GSM 7-bit, or 0 when the alphabet cannot carry it. */
function septets(ch: string): number {
  if (GSM_BASIC.has(ch)) return 1;
  if (GSM_EXTENDED.has(ch)) return 2;
  return 0;
}

/** The characters of `text` outside GSM 03.38 (deduplicated, in order of appearance). */
export function nonGsmCharacters(text: string): string[] {
  const out = new Set<string>();
  for (const ch of text) if (!septets(ch)) out.add(ch);
  return [...out];
}

/**
 * GSM 7-bit when every character fits, else UCS-2; splits into parts without cutting an escape
 * pair (GSM) or a surrogate pair (UCS-2). Refuses an empty text or one longer than `maxParts`.
 */
export function planSms(text: string, maxParts: number): SmsPlan {
  if (!text.trim()) throw invalid('the message is empty', { field: 'body' });
  const nonGsm = nonGsmCharacters(text);
  const encoding: SmsEncoding = nonGsm.length ? 'ucs2' : 'gsm7';
  const chars = [...text];
  const cost = (ch: string) => (encoding === 'gsm7' ? septets(ch) : ch.length);
  const units = chars.reduce((n, ch) => n + cost(ch), 0);
  const single = encoding === 'gsm7' ? GSM_SINGLE : UCS2_SINGLE;
  const per = encoding === 'gsm7' ? GSM_PART : UCS2_PART;
  let parts: string[];
  if (units <= single) parts = [text];
  else {
    parts = [];
    let cur = '';
    let n = 0;
    for (const ch of chars) {
      const c = cost(ch);
      if (n + c > per) {
        parts.push(cur);
        cur = '';
        n = 0;
      }
      cur += ch;
      n += c;
    }
    if (cur) parts.push(cur);
  }
  if (parts.length > maxParts) {
    throw invalid(`the message is too long: ${parts.length} parts of ${encoding === 'gsm7' ? 'GSM' : 'Unicode (UCS-2)'} text, at most ${maxParts} allowed (${maxParts * per} ${encoding === 'gsm7' ? 'characters' : 'Unicode characters'})`, { field: 'body' });
  }
  return { encoding, parts, units, nonGsm };
}
