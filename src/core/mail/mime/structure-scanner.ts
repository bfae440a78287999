// The streaming line / boundary state machine (RFC 2045, RFC 2046 §5.1.1, RFC 5322 §2.1).
//
// Bytes arrive in chunks of any size; they are cut into lines (LF or CRLF terminated) and each line
// goes to the innermost open context: a header being read, a leaf body, a multipart's preamble or
// epilogue. A line that is a delimiter of any open multipart closes everything inside it, so a
// missing inner close-delimiter does not swallow the rest of the message. Only one partial line is
// ever buffered, and one that grows past `maxPendingLineBytes` outside a header is passed on in
// pieces (it cannot be a boundary line), so memory does not depend on the message size.
import { buildEnvelope, summarize } from './envelope.js';
import { parsePartHeader, splitHeaderFields } from './header-parse.js';
import type { MimeLimits } from './limits.js';
import type { LeafSink, TextExtractor } from './text-extract.js';
import type { Envelope, MessageSummary, MimeProblem, PartHeaderInfo } from './types.js';

const LF = 0x0a;
const CR = 0x0d;
const DASH = 0x2d;
const IDENTITY_ENCODINGS = new Set(['7bit', '8bit', 'binary']);
/** A line feed followed by the start of a possible delimiter line. */
const LF_DASH_DASH = Buffer.from('\n--', 'latin1');

/** A part as the scanner records it; `assemble` turns the tree into `MimePart`s. */
export interface ScannedPart {
  path: string;
  depth: number;
  headerStart: number;
  bodyStart: number;
  bodyEnd: number;
  lines: number;
  /** LF count of the message before `bodyStart`, for line counting. */
  lfAtBodyStart: number;
  info: PartHeaderInfo | null;
  /** Subtype of the enclosing multipart (for the multipart/digest default type). */
  parentSubtype: string | null;
  isMessageRoot: boolean;
  envelope: Envelope | null;
  summary: MessageSummary | null;
  children: ScannedPart[];
  message: ScannedPart | null;
  opaque: boolean;
  /** A multipart with no usable boundary (none given, or never seen). */
  noBoundary: boolean;
  text: string | null;
}

type Ctx =
  | { kind: 'header'; part: ScannedPart; lines: LineBuffer; bytes: number }
  | { kind: 'leaf'; part: ScannedPart; sink: LeafSink | null }
  | { kind: 'multipart'; part: ScannedPart; boundary: Buffer; stage: 'preamble' | 'parts' | 'epilogue'; sink: LeafSink | null; accept: boolean }
  | { kind: 'message'; part: ScannedPart };

/** What the scan produced. */
export interface ScanResult {
  root: ScannedPart;
  size: number;
  lineEndings: 'crlf' | 'lf' | 'mixed' | 'none';
  problems: MimeProblem[];
}

function newPart(path: string, depth: number, headerStart: number, parentSubtype: string | null, isMessageRoot: boolean): ScannedPart {
  return {
    path, depth, headerStart, bodyStart: headerStart, bodyEnd: headerStart, lines: 0, lfAtBodyStart: 0, info: null, parentSubtype,
    isMessageRoot, envelope: null, summary: null, children: [], message: null, opaque: false, noBoundary: false, text: null,
  };
}

/** A byte buffer that grows for the one partial line being assembled (or a header block being read). */
class LineBuffer {
  private buf = Buffer.allocUnsafe(256);
  length = 0;

  append(src: Buffer): void {
    const need = this.length + src.length;
    if (need > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.buf.copy(next, 0, 0, this.length);
      this.buf = next;
    }
    src.copy(this.buf, this.length);
    this.length = need;
  }

  /** The buffered bytes, valid until the next `append`; the buffer is emptied. */
  take(): Buffer {
    const view = this.buf.subarray(0, this.length);
    if (this.buf.length > 64 * 1024) this.buf = Buffer.allocUnsafe(256);
    this.length = 0;
    return view;
  }

  head(n: number): Buffer {
    return this.buf.subarray(0, n);
  }

  drop(n: number): void {
    this.buf.copyWithin(0, n, this.length);
    this.length -= n;
  }

  last(): number | undefined {
    return this.length > 0 ? this.buf[this.length - 1] : undefined;
  }
}

