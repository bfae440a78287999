// Incremental command framer (RFC 9051 sections 2.2 and 4.3, RFC 7888 LITERAL+/LITERAL-, RFC 3516
// literal8). Bytes go in as they arrive; whole commands come out as their line parts and literals.
// Memory is bounded by the limits: a line past its limit and a refused literal are skipped, never
// buffered, and skipping resynchronises at the end of the command.

import { IMAP_LIMITS, type ImapLimits } from './limits.js';
import { ImapParseError, type ImapParseErrorCode } from './errors.js';
import { CR, LF, SP, isTagChar } from './chars.js';

/** A literal of a framed command: `{n}` (synchronising), `{n+}` (RFC 7888) or `~{n}` (RFC 3516). */
export interface FramedLiteral {
  readonly data: Buffer;
  readonly binary: boolean;
  readonly sync: boolean;
}

/**
 * One complete command: `lines[i]` is the text before `literals[i]` (its literal marker
 * included, CRLF excluded), so `lines.length === literals.length + 1`.
 */
export interface FramedCommand {
  readonly lines: readonly Buffer[];
  readonly literals: readonly FramedLiteral[];
}

/** What push() reports, in input order. */
export type FrameEvent =
  | { readonly type: 'command'; readonly command: FramedCommand }
  /** A synchronising literal was announced: send `+ Ready` (or reject with cancelLiteral()). */
  | { readonly type: 'continue'; readonly tag: string | undefined; readonly command: string | undefined; readonly size: number }
  /** A command was refused while framing; `error.fatal` means close the connection. */
  | { readonly type: 'error'; readonly error: ImapParseError };

type State =
  | { readonly kind: 'line' }
  | { readonly kind: 'literal'; remaining: number; readonly binary: boolean; readonly sync: boolean }
  | { readonly kind: 'skip-line' }
  | { readonly kind: 'skip-literal'; remaining: number }
  | { readonly kind: 'closed' };

interface LiteralMarker {
  readonly binary: boolean;
  readonly sync: boolean;
  /** undefined when the digits do not fit a safe integer */
  readonly size: number | undefined;
}

const TAIL_BYTES = 32;
const EMPTY = Buffer.alloc(0);

/** Reads a literal marker `{n}`, `{n+}`, `~{n}` at the end of a line (RFC 9051 `literal`, RFC 7888). */
export function literalMarkerAtEnd(line: Buffer): LiteralMarker | undefined {
  let i = line.length - 1;
  if (i < 2 || line[i] !== 0x7d) return undefined;
  i--;
  let sync = true;
  if (line[i] === 0x2b) {
    sync = false;
    i--;
  }
  const end = i + 1;
  while (i >= 0 && (line[i] as number) >= 0x30 && (line[i] as number) <= 0x39) i--;
  if (i === end - 1 || i < 0 || line[i] !== 0x7b) return undefined;
  const digits = line.toString('latin1', i + 1, end);
  const binary = i > 0 && line[i - 1] === 0x7e;
  const n = digits.length <= 15 ? Number(digits) : Number.NaN;
  return { binary, sync, size: Number.isSafeInteger(n) ? n : undefined };
}

/** The tag and upper-case command name at the start of a command line, when they can be read. */
export function readCommandHead(line: Buffer, maxTag: number): { tag: string | undefined; command: string | undefined } {
  let i = 0;
  while (i < line.length && i <= maxTag && isTagChar(line[i] as number)) i++;
  if (i === 0 || i > maxTag || (i < line.length && line[i] !== SP)) return { tag: undefined, command: undefined };
  const tag = line.toString('latin1', 0, i);
  const words: string[] = [];
  let j = i + 1;
  while (words.length < 2 && j < line.length) {
    let k = j;
    while (k < line.length && k - j < 32 && /[A-Za-z.]/.test(String.fromCharCode(line[k] as number))) k++;
    if (k === j) break;
    words.push(line.toString('latin1', j, k).toUpperCase());
    if (words[0] !== 'UID' || line[k] !== SP) break;
    j = k + 1;
  }
  return { tag, command: words.length ? words.join(' ') : undefined };
}

/**
 * Splits a byte stream into commands. One instance per connection; call push() with each chunk
 * and act on the events in order. Never throws.
 */
export class CommandFramer {
  private readonly limits: ImapLimits;
  private state: State = { kind: 'line' };
  private lineChunks: Buffer[] = [];
  private lineLength = 0;
  private parts: Buffer[] = [];
  private partsLength = 0;
  private literals: FramedLiteral[] = [];
  private literalsLength = 0;
  private literalChunks: Buffer[] = [];
  private literalLength = 0;
  private tail: Buffer = EMPTY;

  constructor(limits: ImapLimits = IMAP_LIMITS) {
    this.limits = limits;
  }

