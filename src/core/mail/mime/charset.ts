// Bytes to text. Mail declares its charset but is often wrong: undeclared, "us-ascii" and "utf-8"
// text is taken as UTF-8 when it is valid UTF-8 and as Windows-1252 otherwise (the usual mislabel).
import { isAscii, isUtf8 } from 'node:buffer';
import libcharset from 'libmime/lib/charset.js';

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** Decodes `buf` as UTF-8 when it is valid UTF-8, else null. */
export function strictUtf8(buf: Uint8Array): string | null {
  if (!isUtf8(buf)) return null; // cheaper than the decoder's exception
  try {
    return utf8Strict.decode(buf);
  } catch {
    return null;
  }
}

const UTF8_LIKE = /^(?:us-?ascii|ascii|utf-?8|ansi_x3\.4-1968|7bit|8bit)$/;

/** Whether text labelled `charset` is read as UTF-8 when it is valid UTF-8 (see `decodeBytes`). */
export function isUtf8Label(charset: string | null | undefined): boolean {
  const cs = (charset ?? '').trim().toLowerCase();
  return !cs || UTF8_LIKE.test(cs);
}

/**
 * Decodes `buf` in `charset` (RFC 2045 §5.1 / RFC 2046 §4.1.2 charset names, as libmime understands
 * them, iso-2022-jp included). Never throws: unknown charsets fall back to UTF-8.
 */
export function decodeBytes(buf: Buffer, charset: string | null | undefined): string {
  const cs = (charset ?? '').trim().toLowerCase();
  if (!cs || UTF8_LIKE.test(cs)) {
    return strictUtf8(buf) ?? decodeWith(buf, 'windows-1252');
  }
  return decodeWith(buf, cs);
}

function decodeWith(buf: Buffer, charset: string): string {
  try {
    const out = libcharset.decode(buf, charset);
    return typeof out === 'string' ? out : Buffer.from(out).toString('utf8');
  } catch {
    return buf.toString('utf8');
  }
}

/**
 * Header bytes to a string: UTF-8 when valid (RFC 6532), else Windows-1252; NUL bytes dropped
 * because no protocol can carry them in a header value.
 */
export function headerBytesToString(buf: Buffer): string {
  const s = isAscii(buf) ? buf.toString('latin1') : (strictUtf8(buf) ?? decodeWith(buf, 'windows-1252'));
  return s.includes('\0') ? s.replace(/\0/g, '') : s;
}