/** Returns null when `line` is not a delimiter for `boundary`, else whether it is the close-delimiter. */
function matchDelimiter(line: Buffer, content: number, boundary: Buffer): boolean | null {
  const bl = boundary.length;
  if (content < 2 + bl || line.compare(boundary, 0, bl, 2, 2 + bl) !== 0) return null;
  let i = 2 + bl;
  let close = false;
  if (i + 2 <= content && line[i] === DASH && line[i + 1] === DASH) {
    close = true;
    i += 2;
  }
  for (; i < content; i++) {
    const c = line[i];
    if (c !== 0x20 && c !== 0x09 && c !== CR) return null;
  }
  return close;
}

/**
 * Consumes a raw message with `write` (any chunking) and `end`, recording every part's offsets,
 * header fields and extracted text. Never throws on malformed input.
 */
export class StructureScanner {
  readonly root: ScannedPart;
  private readonly stack: Ctx[] = [];
  private readonly carry = new LineBuffer();
  private readonly problems = new Set<MimeProblem>();
  /** Offset of the first byte not yet passed to a context (start of `carry`). */
  private offset = 0;
  private lfCount = 0;
  /** Terminator length and content length (excluding terminator) of the last complete line. */
  private prevNl = 0;
  private prevContent = 0;
  /** Bytes of the current line already passed on (a long line, or the unterminated last line). */
  private partial = 0;
  private parts = 1;
  private crlfLines = 0;
  private lfLines = 0;
  private ended = false;

  constructor(private readonly limits: MimeLimits, private readonly text: TextExtractor) {
    this.root = newPart('', 0, 0, null, true);
    this.stack.push({ kind: 'header', part: this.root, lines: new LineBuffer(), bytes: 0 });
  }

  write(chunk: Uint8Array): void {
    if (this.ended) return;
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let pos = 0;
    while (pos < buf.length) {
      if (this.carry.length === 0) {
        const next = this.bulk(buf, pos);
        if (next !== pos) {
          pos = next;
          continue;
        }
      }
      const nl = buf.indexOf(LF, pos);
      if (nl === -1) {
        this.carry.append(buf.subarray(pos));
        this.spill();
        return;
      }
      let line = buf.subarray(pos, nl + 1);
      if (this.carry.length > 0) {
        this.carry.append(line);
        line = this.carry.take();
      }
      this.line(line, true);
      pos = nl + 1;
    }
  }

  end(): ScanResult {
    if (!this.ended) {
      this.ended = true;
      if (this.carry.length > 0) this.line(this.carry.take(), false);
      while (this.stack.length > 0) this.closeTop(this.offset, true);
    }
    const { crlfLines: c, lfLines: l } = this;
    return {
      root: this.root,
      size: this.offset,
      lineEndings: c > 0 && l > 0 ? 'mixed' : c > 0 ? 'crlf' : l > 0 ? 'lf' : 'none',
      problems: [...this.problems],
    };
  }

  private top(): Ctx {
    return this.stack[this.stack.length - 1] as Ctx;
  }

  private line(line: Buffer, terminated: boolean): void {
    const start = this.offset;
    const nlLen = !terminated ? 0 : line.length >= 2 && line[line.length - 2] === CR ? 2 : 1;
    if (nlLen === 2) this.crlfLines++;
    else if (nlLen === 1) this.lfLines++;
    const content = line.length - nlLen;
    const isBoundary = this.partial === 0 && content >= 2 && line[0] === DASH && line[1] === DASH && this.boundary(line, content, start);
    if (!isBoundary) {
      const top = this.top();
      if (top.kind === 'header') this.headerLine(top, line, content, start, terminated);
      else this.bodyData(top, line);
    }
    this.offset = start + line.length;
    if (terminated) {
      this.lfCount++;
      this.prevNl = nlLen;
      this.prevContent = this.partial + content;
      this.partial = 0;
    } else {
      this.partial += line.length;
    }
  }

