/**
 * The subset of BER (X.690) that LDAP uses (RFC 4511 section 5.1): definite lengths only, at most
 * four length octets, single-octet tags. A reader over one complete element and a writer that
 * builds elements bottom-up. Pure: no I/O.
 */

/** Raised for any malformed encoding; the session turns it into protocolError or a disconnect. */
export class BerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BerError';
  }
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  ENUMERATED: 0x0a,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** One element: its tag and the bytes of its contents. */
export interface BerElement {
  tag: number;
  /** Constructed (bit 6 of the tag): its contents are elements. */
  constructed: boolean;
  value: Buffer;
}

/**
 * Length of the first complete element at the start of `buf`, header included, or null when more
 * bytes are needed. Throws BerError when the header is invalid (indefinite or oversized length).
 */
export function elementLength(buf: Buffer, offset = 0): number | null {
  if (buf.length - offset < 2) return null;
  if ((buf[offset]! & 0x1f) === 0x1f) throw new BerError('multi-octet tags are not used by LDAP');
  const first = buf[offset + 1]!;
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  if (n === 0) throw new BerError('indefinite length is not allowed in LDAP (RFC 4511 section 5.1)');
  if (n > 4) throw new BerError('length of more than four octets');
  if (buf.length - offset < 2 + n) return null;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + buf[offset + 2 + i]!;
  return 2 + n + len;
}

/** Reads consecutive elements out of one buffer (the contents of a constructed element). */
export class BerReader {
  private pos = 0;

  constructor(private readonly buf: Buffer) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  /** The tag of the next element, or -1 at the end. */
  peekTag(): number {
    return this.done ? -1 : this.buf[this.pos]!;
  }

  next(): BerElement {
    const total = elementLength(this.buf, this.pos);
    if (total === null || this.pos + total > this.buf.length) throw new BerError('element runs past its container');
    const tag = this.buf[this.pos]!;
    const header = this.buf[this.pos + 1]! < 0x80 ? 2 : 2 + (this.buf[this.pos + 1]! & 0x7f);
    const value = this.buf.subarray(this.pos + header, this.pos + total);
    this.pos += total;
    return { tag, constructed: (tag & 0x20) !== 0, value };
  }

  /** The next element, which must carry `tag`. */
  expect(tag: number, what: string): BerElement {
    const el = this.next();
    if (el.tag !== tag) throw new BerError(`${what}: expected tag 0x${tag.toString(16)}, got 0x${el.tag.toString(16)}`);
    return el;
  }

  end(what: string): void {
    if (!this.done) throw new BerError(`${what}: unexpected trailing data`);
  }
}

/** INTEGER / ENUMERATED contents as a JS number (LDAP's are at most 32 bits, RFC 4511 section 4.1.1). */
export function readInt(el: BerElement, what: string): number {
  const v = el.value;
  if (el.constructed) throw new BerError(`${what}: an integer is primitive`);
  if (v.length === 0 || v.length > 4) throw new BerError(`${what}: integer of ${v.length} octets`);
  let n = 0;
  for (const b of v) n = n * 256 + b;
  if (v[0]! & 0x80) n -= 256 ** v.length; // two's complement
  return n;
}

export function readBool(el: BerElement, what: string): boolean {
  if (el.constructed || el.value.length !== 1) throw new BerError(`${what}: a boolean is one octet`);
  return el.value[0] !== 0;
}

/** An LDAPString (UTF-8). Invalid UTF-8 is refused rather than silently replaced. */
export function readString(el: BerElement, what: string): string {
  if (el.constructed) throw new BerError(`${what}: a string is primitive`);
  const s = el.value.toString('utf8');
  if (!Buffer.from(s, 'utf8').equals(el.value)) throw new BerError(`${what}: not valid UTF-8`);
  return s;
}

export function readReader(el: BerElement, what: string): BerReader {
  if (!el.constructed) throw new BerError(`${what}: expected a constructed element`);
  return new BerReader(el.value);
}

// ---- writing ----

/** Octets of a tag and definite length's encoding (X.690 section 8.1.3). */
export function headerSize(n: number): number {
  return n < 0x80 ? 2 : n < 0x100 ? 3 : n < 0x10000 ? 4 : n < 0x1000000 ? 5 : 6;
}

/** Writes tag and length at `at` in `out` (sized by headerSize); returns where the value goes. */
export function writeHeader(out: Buffer, tag: number, n: number, at = 0): number {
  const h = headerSize(n);
  out[at] = tag;
  if (n < 0x80) out[at + 1] = n;
  else {
    const k = h - 2;
    out[at + 1] = 0x80 | k;
    for (let i = 0, v = n; i < k; i++, v = Math.floor(v / 256)) out[at + h - 1 - i] = v & 0xff;
  }
  return at + h;
}

// Every encoder allocates its output once (from Node's buffer pool) and copies its parts in.
export function tlv(tag: number, value: Buffer): Buffer {
  const out = Buffer.allocUnsafe(headerSize(value.length) + value.length);
  value.copy(out, writeHeader(out, tag, value.length));
  return out;
}

export function constructed(tag: number, parts: readonly Buffer[]): Buffer {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = Buffer.allocUnsafe(headerSize(n) + n);
  let at = writeHeader(out, tag, n);
  for (const p of parts) at += p.copy(out, at);
  return out;
}

export function intBytes(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  for (;;) {
    out.unshift(v & 0xff);
    v = Math.floor(v / 256);
    // stop when the remaining value is all sign bits and the top bit already carries the sign
    if ((v === 0 && (out[0]! & 0x80) === 0) || (v === -1 && (out[0]! & 0x80) !== 0)) break;
  }
  return Buffer.from(out);
}

export const int = (n: number, tag: number = TAG.INTEGER): Buffer => tlv(tag, intBytes(n));
export const enumerated = (n: number): Buffer => tlv(TAG.ENUMERATED, intBytes(n));
export function octets(s: string | Buffer, tag: number = TAG.OCTET_STRING): Buffer {
  if (typeof s !== 'string') return tlv(tag, s);
  const n = Buffer.byteLength(s, 'utf8');
  const out = Buffer.allocUnsafe(headerSize(n) + n);
  out.write(s, writeHeader(out, tag, n), 'utf8');
  return out;
}
export const bool = (b: boolean, tag: number = TAG.BOOLEAN): Buffer => tlv(tag, Buffer.from([b ? 0xff : 0]));
export const sequence = (parts: readonly Buffer[]): Buffer => constructed(TAG.SEQUENCE, parts);
