// Incremental Content-Transfer-Encoding decoders (RFC 2045 §6) over libqp / libbase64.
//
// Synchronous on purpose: the scanner feeds them line by line. libqp's Decoder stream concatenates
// its whole input until the end, and libbase64's defers every chunk with setImmediate, so their
// `decode` functions are applied here to slices cut at safe places instead (whole lines for
// quoted-printable, whole quads for base64), which keeps memory flat and ordering simple.
import libbase64 from 'libbase64';
import libqp from 'libqp';

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
    let s = this.carry + input.toString('latin1');
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

class QuotedPrintableDecoder implements TransferDecoder {
  private carry = '';

  write(input: Buffer): Buffer {
    const s = this.carry + input.toString('latin1');
    const nl = s.lastIndexOf('\n');
    let cut = nl + 1;
    if (nl === -1) {
      if (s.length <= QP_MAX_CARRY) {
        this.carry = s;
        return EMPTY;
      }
      // A very long line: decode all but a possibly split "=XX" at the end.
      cut = s.length - 3;
      const eq = s.lastIndexOf('=', cut - 1);
      if (eq !== -1 && eq >= cut - 2) cut = eq;
    }
    this.carry = s.slice(cut);
    return cut > 0 ? libqp.decode(s.slice(0, cut)) : EMPTY;
  }

  end(): Buffer {
    const rest = this.carry;
    this.carry = '';
    return rest ? libqp.decode(rest) : EMPTY;
  }
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