  /**
   * Takes, all at once, the complete body lines from `pos` on that cannot be delimiter lines: those
   * that do not start with "--" while a multipart is open (all of them otherwise). It does for them
   * exactly what `line` does one at a time, in a single pass over the line feeds. Returns where it
   * stopped: `pos` when the next line needs `line` (a header line, a possible delimiter, or no line
   * feed ahead).
   */
  private bulk(buf: Buffer, pos: number): number {
    const top = this.top();
    if (top.kind === 'header') return pos;
    let limit = buf.length;
    if (this.delimiterPossible()) {
      if (this.partial === 0 && buf[pos] === DASH) return pos;
      const next = buf.indexOf(LF_DASH_DASH, pos);
      if (next !== -1) limit = next + 1;
    }
    let nl = buf.indexOf(LF, pos);
    if (nl === -1 || nl >= limit) return pos;
    let lfs = 0;
    let crlfs = 0;
    let lineStart = pos;
    let crlf = false;
    for (;;) {
      lfs++;
      crlf = nl > pos && buf[nl - 1] === CR;
      if (crlf) crlfs++;
      const after = nl + 1;
      if (after >= limit) break;
      const next = buf.indexOf(LF, after);
      if (next === -1 || next >= limit) break;
      lineStart = after;
      nl = next;
    }
    const end = nl + 1;
    this.bodyData(top, buf.subarray(pos, end));
    this.crlfLines += crlfs;
    this.lfLines += lfs - crlfs;
    this.lfCount += lfs;
    this.prevNl = crlf ? 2 : 1;
    this.prevContent = (lfs === 1 ? this.partial : 0) + (end - lineStart - this.prevNl);
    this.partial = 0;
    this.offset += end - pos;
    return end;
  }

  /** Whether some open multipart still looks for delimiter lines. */
  private delimiterPossible(): boolean {
    for (const ctx of this.stack) if (ctx.kind === 'multipart' && ctx.stage !== 'epilogue') return true;
    return false;
  }

  private bodyData(ctx: Ctx, data: Buffer): void {
    if (ctx.kind === 'leaf' || (ctx.kind === 'multipart' && ctx.stage === 'preamble')) ctx.sink?.write(data);
  }

  /** Passes on most of an over-long partial line (keeping a trailing CR that may pair with the LF). */
  private spill(): void {
    if (this.carry.length <= this.limits.maxPendingLineBytes) return;
    let top = this.top();
    if (top.kind === 'header') {
      if (top.bytes + this.carry.length <= this.limits.maxHeaderBytes) return;
      this.headerOverflow(top, this.offset);
      top = this.top();
    }
    const n = this.carry.last() === CR ? this.carry.length - 1 : this.carry.length;
    this.bodyData(top, this.carry.head(n));
    this.carry.drop(n);
    this.offset += n;
    this.partial += n;
  }

  private headerLine(ctx: Ctx & { kind: 'header' }, line: Buffer, content: number, start: number, terminated: boolean): void {
    if (terminated && content === 0) {
      this.stack.pop();
      this.parseHeader(ctx, start + line.length, this.lfCount + 1);
      this.openBody(ctx.part);
      return;
    }
    if (ctx.bytes + line.length > this.limits.maxHeaderBytes) {
      this.headerOverflow(ctx, start);
      return;
    }
    ctx.lines.append(line);
    ctx.bytes += line.length;
  }

  /** The header is too large: it ends at `at` (a line start) and the part becomes an opaque leaf. */
  private headerOverflow(ctx: Ctx & { kind: 'header' }, at: number): void {
    this.problems.add('header-too-large');
    this.stack.pop();
    ctx.part.opaque = true;
    this.parseHeader(ctx, at, this.lfCount);
    this.openBody(ctx.part);
  }

  private parseHeader(ctx: Ctx & { kind: 'header' }, bodyStart: number, lfAtBodyStart: number): void {
    const part = ctx.part;
    part.bodyStart = bodyStart;
    part.bodyEnd = bodyStart;
    part.lfAtBodyStart = lfAtBodyStart;
    const fields = splitHeaderFields(ctx.lines.take());
    part.info = parsePartHeader(fields, part.parentSubtype === 'digest' ? 'message/rfc822' : 'text/plain', this.limits);
    if (part.isMessageRoot) {
      part.envelope = buildEnvelope(fields, this.limits);
      if (part === this.root) part.summary = summarize(fields, part.envelope, this.limits);
    }
  }

