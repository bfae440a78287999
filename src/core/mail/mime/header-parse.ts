// Header blocks: splitting into fields and unfolding (RFC 5322 §2.2), structured values with
// parameters (RFC 2045 §5.1, RFC 2183) including RFC 2231 continuations and charsets, and RFC 2047
// encoded-word decoding for display.
import libmime from 'libmime';
import { decodeBytes, headerBytesToString } from './charset.js';
import type { MimeLimits } from './limits.js';
import type { ContentDisposition, PartHeaderInfo } from './types.js';

/** One header field: lower-cased name and unfolded value (leading whitespace removed). */
export interface HeaderField {
  key: string;
  value: string;
}

const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;

/**
 * Splits a raw header block into fields (RFC 5322 §2.2): a line starting with WSP continues the
 * previous field; unfolding removes the line breaks only. Lines that are not fields (no colon, a
 * name with spaces such as an mbox "From " line) are skipped.
 */
export function splitHeaderFields(block: Buffer): HeaderField[] {
  const fields: HeaderField[] = [];
  // A field and its continuation lines are contiguous in the block: decoded as one slice, no copy.
  let fieldStart = -1;
  let start = 0;
  const flush = (end: number): void => {
    if (fieldStart < 0) return;
    const field = parseField(headerBytesToString(block.subarray(fieldStart, end)));
    if (field) fields.push(field);
    fieldStart = -1;
  };
  while (start < block.length) {
    const nl = block.indexOf(0x0a, start);
    const end = nl === -1 ? block.length : nl + 1;
    const first = block[start];
    if (first !== 0x20 && first !== 0x09) {
      flush(start);
      fieldStart = start;
    }
    start = end;
  }
  flush(block.length);
  return fields;
}

function parseField(raw: string): HeaderField | null {
  const colon = raw.indexOf(':');
  if (colon <= 0) return null;
  const name = raw.slice(0, colon).replace(/[ \t]+$/, '');
  if (!FIELD_NAME.test(name)) return null;
  const value = raw.slice(colon + 1).replace(/\r?\n/g, '').replace(/\r/g, ' ').replace(/^[ \t]+/, '').replace(/[ \t]+$/, '');
  return { key: name.toLowerCase(), value };
}

/** The value of the first field named `key` (lower case), or null. */
export function firstField(fields: readonly HeaderField[], key: string): string | null {
  for (const f of fields) if (f.key === key) return f.value;
  return null;
}

/** Cuts `s` to `max` characters without leaving half a surrogate pair. */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  const code = s.charCodeAt(max - 1);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/** RFC 2047 decoding that never throws (undecodable input comes back as written). */
export function decodeWords(s: string): string {
  if (!s.includes('=?')) return s;
  try {
    return libmime.decodeWords(s);
  } catch {
    return s;
  }
}

