// Text of text/plain and text/html parts for search and preview: transfer-decoded as the body
// streams past, kept up to `maxTextPartBytes` per part, then charset-decoded (RFC 2046 §4.1.2) and,
// for HTML, reduced to its text. Total extracted text is bounded, so memory is too.
import { isUtf8 } from 'node:buffer';
import { decodeBytes, isUtf8Label } from './charset.js';
import type { MimeLimits } from './limits.js';
import { TextNormalizer, Utf8Normalizer } from './text-normalize.js';
import { createTransferDecoder, type TransferDecoder } from './transfer-decode.js';
import type { PartHeaderInfo } from './types.js';

export { normalizeText } from './text-normalize.js';

/** Receives the raw body bytes of one part, in any slicing; `end` returns the extracted text. */
export interface LeafSink {
  write(data: Buffer): void;
  end(): string | null;
}

const EMPTY = Buffer.alloc(0);

class TextSink implements LeafSink {
  private readonly decoder: TransferDecoder;
  // One growing buffer rather than a list of per-line buffers: far less overhead per byte kept.
  private buf = EMPTY;
  private bytes = 0;
  private full = false;

  constructor(
    encoding: string,
    private readonly charset: string | null,
    private readonly html: boolean,
    private readonly cap: number,
    private readonly extractor: TextExtractor,
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
      // Grows fourfold: a long part is copied again a third of its size at most.
      const next = Buffer.allocUnsafe(Math.min(this.cap, Math.max(this.bytes + n, this.buf.length * 4, 4096)));
      this.buf.copy(next, 0, 0, this.bytes);
      this.buf = next;
    }
    out.copy(this.buf, this.bytes, 0, n);
    this.bytes += n;
    if (this.bytes >= this.cap) this.full = true;
  }

  end(): string | null {
    if (!this.full) this.keep(this.decoder.end());
    const bytes = this.buf.subarray(0, this.bytes);
    this.buf = EMPTY;
    return this.extractor.extract(bytes, this.charset, this.html, this.full);
  }
}

/** Hands out sinks for text parts while the extraction budget lasts. */
export class TextExtractor {
  private budget: number;
  /** The last valid UTF-8 text, whose length (what it takes from the budget) is measured only if needed. */
  private unmeasured: Utf8Normalizer | null = null;

  constructor(private readonly limits: MimeLimits) {
    // Alternatives (plain and HTML) are both extracted and one is chosen later, hence twice the cap.
    this.budget = limits.maxSearchTextBytes * 2;
  }

  /**
   * A sink for a text/plain or text/html part (or, with `asPlain`, any body read as plain text,
   * such as a multipart's preamble), or null when the part is not text or the budget is spent.
   */
  open(info: PartHeaderInfo, asPlain = false): LeafSink | null {
    if (this.remaining() <= 0) return null;
    const isText = info.type === 'text' && (info.subtype === 'plain' || info.subtype === 'html');
    if (!isText && !asPlain) return null;
    const html = isText && info.subtype === 'html';
    return new TextSink(info.encoding, info.params.charset ?? null, html, this.limits.maxTextPartBytes, this);
  }

  /**
   * The text of a part's decoded body (`bytes`, which it may overwrite): charset-decoded (a part cut
   * at `maxTextPartBytes` loses a trailing partial character), reduced to text for HTML, normalised,
   * and cut to the budget left, which its length then takes from. Search text and preview are capped,
   * so only their worth of a long text is built: at least `maxSearchTextBytes` characters (each at
   * least one UTF-8 byte) and `previewLength` non-white-space characters.
   */
  extract(bytes: Buffer, charset: string | null, html: boolean, truncated: boolean): string | null {
    const countMax = this.remaining();
    const buildMin = this.limits.maxSearchTextBytes + 16;
    const wordsMin = this.limits.previewLength + 1;
    if (!html && isUtf8Label(charset) && isUtf8(bytes)) {
      // Valid UTF-8 is normalised as bytes, as it would be once decoded (the decoder used for a
      // whole drops a leading byte order mark, and so is it here).
      const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
      let end = bytes.length;
      if (truncated) {
        while (end - start >= 3 && bytes[end - 3] === 0xef && bytes[end - 2] === 0xbf && bytes[end - 1] === 0xbd) end -= 3;
      }
      const norm = new Utf8Normalizer(bytes.subarray(start, end), buildMin, wordsMin);
      const text = norm.text(countMax);
      if (!text) return null;
      this.unmeasured = norm;
      return text;
    }
    let text = decodeBytes(bytes, charset);
    if (truncated) text = text.replace(/\uFFFD+$/, '');
    if (html) text = htmlToText(text);
    const norm = new TextNormalizer(countMax, buildMin, wordsMin);
    norm.push(text);
    const result = norm.finish();
    this.budget -= result.length;
    return result.text || null;
  }

  private remaining(): number {
    if (this.unmeasured) {
      this.budget -= this.unmeasured.length();
      this.unmeasured = null;
    }
    return this.budget;
  }
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
