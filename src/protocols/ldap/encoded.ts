/**
 * Search responses written straight from entries encoded once: each entry's DN and attributes
 * (PartialAttribute, RFC 4511 section 4.5.2) are BER-encoded the first time the entry is sent and
 * kept on the entry (entries of the directory are cached per row version, see search.ts), so a
 * later search copies byte ranges into one response buffer: one allocation per response, none per
 * entry or attribute.
 */
import { ATTRIBUTE_COUNT, attributeId, attributeType } from './attributes.js';
import type { LdapEntry } from './entries.js';
import { constructed, headerSize, int, octets, sequence, TAG, writeHeader } from './proto/ber.js';
import { APP, message, resultOp, searchEntry, type Attribute, type LdapResult } from './proto/responses.js';
import type { Control } from './proto/messages.js';

/**
 * An entry's DN and attributes as BER in one buffer of its own: the DN's OCTET STRING, then each
 * attribute's PartialAttribute. Cached entries live long, so the buffer is allocated apart from
 * Node's shared 8 KiB pool (a pooled slice would keep its whole slab, and the garbage beside it,
 * alive: ~5 KB per entry), and attribute spans are numbers, not tuples.
 */
export interface EncodedEntry {
  bytes: Buffer;
  /** Where the attributes start (the DN's encoding ends). */
  dnEnd: number;
  /** Per attribute, in entry order: its attributeId and where its encoding ends (each starts where the previous ends). */
  spans: Uint32Array;
}

/** Which attributes a search returns (RFC 4511 section 4.5.1.8: "*", "+", "1.1", names). */
export interface Selection {
  all: boolean;
  /** Lower-case canonical names asked for (when not all). */
  wanted: ReadonlySet<string>;
  /** The same, by attributeId: 1 when wanted. */
  ids: Uint8Array;
  typesOnly: boolean;
}

/** The selection a request's attribute list asks for; `operationalToo` lets "+" select everything (the root DSE). */
export function selection(requested: readonly string[], typesOnly: boolean, operationalToo = false): Selection {
  const names = requested.map((r) => r.trim()).filter(Boolean);
  const ids = new Uint8Array(ATTRIBUTE_COUNT);
  if (names.length === 1 && names[0] === '1.1') return { all: false, wanted: new Set(), ids, typesOnly };
  const all = names.length === 0 || names.includes('*') || (operationalToo && names.includes('+'));
  const wanted = new Set(names.map((n) => attributeType(n)?.name.toLowerCase()).filter((n): n is string => !!n));
  for (const key of wanted) ids[attributeId(key)] = 1;
  return { all, wanted, ids, typesOnly };
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

/** Bytes of a string's OCTET STRING encoding. */
function octetsSize(v: string): number {
  const n = Buffer.byteLength(v, 'utf8');
  return headerSize(n) + n;
}

function writeOctets(out: Buffer, v: string, at: number): number {
  const n = Buffer.byteLength(v, 'utf8');
  at = writeHeader(out, TAG.OCTET_STRING, n, at);
  return at + out.write(v, at, n, 'utf8');
}

/** The entry's encoded form, made on first use and kept on the entry: sized first, then written in place. */
export function encodedEntry(entry: LdapEntry): EncodedEntry {
  if (entry.ber) return entry.ber;
  const spans = new Uint32Array(entry.attrs.size * 2);
  let total = octetsSize(entry.dn);
  let i = 0;
  for (const [key, a] of entry.attrs) {
    let set = 0;
    for (const v of a.values) set += octetsSize(v);
    const body = octetsSize(a.type) + headerSize(set) + set;
    total += headerSize(body) + body;
    spans[i++] = attributeId(key);
    spans[i++] = set; // the SET's length for now; the end offset once written
  }
  const bytes = Buffer.allocUnsafeSlow(total);
  let at = writeOctets(bytes, entry.dn, 0);
  const dnEnd = at;
  i = 0;
  for (const a of entry.attrs.values()) {
    const set = spans[i + 1]!;
    at = writeHeader(bytes, TAG.SEQUENCE, octetsSize(a.type) + headerSize(set) + set, at);
    at = writeOctets(bytes, a.type, at);
    at = writeHeader(bytes, TAG.SET, set, at);
    for (const v of a.values) at = writeOctets(bytes, v, at);
    spans[i + 1] = at;
    i += 2;
  }
  entry.ber = { bytes, dnEnd, spans };
  return entry.ber;
}

/** Bytes of the selected attributes of an encoded entry. */
function selectedLength(e: EncodedEntry, sel: Selection): number {
  if (sel.all) return e.bytes.length - e.dnEnd;
  let n = 0;
  const s = e.spans;
  for (let i = 0, start = e.dnEnd; i < s.length; start = s[i + 1]!, i += 2) if (sel.ids[s[i]!]) n += s[i + 1]! - start;
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
  for (let i = 0; i < encoded.length; i++) {
    const e = encoded[i]!;
    const attrs = selectedLength(e, sel) + (extras?.get(entries[i]!)?.length ?? 0);
    const body = e.dnEnd + headerSize(attrs) + attrs;
    const msg = id.length + headerSize(body) + body;
    sizes[i * 3] = attrs;
    sizes[i * 3 + 1] = body;
    sizes[i * 3 + 2] = msg;
    total += headerSize(msg) + msg;
  }
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (let i = 0; i < encoded.length; i++) {
    const e = encoded[i]!;
    at = writeHeader(out, TAG.SEQUENCE, sizes[i * 3 + 2]!, at);
    at += id.copy(out, at);
    at = writeHeader(out, APP.searchResultEntry, sizes[i * 3 + 1]!, at);
    at += e.bytes.copy(out, at, 0, e.dnEnd);
    at = writeHeader(out, TAG.SEQUENCE, sizes[i * 3]!, at);
    if (sel.all) at += e.bytes.copy(out, at, e.dnEnd);
    else {
      const s = e.spans;
      for (let j = 0, start = e.dnEnd; j < s.length; start = s[j + 1]!, j += 2) if (sel.ids[s[j]!]) at += e.bytes.copy(out, at, start, s[j + 1]!);
    }
    const extra = extras?.get(entries[i]!);
    if (extra) at += extra.copy(out, at);
  }
  doneMsg.copy(out, at);
  return out;
}