  /** Bytes held for the command being read (line text, literals, the skip window). */
  get bufferedBytes(): number {
    return this.partsLength + this.lineLength + this.literalsLength + this.literalLength + this.tail.length;
  }

  /** True after a fatal error: the connection must be closed and further input is ignored. */
  get closed(): boolean {
    return this.state.kind === 'closed';
  }

  /** True while in the middle of a command (some of it read, not yet complete). */
  get pending(): boolean {
    return this.bufferedBytes > 0 || this.state.kind !== 'line';
  }

  /**
   * Drops a command waiting for a synchronising literal whose `+` was not sent (the server replied
   * BAD or NO instead, RFC 9051 section 4.3); the client will not send the literal. Returns false
   * when there is no such command.
   */
  cancelLiteral(): boolean {
    const s = this.state;
    if (s.kind !== 'literal' || !s.sync || this.literalLength > 0) return false;
    this.resetCommand();
    this.state = { kind: 'line' };
    return true;
  }

  /** Feeds received bytes; returns the complete commands, continuation requests and errors. */
  push(chunk: Buffer): FrameEvent[] {
    const out: FrameEvent[] = [];
    let off = 0;
    while (off < chunk.length) {
      const s = this.state;
      switch (s.kind) {
        case 'closed':
          return out;
        case 'line':
          off = this.readLine(chunk, off, out);
          break;
        case 'literal': {
          const take = Math.min(s.remaining, chunk.length - off);
          this.literalChunks.push(off === 0 && take === chunk.length ? chunk : Buffer.from(chunk.subarray(off, off + take)));
          this.literalLength += take;
          s.remaining -= take;
          off += take;
          if (s.remaining === 0) this.finishLiteral(s.binary, s.sync);
          break;
        }
        case 'skip-literal': {
          const take = Math.min(s.remaining, chunk.length - off);
          s.remaining -= take;
          off += take;
          if (s.remaining === 0) this.state = { kind: 'skip-line' };
          break;
        }
        case 'skip-line': {
          const lf = chunk.indexOf(LF, off);
          const end = lf < 0 ? chunk.length : lf;
          this.keepTail(chunk.subarray(off, end));
          off = end;
          if (lf >= 0) {
            off = lf + 1;
            this.endSkippedLine(out);
          }
          break;
        }
      }
    }
    return out;
  }

  private readLine(chunk: Buffer, off: number, out: FrameEvent[]): number {
    const lf = chunk.indexOf(LF, off);
    const end = lf < 0 ? chunk.length : lf;
    const piece = chunk.subarray(off, end);
    const total = this.partsLength + this.lineLength + piece.length;
    if (lf < 0) {
      // one byte of slack for a CR whose LF is still to come
      if (total > this.limits.maxLineBytes + 1) {
        this.overflow(piece, out);
        return end;
      }
      this.appendLine(piece);
      return end;
    }
    const lastByte = piece.length > 0 ? piece[piece.length - 1] : this.lastLineByte();
    const content = total - (lastByte === CR ? 1 : 0);
    if (content > this.limits.maxLineBytes) {
      this.overflow(piece, out);
      this.endSkippedLine(out);
      return lf + 1;
    }
    this.appendLine(piece);
    this.completeLine(out);
    return lf + 1;
  }

  private appendLine(piece: Buffer): void {
    if (piece.length === 0) return;
    this.lineChunks.push(Buffer.from(piece));
    this.lineLength += piece.length;
  }

  private lastLineByte(): number | undefined {
    const last = this.lineChunks[this.lineChunks.length - 1];
    return last ? last[last.length - 1] : undefined;
  }

