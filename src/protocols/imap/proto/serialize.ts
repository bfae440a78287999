// Response writing helpers (RFC 9051 section 7 and section 9 `response`): values become bytes,
// strings are quoted when they can be and sent as literals when they must be (CR, LF, NUL, 8-bit
// outside UTF-8 sessions, long values). BODYSTRUCTURE and ENVELOPE writers live elsewhere.

import { IMAP_LIMITS } from './limits.js';
import { isAtomChar, isAtomString, decodeUtf8 } from './chars.js';
import { encodeMailboxName } from './mailbox-name.js';

/** A value to write. Arrays are parenthesised lists; `null` is NIL. */
export type ImapOut =
  | number
  | bigint
  | null
  | { readonly atom: string }
  | { readonly string: string | Buffer }
  | { readonly literal: string | Buffer; readonly binary?: boolean }
  | { readonly raw: string | Buffer }
  | readonly ImapOut[];

export interface SerializeOptions {
  /** UTF-8 may appear in quoted strings (IMAP4rev2, or UTF8=ACCEPT enabled; RFC 6855). */
  readonly utf8?: boolean;
  /** Longer strings are sent as literals. */
  readonly maxQuotedBytes?: number;
}

export type ResponseStatus = 'OK' | 'NO' | 'BAD' | 'PREAUTH' | 'BYE';

const CRLF = Buffer.from('\r\n');
const SP = Buffer.from(' ');

/** An atom, written as is (must be non-empty ATOM-CHARs, or a flag such as `\Seen`). */
export function atom(value: string): ImapOut {
  return { atom: value };
}

/** A string, quoted or sent as a literal as needed. */
export function str(value: string | Buffer): ImapOut {
  return { string: value };
}

/** nstring: NIL for null. */
export function nstr(value: string | Buffer | null | undefined): ImapOut {
  return value === null || value === undefined ? null : { string: value };
}

/** astring: an atom when the text allows (and is not NIL), else a string. */
export function astr(value: string): ImapOut {
  return isAtomString(value) && value.toUpperCase() !== 'NIL' ? { atom: value } : { string: value };
}

/** Text written exactly as given (sequence sets, section names, pre-built parts). */
export function raw(value: string | Buffer): ImapOut {
  return { raw: value };
}

/** A literal, `{n}` or, for binary content, `~{n}` (RFC 3516). */
export function literal(value: string | Buffer, binary = false): ImapOut {
  return { literal: value, binary };
}

/** A mailbox name as an astring: UTF-8 for UTF-8 sessions, modified UTF-7 otherwise. */
export function mailbox(name: string, utf8: boolean): ImapOut {
  return astr(encodeMailboxName(name, utf8));
}

/** True when `bytes` may be written as a quoted string (RFC 9051 `quoted`, RFC 6855 section 3). */
export function canQuote(bytes: Buffer, options: SerializeOptions = {}): boolean {
  if (bytes.length > (options.maxQuotedBytes ?? IMAP_LIMITS.maxQuotedBytes)) return false;
  let eightBit = false;
  for (const b of bytes) {
    if (b === 0 || b === 0x0a || b === 0x0d) return false;
    if (b >= 0x80) eightBit = true;
  }
  if (!eightBit) return true;
  return options.utf8 === true && decodeUtf8(bytes) !== undefined;
}

/** `"..."` with `\` and `"` escaped. */
export function quote(bytes: Buffer): Buffer {
  let escapes = 0;
  for (const b of bytes) if (b === 0x22 || b === 0x5c) escapes++;
  const out = Buffer.allocUnsafe(bytes.length + escapes + 2);
  let o = 0;
  out[o++] = 0x22;
  for (const b of bytes) {
    if (b === 0x22 || b === 0x5c) out[o++] = 0x5c;
    out[o++] = b;
  }
  out[o++] = 0x22;
  return out;
}

function literalBytes(bytes: Buffer, binary: boolean): Buffer {
  return Buffer.concat([Buffer.from(`${binary ? '~' : ''}{${bytes.length}}\r\n`, 'latin1'), bytes]);
}

/** A string in its wire form: quoted when allowed, else a literal (NUL forces a binary literal). */
export function encodeString(value: string | Buffer, options: SerializeOptions = {}): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  if (canQuote(bytes, options)) return quote(bytes);
  return literalBytes(bytes, bytes.includes(0));
}