/** Removes RFC 5322 comments (nested, with quoted pairs) outside quoted strings. */
export function stripComments(s: string): string {
  if (!s.includes('(')) return s;
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && (quoted || depth > 0)) {
      if (depth === 0) out += c + (s[i + 1] ?? '');
      i++;
    } else if (depth > 0) {
      if (c === '(') depth++;
      else if (c === ')') depth--;
    } else if (c === '"') {
      quoted = !quoted;
      out += c;
    } else if (c === '(' && !quoted) {
      depth = 1;
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

/** A structured header value: the leading value and its parameters. */
export interface StructuredValue {
  value: string;
  params: Record<string, string>;
}

/**
 * Parses `value *(";" attribute "=" value)` (RFC 2045 §5.1) with quoted strings and comments, then
 * joins RFC 2231 continuations (`name*0*=`, `name*1=`) and decodes `charset'lang'%XX` values to Unicode.
 * An RFC 2231 value wins over a plain one of the same name. Never throws.
 */
export function parseStructured(input: string, limits: MimeLimits): StructuredValue {
  const raw: { name: string; value: string }[] = [];
  let i = 0;
  const n = input.length;
  let head = '';
  while (i < n && input[i] !== ';') {
    if (input[i] === '"') {
      const q = readQuoted(input, i);
      head += q.value;
      i = q.end;
    } else {
      head += input[i];
      i++;
    }
  }
  while (i < n && raw.length < limits.maxParams * 4) {
    i++; // the ';'
    let name = '';
    while (i < n && input[i] !== '=' && input[i] !== ';') name += input[i++];
    name = stripComments(name).trim().toLowerCase();
    if (i >= n || input[i] === ';') {
      continue;
    }
    i++; // the '='
    while (i < n && (input[i] === ' ' || input[i] === '\t')) i++;
    let value = '';
    if (input[i] === '"') {
      const q = readQuoted(input, i);
      value = q.value;
      i = q.end;
      while (i < n && input[i] !== ';') i++;
    } else {
      while (i < n && input[i] !== ';') value += input[i++];
      value = stripComments(value).trim();
    }
    if (name) raw.push({ name, value });
  }
  return { value: stripComments(head).replace(/\s+/g, ''), params: joinRfc2231(raw, limits) };
}

function readQuoted(s: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  while (i < s.length && s[i] !== '"') {
    if (s[i] === '\\' && i + 1 < s.length) i++;
    value += s[i];
    i++;
  }
  return { value, end: Math.min(i + 1, s.length) };
}

interface Segment {
  index: number;
  encoded: boolean;
  value: string;
}

const EXTENDED = /^(.+?)\*(?:(\d{1,3})(\*)?)?$/;

function joinRfc2231(raw: readonly { name: string; value: string }[], limits: MimeLimits): Record<string, string> {
  const plain = new Map<string, string>();
  const extended = new Map<string, Segment[]>();
  for (const { name, value } of raw) {
    const m = EXTENDED.exec(name);
    if (!m || !m[1]) {
      if (!plain.has(name)) plain.set(name, value);
      continue;
    }
    const base = m[1];
    const segment: Segment = { index: m[2] === undefined ? 0 : Number(m[2]), encoded: m[2] === undefined || m[3] === '*', value };
    const list = extended.get(base) ?? [];
    list.push(segment);
    extended.set(base, list);
  }
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  let count = 0;
  const put = (key: string, value: string): void => {
    if (count >= limits.maxParams || key in params) return;
    params[key] = clip(value, limits.maxValueLength);
    count++;
  };
  for (const [base, segments] of extended) put(base, decodeSegments(segments));
  for (const [key, value] of plain) put(key, value);
  return { ...params };
}

function decodeSegments(segments: Segment[]): string {
  segments.sort((a, b) => a.index - b.index);
  let charset: string | null = null;
  const bytes: Buffer[] = [];
  segments.forEach((seg, i) => {
    let v = seg.value;
    if (seg.encoded) {
      if (i === 0) {
        const m = /^([^']*)'[^']*'([\s\S]*)$/.exec(v);
        if (m) {
          charset = m[1] || null;
          v = m[2] ?? '';
        }
      }
      bytes.push(percentDecode(v));
    } else {
      bytes.push(Buffer.from(v, 'utf8'));
    }
  });
  return decodeBytes(Buffer.concat(bytes), charset);
}

function percentDecode(s: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25 && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) {
      out.push(c);
    } else {
      for (const b of Buffer.from(s[i] ?? '', 'utf8')) out.push(b);
    }
  }
  return Buffer.from(out);
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * The MIME fields of a part. A missing or syntactically invalid Content-Type gives `defaultType`
 * with charset us-ascii for text/plain (RFC 2045 §5.2); in multipart/digest the default is
 * message/rfc822 (RFC 2046 §5.1.5).
 */
export function parsePartHeader(fields: readonly HeaderField[], defaultType: 'text/plain' | 'message/rfc822', limits: MimeLimits): PartHeaderInfo {
  const ct = firstField(fields, 'content-type');
  let type = '';
  let subtype = '';
  let params: Record<string, string> = {};
  if (ct !== null) {
    const parsed = parseStructured(ct, limits);
    const slash = parsed.value.indexOf('/');
    const t = parsed.value.slice(0, slash).toLowerCase();
    const s = parsed.value.slice(slash + 1).toLowerCase();
    params = parsed.params;
    if (slash > 0 && TOKEN.test(t) && TOKEN.test(s)) {
      type = t;
      subtype = s;
    }
  }
  if (!type) {
    [type, subtype] = defaultType.split('/') as [string, string];
    if (type === 'text' && params.charset === undefined) params = { ...params, charset: 'us-ascii' };
  }

  const cteRaw = firstField(fields, 'content-transfer-encoding');
  const cte = cteRaw === null ? '' : stripComments(cteRaw).trim().toLowerCase();
  const disposition = parseDisposition(firstField(fields, 'content-disposition'), limits);
  const langRaw = firstField(fields, 'content-language');
  const language = langRaw === null ? null : stripComments(langRaw).split(',').map((l) => l.trim()).filter((l) => l.length > 0);
  const locRaw = firstField(fields, 'content-location');
  const nameRaw = disposition?.params.filename ?? params.name ?? null;

  return {
    type,
    subtype,
    params,
    id: optional(firstField(fields, 'content-id'), limits),
    description: optional(firstField(fields, 'content-description'), limits),
    encoding: cte && TOKEN.test(cte) ? cte : '7bit',
    disposition,
    language: language && language.length > 0 ? language.map((l) => clip(l, 64)) : null,
    location: locRaw === null ? null : optional(locRaw.replace(/\s+/g, ''), limits),
    md5: optional(firstField(fields, 'content-md5'), limits),
    filename: nameRaw ? clip(decodeWords(nameRaw).trim(), limits.maxValueLength) || null : null,
  };
}

function optional(v: string | null, limits: MimeLimits): string | null {
  if (v === null) return null;
  const t = v.trim();
  return t ? clip(t, limits.maxValueLength) : null;
}

function parseDisposition(raw: string | null, limits: MimeLimits): ContentDisposition | null {
  if (raw === null) return null;
  const parsed = parseStructured(raw, limits);
  const type = parsed.value.toLowerCase();
  if (type && TOKEN.test(type)) return { type, params: parsed.params };
  return parsed.params.filename !== undefined ? { type: 'attachment', params: parsed.params } : null;
}