  private takeLine(): Buffer {
    let line = this.lineChunks.length === 1 ? (this.lineChunks[0] as Buffer) : Buffer.concat(this.lineChunks, this.lineLength);
    if (line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
    this.lineChunks = [];
    this.lineLength = 0;
    return line;
  }

  /** The tag and command of the command being read, from its first line. */
  private head(current?: Buffer, extra?: Buffer): { tag: string | undefined; command: string | undefined } {
    let first = this.parts[0] ?? current;
    if (!first) {
      const want = this.limits.maxTagLength + 40;
      const pieces: Buffer[] = [];
      let have = 0;
      for (const c of extra ? [...this.lineChunks, extra] : this.lineChunks) {
        if (have >= want) break;
        pieces.push(c);
        have += c.length;
      }
      first = Buffer.concat(pieces).subarray(0, want);
    }
    return readCommandHead(first, this.limits.maxTagLength);
  }

  private error(code: ImapParseErrorCode, message: string, out: FrameEvent[], fatal = false, current?: Buffer, extra?: Buffer): void {
    const { tag, command } = this.head(current, extra);
    out.push({ type: 'error', error: new ImapParseError(code, message, { tag, command, fatal }) });
  }

  /** The command line is over the limit: report it, drop what was kept and skip to its end. */
  private overflow(piece: Buffer, out: FrameEvent[]): void {
    this.error('LINE_TOO_LONG', `Command line longer than ${this.limits.maxLineBytes} bytes`, out, false, undefined, piece);
    const lastChunk = this.lineChunks[this.lineChunks.length - 1] ?? EMPTY;
    this.resetCommand();
    this.keepTail(lastChunk);
    this.keepTail(piece);
    this.state = { kind: 'skip-line' };
  }

  private keepTail(bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (bytes.length >= TAIL_BYTES) {
      this.tail = Buffer.from(bytes.subarray(bytes.length - TAIL_BYTES));
    } else {
      const joined = Buffer.concat([this.tail, bytes]);
      this.tail = Buffer.from(joined.subarray(Math.max(0, joined.length - TAIL_BYTES)));
    }
  }

  /**
   * A skipped line ended. If it announced a non-synchronising literal, that literal and the rest of
   * the command are skipped too; a synchronising one will not be sent (no `+` went out).
   */
  private endSkippedLine(out: FrameEvent[]): void {
    let tail = this.tail;
    this.tail = EMPTY;
    if (tail.length > 0 && tail[tail.length - 1] === CR) tail = tail.subarray(0, tail.length - 1);
    const marker = literalMarkerAtEnd(tail);
    if (!marker || marker.sync) {
      this.state = { kind: 'line' };
      return;
    }
    if (marker.size === undefined || marker.size > this.limits.maxDiscardBytes) {
      out.push({
        type: 'error',
        error: new ImapParseError('LITERAL_TOO_LARGE', 'Literal too large to skip; closing the connection', { fatal: true }),
      });
      this.state = { kind: 'closed' };
      return;
    }
    this.state = marker.size > 0 ? { kind: 'skip-literal', remaining: marker.size } : { kind: 'skip-line' };
  }

  private completeLine(out: FrameEvent[]): void {
    const line = this.takeLine();
    const marker = literalMarkerAtEnd(line);
    if (!marker) {
      this.parts.push(line);
      const command: FramedCommand = { lines: this.parts, literals: this.literals };
      this.resetCommand();
      out.push({ type: 'command', command });
      return;
    }
    const { tag, command } = this.head(line);
    const append = command === 'APPEND';
    const perLiteral = append ? this.limits.maxAppendLiteralBytes : this.limits.maxLiteralBytes;
    const perCommand = append ? this.limits.maxAppendTotalBytes : this.limits.maxCommandLiteralBytes;
    let refusal: [ImapParseErrorCode, string] | undefined;
    if (marker.size === undefined || marker.size > perLiteral) {
      refusal = ['LITERAL_TOO_LARGE', `Literal larger than ${perLiteral} bytes`];
    } else if (this.literalsLength + marker.size > perCommand) {
      refusal = ['LITERAL_TOO_LARGE', `Literals of one command larger than ${perCommand} bytes in total`];
    } else if (this.literals.length + 1 > this.limits.maxLiteralsPerCommand) {
      refusal = ['TOO_MANY_LITERALS', `More than ${this.limits.maxLiteralsPerCommand} literals in one command`];
    }
    if (refusal) {
      const fatal = !marker.sync && (marker.size === undefined || marker.size > this.limits.maxDiscardBytes);
      this.error(refusal[0], fatal ? `${refusal[1]}; closing the connection` : refusal[1], out, fatal, line);
      this.resetCommand();
      if (fatal) this.state = { kind: 'closed' };
      else if (marker.sync) this.state = { kind: 'line' };
      else this.state = marker.size ? { kind: 'skip-literal', remaining: marker.size } : { kind: 'skip-line' };
      return;
    }
    this.parts.push(line);
    this.partsLength += line.length;
    const size = marker.size as number;
    if (marker.sync) out.push({ type: 'continue', tag, command, size });
    if (size === 0) this.finishLiteral(marker.binary, marker.sync);
    else this.state = { kind: 'literal', remaining: size, binary: marker.binary, sync: marker.sync };
  }

  private finishLiteral(binary: boolean, sync: boolean): void {
    const data = this.literalChunks.length === 1 ? (this.literalChunks[0] as Buffer) : Buffer.concat(this.literalChunks, this.literalLength);
    this.literals.push({ data, binary, sync });
    this.literalsLength += data.length;
    this.literalChunks = [];
    this.literalLength = 0;
    this.state = { kind: 'line' };
  }

  private resetCommand(): void {
    this.lineChunks = [];
    this.lineLength = 0;
    this.parts = [];
    this.partsLength = 0;
    this.literals = [];
    this.literalsLength = 0;
    this.literalChunks = [];
    this.literalLength = 0;
  }
}
