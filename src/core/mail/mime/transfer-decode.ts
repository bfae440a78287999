// Incremental Content-Transfer-Encoding decoders (RFC 2045 §6).
//
// Synchronous on purpose: the scanner feeds them slices of whole lines (or pieces of a very long
// line). libqp's Decoder stream concatenates its whole input until the end, and libbase64's defers
// every chunk with setImmediate, so decoding is applied here to slices cut at safe places instead
// (whole lines for quoted-printable, whole quads for base64), which keeps memory flat and ordering
// simple. Quoted-printable is decoded here, byte by byte, exactly as libqp's `decode` would.
import libbase64 from 'libbase64';

/** Takes encoded bytes in any slicing, returns decoded bytes (possibly a view of the input: copy to keep). */
export interface TransferDecoder {
  write(input: Buffer): Buffer;
  end(): Buffer;
}

const EMPTY = Buffer.alloc(0);

class IdentityDecoder implements TransferDecoder {
  write(input: Buffer): Buffer {
    return input;
  }
  end(): Buffer {
    return EMPTY;
  }
}

class Base64Decoder implements TransferDecoder {
  private carry = '';

  write(input: Buffer): Buffer {
    const text = input.toString('latin1');
    // Without padding, base64 decodes the same however it is cut. Padding in the middle (concatenated
    // encoder output) is decoded block by block, and where blocks end depends on the cuts: the body is
    // then taken line by line, as it always was, so that the result does not depend on the chunking.
    if (!text.includes('=') && !this.carry.includes('=')) return this.step(text);
    const out: Buffer[] = [];
    for (let pos = 0; pos < text.length; ) {
      const nl = text.indexOf('\n', pos);
      const end = nl === -1 ? text.length : nl + 1;
      out.push(this.step(text.slice(pos, end)));
      pos = end;
    }
    return out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out);
  }

  private step(text: string): Buffer {
    let s = this.carry + text;
    if (/[^A-Za-z0-9+/=]/.test(s)) s = s.replace(/[^A-Za-z0-9+/=]/g, '');
    const keep = s.length % 4;
    this.carry = keep ? s.slice(s.length - keep) : '';
    return decodeQuads(keep ? s.slice(0, s.length - keep) : s);
  }

  end(): Buffer {
    const rest = this.carry;
    this.carry = '';
    return decodeQuads(rest);
  }
}

/** Base64 that may hold padded blocks in the middle (concatenated encoder output). */
function decodeQuads(s: string): Buffer {
  if (!s) return EMPTY;
  const pad = s.indexOf('=');
  if (pad === -1 || pad >= s.length - 2) return libbase64.decode(s);
  const blocks = s.split(/(?<==)(?=[^=])/);
  return Buffer.concat(blocks.map((b) => libbase64.decode(b.slice(0, b.length - (b.length % 4)))));
}

const QP_MAX_CARRY = 64 * 1024;

/**
 * Quoted-printable, one line at a time: a soft line break joins two lines, so a line is decoded on
 * its own whatever else arrives in the same slice (the result must not depend on how the body is cut).
 */
class QuotedPrintableDecoder implements TransferDecoder {
  /** The start of a line whose end has not arrived (a copy: inputs are views of reused buffers). */
  private carry: Buffer = EMPTY;

  write(input: Buffer): Buffer {
    const s = this.carry.length > 0 ? Buffer.concat([this.carry, input]) : input;
    const nl = s.lastIndexOf(0x0a);
    let cut = nl + 1;
    if (nl === -1) {
      if (s.length <= QP_MAX_CARRY) {
        this.carry = s === input ? Buffer.from(s) : s;
        return EMPTY;
      }
      // A very long line: decode all but a possibly split "=XX" at the end.
      cut = s.length - 3;
      const eq = s.lastIndexOf(0x3d, cut - 1);
      if (eq !== -1 && eq >= cut - 2) cut = eq;
    }
    this.carry = cut < s.length ? Buffer.from(s.subarray(cut)) : EMPTY;
    return cut > 0 ? decodeQpLines(s, cut) : EMPTY;
  }

  end(): Buffer {
    const rest = this.carry;
    this.carry = EMPTY;
    return rest.length > 0 ? decodeQpLines(rest, rest.length) : EMPTY;
  }
}

const SP = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const LF = 0x0a;
const EQ = 0x3d;

/** Decodes `src[0, end)` line by line (each line through `decodeQpLine`) into a new buffer. */
function decodeQpLines(src: Buffer, end: number): Buffer {
  const out = Buffer.allocUnsafe(end);
  let w = 0;
  for (let pos = 0; pos < end; ) {
    const nl = src.indexOf(LF, pos);
    const lineEnd = nl === -1 || nl >= end ? end : nl + 1;
    w = decodeQpLine(src, pos, lineEnd, out, w);
    pos = lineEnd;
  }
  return out.subarray(0, w);
}

/** Where the text after `p` continues once blanks before a line break or the end are dropped. */
function skipTrailingBlanks(src: Buffer, p: number, end: number): number {
  let j = p;
  while (j < end && (src[j] === SP || src[j] === TAB)) j++;
  return j === p || j === end || src[j] === LF || src[j] === CR ? j : p;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x57 : -1;
}

/**
 * Decodes one line (the string `src[start, end)`, with no LF but possibly a last one) exactly as
 * libqp's `decode` does (RFC 2045 §6.7): blanks before a line break (CR or LF) or the end are dropped,
 * then soft line breaks ("=" before CRLF, LF or the end), then "=XX" becomes a byte and every other
 * character is kept. In a single line a soft line break can only be at its end, so one pass does it.
 * Writes to `out` from `w`; returns the new end. Linear in the line whatever its blanks.
 */
function decodeQpLine(src: Buffer, start: number, end: number, out: Buffer, w: number): number {
  let i = start;
  while (i < end) {
    const c = src[i] as number;
    if (c === EQ) {
      if (i + 2 < end) {
        const hi = hexValue(src[i + 1] as number);
        const lo = hi < 0 ? -1 : hexValue(src[i + 2] as number);
        if (lo >= 0) {
          out[w++] = (hi << 4) | lo;
          i += 3;
          continue;
        }
      }
      const k = skipTrailingBlanks(src, i + 1, end);
      if (k === end) return w; // "=" at the end
      if (src[k] === LF) {
        i = k + 1;
        continue;
      }
      if (src[k] === CR) {
        const l = skipTrailingBlanks(src, k + 1, end);
        if (l < end && src[l] === LF) {
          i = l + 1;
          continue;
        }
      }
      out[w++] = c;
      i++;
    } else if (c === SP || c === TAB) {
      let j = i + 1;
      while (j < end && (src[j] === SP || src[j] === TAB)) j++;
      if (j === end || src[j] === LF || src[j] === CR) {
        i = j;
        continue;
      }
      while (i < j) out[w++] = src[i++] as number;
    } else {
      out[w++] = c;
      i++;
    }
  }
  return w;
}

/** A decoder for a lower-cased Content-Transfer-Encoding; unknown encodings pass bytes through. */
export function createTransferDecoder(encoding: string): TransferDecoder {
  switch (encoding) {
    case 'base64':
      return new Base64Decoder();
    case 'quoted-printable':
      return new QuotedPrintableDecoder();
    default:
      return new IdentityDecoder();
  }
}
