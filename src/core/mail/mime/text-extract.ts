// Text of text/plain and text/html parts for search and preview: transfer-decoded as the body
// streams past, kept up to `maxTextPartBytes` per part, then charset-decoded (RFC 2046 §4.1.2) and,
// for HTML, reduced to its text. Total extracted text is bounded, so memory is too.
import { decodeBytes } from './charset.js';
import type { PartHeaderInfo } from './header-parse.js';
import type { MimeLimits } from './limits.js';
import { createTransferDecoder, type TransferDecoder } from './transfer-decode.js';

/** Receives the raw body bytes of one part, in any slicing; `end` returns the extracted text. */
export interface LeafSink {
  write(data: Buffer): void;
  end(): string | null;
}

class TextSink implements LeafSink {
  private readonly decoder: TransferDecoder;
  // One growing buffer rather than a list of per-line buffers: far less overhead per byte kept.
  private buf = Buffer.alloc(0);
  private bytes = 0;
  private full = false;

  constructor(
    encoding: string,
    private readonly charset: string | null,
    private readonly html: boolean,
    private readonly cap: number,
    private readonly done: (text: string) => string,
  ) {
    this.decoder = createTransferDecoder(encoding);
  }

  write(data: Buffer): void {
    if (!this.full) this.keep(this.decoder.write(data));
  }

  private keep(out: Buffer): void {
    if (out.length === 0 || this.full) return;
    const n = Math.min(out.length, this.cap - this.bytes);
    if (this.bytes + n > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.min(this.cap, Math.max(this.bytes + n, this.buf.length * 2, 1024)));
      this.buf.copy(next, 0, 0, this.bytes);
      this.buf = next;
    }
    out.copy(this.buf, this.bytes, 0, n);
    this.bytes += n;
    if (this.bytes >= this.cap) this.full = true;
  }

  end(): string | null {
    if (!this.full) this.keep(this.decoder.end());
    let text = decodeBytes(this.buf.subarray(0, this.bytes), this.charset);
    this.buf = Buffer.alloc(0);
    if (this.full) text = text.replace(/\uFFFD+$/, '');
    if (this.html) text = htmlToText(text);
    text = normalizeText(text);
    return text ? this.done(text) : null;
  }
}

/** Hands out sinks for text parts while the extraction budget lasts. */
export class TextExtractor {
  private budget: number;

  constructor(private readonly limits: MimeLimits) {
    // Alternatives (plain and HTML) are both extracted and one is chosen later, hence twice the cap.
    this.budget = limits.maxSearchTextBytes * 2;
  }

  /**
   * A sink for a text/plain or text/html part (or, with `asPlain`, any body read as plain text,
   * such as a multipart's preamble), or null when the part is not text or the budget is spent.
   */
  open(info: PartHeaderInfo, asPlain = false): LeafSink | null {
    if (this.budget <= 0) return null;
    const isText = info.type === 'text' && (info.subtype === 'plain' || info.subtype === 'html');
    if (!isText && !asPlain) return null;
    const html = isText && info.subtype === 'html';
    return new TextSink(info.encoding, info.params.charset ?? null, html, this.limits.maxTextPartBytes, (text) => this.take(text));
  }

  private take(text: string): string {
    const t = text.length > this.budget ? text.slice(0, Math.max(0, this.budget)) : text;
    this.budget -= t.length;
    return t;
  }
}

/** Collapses runs of blanks, trims lines, keeps at most one empty line, drops control characters. */
export function normalizeText(s: string): string {
  return s
    .replace(/\r\n?/g, '\n')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed here
    .replace(/[\0-\x08\x0b\x0c\x0e-\x1f\x7f]/g, ' ')
    .replace(/[ \t\u00a0\u2000-\u200b\u3000]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const SKIP_CONTENT = new Set(['script', 'style', 'title', 'template']);
const BLOCK = new Set(['br', 'p', 'div', 'tr', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'blockquote', 'pre', 'hr', 'ul', 'ol', 'section', 'article']);

/** The text of an HTML document: tags dropped, script/style skipped, entities decoded. Linear time. */
export function htmlToText(html: string): string {
  const out: string[] = [];
  let i = 0;
  const n = html.length;
  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt === -1) {
      out.push(html.slice(i));
      break;
    }
    out.push(html.slice(i, lt));
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      i = end === -1 ? n : end + 3;
      continue;
    }
    const gt = html.indexOf('>', lt + 1);
    if (gt === -1) break;
    const m = /^<(\/?)([a-zA-Z][a-zA-Z0-9]*)/.exec(html.slice(lt, Math.min(gt, lt + 16)));
    const name = m?.[2]?.toLowerCase() ?? '';
    i = gt + 1;
    if (m && m[1] !== '/' && SKIP_CONTENT.has(name)) {
      const close = new RegExp(`</${name}\\s*>`, 'ig');
      close.lastIndex = i;
      const c = close.exec(html);
      i = c ? c.index + c[0].length : n;
      out.push(' ');
    } else {
      out.push(BLOCK.has(name) ? '\n' : ' ');
    }
  }
  return decodeEntities(out.join(''));
}

// HTML 4 Latin-1 entity names, in code point order from U+00A0.
const LATIN1 = ('nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 ' +
  'acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig ' +
  'Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave ' +
  'Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave ' +
  'iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml').split(' ');

const ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", trade: '™', hellip: '…', ndash: '–', mdash: '—', lsquo: '‘',
  rsquo: '’', ldquo: '“', rdquo: '”', sbquo: '‚', bdquo: '„', euro: '€', bull: '•', zwnj: '', zwj: '', thinsp: ' ',
  ensp: ' ', emsp: ' ', dagger: '†', permil: '‰', lsaquo: '‹', rsaquo: '›', OElig: 'Œ', oelig: 'œ', Scaron: 'Š', scaron: 'š',
};
LATIN1.forEach((name, i) => {
  ENTITIES[name] = name === 'nbsp' ? ' ' : name === 'shy' ? '' : String.fromCharCode(0xa0 + i);
});

function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#[xX][0-9a-fA-F]{1,6}|#\d{1,7}|[a-zA-Z][a-zA-Z0-9]{1,7});?/g, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : ' ';
    }
    return ENTITIES[body] ?? ENTITIES[body.toLowerCase()] ?? whole;
  });
}
