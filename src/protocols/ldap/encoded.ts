/**
 * Search responses written straight from entries encoded once: each entry's DN and attributes
 * (PartialAttribute, RFC 4511 section 4.5.2) are BER-encoded the first time the entry is sent and
 * kept on the entry (entries of the directory are cached per row version, see search.ts), so a
 * later search copies byte ranges into one response buffer: one allocation per response, none per
 * entry or attribute.
 */
import { attributeType } from './attributes.js';
import type { LdapEntry } from './entries.js';
import { constructed, headerSize, int, octets, sequence, TAG, writeHeader } from './proto/ber.js';
import { APP, message, resultOp, searchEntry, type Attribute, type LdapResult } from './proto/responses.js';
import type { Control } from './proto/messages.js';

/** An entry's DN and attributes as BER, with where each attribute lies in `attrs`. */
export interface EncodedEntry {
  dn: Buffer;
  attrs: Buffer;
  /** Per attribute key (lower-case canonical name), its [start, end) in attrs, in entry order. */
  spans: [key: string, start: number, end: number][];
}

/** Which attributes a search returns (RFC 4511 section 4.5.1.8: "*", "+", "1.1", names). */
export interface Selection {
  all: boolean;
  /** Lower-case canonical names asked for (when not all). */
  wanted: ReadonlySet<string>;
  typesOnly: boolean;
}

/** The selection a request's attribute list asks for; `operationalToo` lets "+" select everything (the root DSE). */
export function selection(requested: readonly string[], typesOnly: boolean, operationalToo = false): Selection {
  const names = requested.map((r) => r.trim()).filter(Boolean);
  if (names.length === 1 && names[0] === '1.1') return { all: false, wanted: new Set(), typesOnly };
  const all = names.length === 0 || names.includes('*') || (operationalToo && names.includes('+'));
  const wanted = new Set(names.map((n) => attributeType(n)?.name.toLowerCase()).filter((n): n is string => !!n));
  return { all, wanted, typesOnly };
}

/** The attributes of an entry a selection keeps, as values (for the generic encoder). */
export function selectAttributes(entry: LdapEntry, sel: Selection): Attribute[] {
  const out: Attribute[] = [];
  for (const [key, a] of entry.attrs) {
    if (sel.all || sel.wanted.has(key)) out.push({ type: a.type, values: sel.typesOnly ? [] : a.values });
  }
  return out;
}

/** One attribute's PartialAttribute encoding (RFC 4511 section 4.1.7), values as bytes or text. */
export function encodeAttribute(type: string, values: readonly (string | Buffer)[]): Buffer {
  return sequence([octets(type), constructed(TAG.SET, values.map((v) => octets(v)))]);
}

/** The entry's encoded form, made on first use and kept on the entry. */
export function encodedEntry(entry: LdapEntry): EncodedEntry {
  if (entry.ber) return entry.ber;
  const parts: Buffer[] = [];
  const spans: EncodedEntry['spans'] = [];
  let at = 0;
  for (const [key, a] of entry.attrs) {
    const part = encodeAttribute(a.type, a.values);
    parts.push(part);
    spans.push([key, at, at + part.length]);
    at += part.length;
  }
  entry.ber = { dn: octets(entry.dn), attrs: Buffer.concat(parts, at), spans };
  return entry.ber;
}

/** Bytes of the selected attributes of an encoded entry. */
function selectedLength(e: EncodedEntry, sel: Selection): number {
  if (sel.all) return e.attrs.length;
  let n = 0;
  for (const [key, start, end] of e.spans) if (sel.wanted.has(key)) n += end - start;
  return n;
}

/**
 * Every SearchResultEntry of a search and its SearchResultDone, each an LDAPMessage with the
 * request's messageID (RFC 4511 sections 4.5.2, 4.5.3), in one buffer.
 */
export function encodeSearchResponse(
  messageId: number,
  entries: readonly LdapEntry[],
  sel: Selection,
  done: LdapResult,
  controls: readonly Control[],
  /** Encoded attributes sent after an entry's own (its jpegPhoto). */
  extras?: ReadonlyMap<LdapEntry, Buffer>,
): Buffer {
  const doneMsg = message(messageId, resultOp(APP.searchResultDone, done), controls);
  if (sel.typesOnly) {
    // Rare: values left out, so the cached encodings do not apply.
    return Buffer.concat([...entries.map((e) => message(messageId, searchEntry(e.dn, selectAttributes(e, sel)))), doneMsg]);
  }
  const id = int(messageId);
  const encoded = entries.map(encodedEntry);
  const sizes = new Float64Array(encoded.length * 3);
  let total = doneMsg.length;
  encoded.forEach((e, i) => {
    const attrs = selectedLength(e, sel) + (extras?.get(entries[i]!)?.length ?? 0);
    const body = e.dn.length + headerSize(attrs) + attrs;
    const msg = id.length + headerSize(body) + body;
    sizes[i * 3] = attrs;
    sizes[i * 3 + 1] = body;
    sizes[i * 3 + 2] = msg;
    total += headerSize(msg) + msg;
  });
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  encoded.forEach((e, i) => {
    at = writeHeader(out, TAG.SEQUENCE, sizes[i * 3 + 2]!, at);
    at += id.copy(out, at);
    at = writeHeader(out, APP.searchResultEntry, sizes[i * 3 + 1]!, at);
    at += e.dn.copy(out, at);
    at = writeHeader(out, TAG.SEQUENCE, sizes[i * 3]!, at);
    if (sel.all) at += e.attrs.copy(out, at);
    else for (const [key, start, end] of e.spans) if (sel.wanted.has(key)) at += e.attrs.copy(out, at, start, end);
    const extra = extras?.get(entries[i]!);
    if (extra) at += extra.copy(out, at);
  });
  doneMsg.copy(out, at);
  return out;
}
