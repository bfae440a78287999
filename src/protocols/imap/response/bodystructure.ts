// BODY and BODYSTRUCTURE (RFC 9051 section 7.5.2, RFC 3501 section 7.4.2) from the stored MIME tree.
import type { MimePart } from '../../../core/mail/mime/types.js';
import { wire } from '../proto/index.js';

type ImapOut = wire.ImapOut;
import { envelopeOut } from './envelope.js';

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

/** Parameters as a list; non-ASCII values are RFC 2231-encoded for sessions that cannot take UTF-8. */
function params(p: Record<string, string>, utf8: boolean): ImapOut {
  const keys = Object.keys(p);
  if (!keys.length) return null;
  const out: ImapOut[] = [];
  for (const k of keys) {
    const v = p[k] as string;
    if (!utf8 && NON_ASCII.test(v)) {
      out.push(wire.str(`${k}*`), wire.str(`utf-8''${encodeURIComponent(v).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`));
    } else {
      out.push(wire.str(k), wire.str(v));
    }
  }
  return out;
}

function disposition(p: MimePart, utf8: boolean): ImapOut {
  return p.disposition ? [wire.str(p.disposition.type), params(p.disposition.params, utf8)] : null;
}

function language(p: MimePart): ImapOut {
  if (!p.language || !p.language.length) return null;
  return p.language.length === 1 ? wire.str(p.language[0] as string) : p.language.map((l) => wire.str(l));
}

/** BODYSTRUCTURE (`extended`) or BODY of one part. */
export function bodyStructureOut(p: MimePart, extended: boolean, utf8 = false): ImapOut {
  if (p.children && p.children.length) {
    const out: ImapOut[] = p.children.map((c) => bodyStructureOut(c, extended, utf8));
    out.push(wire.str(p.subtype));
    if (extended) out.push(params(p.params, utf8), disposition(p, utf8), language(p), wire.nstr(p.location));
    return out;
  }
  const out: ImapOut[] = [
    wire.str(p.type),
    wire.str(p.subtype),
    params(p.params, utf8),
    wire.nstr(p.id),
    wire.nstr(p.description),
    wire.str(p.encoding.toUpperCase()),
    p.size,
  ];
  if (p.message && !p.opaque) {
    out.push(envelopeOut(p.message.envelope), bodyStructureOut(p.message.part, extended, utf8), p.lines);
  } else if (p.type === 'text') {
    out.push(p.lines);
  }
  if (extended) out.push(wire.nstr(p.md5), disposition(p, utf8), language(p), wire.nstr(p.location));
  return out;
}
