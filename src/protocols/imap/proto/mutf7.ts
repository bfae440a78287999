// Modified UTF-7 mailbox names (RFC 3501 section 5.1.3), used by IMAP4rev1 clients that have not
// enabled UTF8=ACCEPT (RFC 6855) or IMAP4rev2 (RFC 9051 section 5.1).

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,';
const B64_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_VALUE[B64.charCodeAt(i)] = i;

/** Why a name is not valid modified UTF-7. */
export class Mutf7Error extends Error {
  override readonly name = 'Mutf7Error';
}

function decodeShifted(b64: string): string {
  let bits = 0;
  let acc = 0;
  const units: number[] = [];
  for (let i = 0; i < b64.length; i++) {
    const v = B64_VALUE[b64.charCodeAt(i)] ?? -1;
    if (v < 0) throw new Mutf7Error(`invalid character "${b64[i]}" in a shifted sequence`);
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 16) {
      bits -= 16;
      units.push((acc >> bits) & 0xffff);
    }
  }
  if (bits >= 6 || (acc & ((1 << bits) - 1)) !== 0) throw new Mutf7Error('bad padding in a shifted sequence');
  if (units.length === 0) throw new Mutf7Error('empty shifted sequence');
  let out = '';
  for (let i = 0; i < units.length; i++) {
    const u = units[i] as number;
    if (u >= 0xd800 && u <= 0xdbff) {
      const low = units[i + 1];
      if (low === undefined || low < 0xdc00 || low > 0xdfff) throw new Mutf7Error('unpaired surrogate');
      out += String.fromCharCode(u, low);
      i++;
    } else if (u >= 0xdc00 && u <= 0xdfff) {
      throw new Mutf7Error('unpaired surrogate');
    } else if (u >= 0x20 && u <= 0x7e) {
      throw new Mutf7Error('printable ASCII must not be encoded');
    } else {
      out += String.fromCharCode(u);
    }
  }
  return out;
}

/**
 * Decodes a modified UTF-7 mailbox name (RFC 3501 section 5.1.3) to a JavaScript string.
 * Throws Mutf7Error when the name is not valid modified UTF-7.
 */
export function decodeMutf7(name: string): string {
  let out = '';
  let i = 0;
  while (i < name.length) {
    const c = name.charCodeAt(i);
    if (c === 0x26) {
      const end = name.indexOf('-', i + 1);
      if (end < 0) throw new Mutf7Error('unterminated "&" sequence');
      out += end === i + 1 ? '&' : decodeShifted(name.slice(i + 1, end));
      i = end + 1;
    } else if (c >= 0x20 && c <= 0x7e) {
      out += name[i];
      i++;
    } else {
      throw new Mutf7Error(`character U+${c.toString(16).toUpperCase().padStart(4, '0')} must be encoded`);
    }
  }
  return out;
}

function encodeShifted(units: number[]): string {
  let out = '';
  let bits = 0;
  let acc = 0;
  for (const u of units) {
    acc = ((acc << 16) | u) & 0xffffff;
    bits += 16;
    while (bits >= 6) {
      bits -= 6;
      out += B64[(acc >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += B64[(acc << (6 - bits)) & 0x3f];
  return `&${out}-`;
}

/** Encodes a mailbox name to modified UTF-7 (RFC 3501 section 5.1.3) for IMAP4rev1 clients. */
export function encodeMutf7(name: string): string {
  let out = '';
  let pending: number[] = [];
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e) {
      if (pending.length) {
        out += encodeShifted(pending);
        pending = [];
      }
      out += c === 0x26 ? '&-' : name[i];
    } else {
      pending.push(c);
    }
  }
  if (pending.length) out += encodeShifted(pending);
  return out;
}