  /** Pushes the context(s) that read the body of `part`, whose header has just been parsed. */
  private openBody(part: ScannedPart): void {
    const info = part.info as PartHeaderInfo;
    const leaf = (sink: LeafSink | null): void => {
      this.stack.push({ kind: 'leaf', part, sink });
    };
    const opaque = (problem: MimeProblem | null): void => {
      if (problem) this.problems.add(problem);
      part.opaque = true;
      leaf(null);
    };
    if (part.opaque) return leaf(null);
    if (info.type === 'multipart') {
      const boundary = info.params.boundary;
      if (!boundary) {
        part.noBoundary = true;
        this.problems.add('missing-boundary');
        return leaf(this.text.open(info, true));
      }
      if (part.depth >= this.limits.maxDepth) return opaque('max-depth');
      const sink = this.text.open(info, true);
      this.stack.push({ kind: 'multipart', part, boundary: Buffer.from(boundary, 'utf8'), stage: 'preamble', sink, accept: true });
      return;
    }
    if (info.type === 'message' && (info.subtype === 'rfc822' || info.subtype === 'global')) {
      if (!IDENTITY_ENCODINGS.has(info.encoding)) return opaque('encoded-message');
      if (part.depth >= this.limits.maxDepth) return opaque('max-depth');
      if (this.parts >= this.limits.maxParts) return opaque('max-parts');
      this.parts++;
      const inner = newPart(part.path, part.depth + 1, part.bodyStart, null, true);
      part.message = inner;
      this.stack.push({ kind: 'message', part }, { kind: 'header', part: inner, lines: new LineBuffer(), bytes: 0 });
      return;
    }
    leaf(this.text.open(info));
  }

  /** Handles `line` if it is a delimiter of an open multipart; returns whether it was. */
  private boundary(line: Buffer, content: number, start: number): boolean {
    for (let k = this.stack.length - 1; k >= 0; k--) {
      const ctx = this.stack[k] as Ctx;
      if (ctx.kind !== 'multipart' || ctx.stage === 'epilogue') continue;
      const close = matchDelimiter(line, content, ctx.boundary);
      if (close === null) continue;
      const end = start - this.prevNl;
      while (this.stack.length - 1 > k) this.closeTop(end, false);
      ctx.sink = null;
      if (close) {
        ctx.stage = 'epilogue';
        return true;
      }
      ctx.stage = 'parts';
      if (!ctx.accept) return true;
      if (this.parts >= this.limits.maxParts) {
        ctx.accept = false;
        this.problems.add('max-parts');
        return true;
      }
      this.parts++;
      const parent = ctx.part;
      const path = `${parent.path ? `${parent.path}.` : ''}${parent.children.length + 1}`;
      const child = newPart(path, parent.depth + 1, start + line.length, parent.info?.subtype ?? null, false);
      parent.children.push(child);
      this.stack.push({ kind: 'header', part: child, lines: new LineBuffer(), bytes: 0 });
      return true;
    }
    return false;
  }

  /**
   * Closes the innermost context. `end` is where its body ends: the start of the CRLF before a
   * boundary line, or the end of the message when `eof`.
   */
  private closeTop(end: number, eof: boolean): void {
    const ctx = this.stack.pop() as Ctx;
    const part = ctx.part;
    if (ctx.kind === 'header') {
      if (eof && part === this.root) this.problems.add('no-header-end');
      this.parseHeader(ctx, eof ? this.offset : Math.max(part.headerStart, end), this.lfCount);
      return;
    }
    if (ctx.kind === 'leaf' && ctx.sink) part.text = ctx.sink.end();
    if (ctx.kind === 'multipart') {
      if (ctx.stage === 'preamble') {
        part.noBoundary = true;
        this.problems.add('missing-boundary');
        if (ctx.sink) part.text = ctx.sink.end();
      } else if (ctx.stage === 'parts') {
        this.problems.add('missing-close-delimiter');
      }
    }
    if (eof) {
      part.bodyEnd = Math.max(part.bodyStart, this.offset);
      const lastUnterminated = this.partial > 0 ? 1 : 0;
      part.lines = part.bodyEnd === part.bodyStart ? 0 : this.lfCount - part.lfAtBodyStart + lastUnterminated;
    } else {
      part.bodyEnd = Math.max(part.bodyStart, end);
      const lfBeforeEnd = this.lfCount - (this.prevNl > 0 ? 1 : 0);
      part.lines = part.bodyEnd === part.bodyStart ? 0 : lfBeforeEnd - part.lfAtBodyStart + (this.prevContent > 0 ? 1 : 0);
    }
  }
}