function checkAtom(value: string): void {
  const body = value.startsWith('\\') ? value.slice(1) : value;
  if (body === '*' && value === '\\*') return; // PERMANENTFLAGS (\*)
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (!isAtomChar(c)) throw new RangeError(`Not an atom: ${JSON.stringify(value)}`);
  }
  if (body.length === 0) throw new RangeError('Empty atom');
}

function isList(value: ImapOut): value is readonly ImapOut[] {
  return Array.isArray(value);
}

function push(value: ImapOut, out: Buffer[], options: SerializeOptions): void {
  if (value === null) {
    out.push(Buffer.from('NIL'));
  } else if (typeof value === 'number' || typeof value === 'bigint') {
    if (typeof value === 'number' && (!Number.isSafeInteger(value) || value < 0)) throw new RangeError(`Not an IMAP number: ${value}`);
    if (typeof value === 'bigint' && value < 0n) throw new RangeError(`Not an IMAP number: ${value}`);
    out.push(Buffer.from(String(value)));
  } else if (isList(value)) {
    out.push(Buffer.from('('));
    value.forEach((item, i) => {
      if (i > 0) out.push(SP);
      push(item, out, options);
    });
    out.push(Buffer.from(')'));
  } else if ('atom' in value) {
    checkAtom(value.atom);
    out.push(Buffer.from(value.atom, 'latin1'));
  } else if ('string' in value) {
    out.push(encodeString(value.string, options));
  } else if ('literal' in value) {
    const bytes = typeof value.literal === 'string' ? Buffer.from(value.literal, 'utf8') : value.literal;
    out.push(literalBytes(bytes, value.binary === true));
  } else {
    out.push(typeof value.raw === 'string' ? Buffer.from(value.raw, 'utf8') : value.raw);
  }
}

/** One value in wire form. Throws RangeError for a value IMAP cannot carry (a negative number, a bad atom). */
export function serialize(value: ImapOut, options: SerializeOptions = {}): Buffer {
  const out: Buffer[] = [];
  push(value, out, options);
  return Buffer.concat(out);
}

/** Values separated by single spaces. */
export function serializeAll(values: readonly ImapOut[], options: SerializeOptions = {}): Buffer {
  const out: Buffer[] = [];
  values.forEach((v, i) => {
    if (i > 0) out.push(SP);
    push(v, out, options);
  });
  return Buffer.concat(out);
}

/** `* <values>\r\n` (RFC 9051 section 7: untagged data such as `* 3 EXISTS`, `* LIST (...) "/" INBOX`). */
export function untagged(values: readonly ImapOut[], options: SerializeOptions = {}): Buffer {
  return Buffer.concat([Buffer.from('* '), serializeAll(values, options), CRLF]);
}

/** `[NAME args]` (RFC 9051 `resp-text-code`), e.g. code('UIDNEXT', 42), code('PERMANENTFLAGS', [atom('\\Seen')]). */
export function code(name: string, ...args: readonly ImapOut[]): Buffer {
  checkAtom(name);
  if (args.length === 0) return Buffer.from(`[${name}]`);
  return Buffer.concat([Buffer.from(`[${name} `), serializeAll(args), Buffer.from(']')]);
}

function cleanText(text: string): string {
  const clean = text.replace(/[\r\n\0]+/g, ' ');
  return clean.length ? clean : 'done';
}

/**
 * A status response (RFC 9051 section 7.1): `tag OK [code] text\r\n`, with tag `*` for untagged
 * OK/NO/BAD/PREAUTH/BYE. CR, LF and NUL in the text become spaces.
 */
export function status(tag: string, state: ResponseStatus, text: string, responseCode?: Buffer): Buffer {
  const parts: Buffer[] = [Buffer.from(`${tag} ${state} `, 'latin1')];
  if (responseCode) parts.push(responseCode, SP);
  parts.push(Buffer.from(cleanText(text), 'utf8'), CRLF);
  return Buffer.concat(parts);
}

/** `+ text\r\n`: a continuation request (RFC 9051 section 7.5), e.g. for a synchronising literal. */
export function continuation(text = 'Ready'): Buffer {
  return Buffer.from(`+ ${cleanText(text)}\r\n`, 'utf8');
}

/** `+ base64\r\n`: a SASL challenge (RFC 9051 section 6.2.2); an empty challenge is `+ \r\n`. */
export function saslChallenge(data: Buffer): Buffer {
  return Buffer.from(`+ ${data.toString('base64')}\r\n`, 'latin1');
}
