// The tokenizer of RFC 9051 section 9: a cursor over a framed command that reads one token at a
// time (atom, number, quoted string, literal, NIL, list, sequence set), because IMAP's grammar
// decides by context what the next bytes mean. Errors are thrown as ImapParseError only and
// caught at the module boundary (parseCommand, tokenize).

import { IMAP_LIMITS, type ImapLimits } from './limits.js';
import { ImapParseError, quoteForText, toImapParseError, type ImapParseErrorCode } from './errors.js';
import type { FramedCommand } from './framer.js';
import { parseSequenceSet, type SequenceSet } from './sequence-set.js';
import {
  BACKSLASH, DQUOTE, LBRACE, LBRACKET, LPAREN, LT, GT, RBRACE, RBRACKET, RPAREN, SP, TILDE, DOT,
  isAStringChar, isAtomChar, isDigit, isListChar,
} from './chars.js';

/** A generic token, as returned by tokenize(). */
export type ImapToken =
  | { readonly type: 'atom'; readonly value: string }
  | { readonly type: 'number'; readonly value: number }
  | { readonly type: 'string'; readonly value: Buffer; readonly form: 'quoted' | 'literal' | 'literal8' }
  | { readonly type: 'nil' }
  | { readonly type: 'list'; readonly items: readonly ImapToken[] }
  | { readonly type: 'sequence-set'; readonly value: SequenceSet }
  /** `NAME[...]<offset.length>`: BODY[...], BINARY[...], and the like. */
  | { readonly type: 'section'; readonly name: string; readonly section: readonly ImapToken[]; readonly partial?: PartialRange }

/** `<offset.length>` of BODY[...]<partial> (RFC 9051 `partial`). */
export interface PartialRange {
  readonly offset: number;
  readonly length: number;
}

export interface StringOptions {
  /** Accept a binary literal `~{n}` (RFC 3516 literal8; APPEND only). */
  readonly allowBinary?: boolean;
}

export interface ReadString {
  readonly value: Buffer;
  readonly form: 'quoted' | 'literal' | 'literal8';
}

const EMPTY = Buffer.alloc(0);
const MAX_U32 = 0xffffffff;

function isSeqChar(b: number): boolean {
  return isDigit(b) || b === 0x2a || b === 0x3a || b === 0x2c || b === 0x24; // * : , $
}

function describeByte(b: number): string {
  if (b === 0) return 'NUL byte';
  if (b >= 0x80) return `8-bit byte 0x${b.toString(16).toUpperCase()}`;
  return `control character 0x${b.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** A cursor over one framed command. Every read method throws ImapParseError on bad input. */
export class TokenReader {
  readonly limits: ImapLimits;
  private readonly input: FramedCommand;
  private partIndex = 0;
  private pos = 0;
  private base = 0;
  private line: Buffer;
  private tokens = 0;
  private depth = 0;
  private inSection = false;

  constructor(input: FramedCommand, limits: ImapLimits = IMAP_LIMITS) {
    this.input = input;
    this.limits = limits;
    this.line = input.lines[0] ?? EMPTY;
  }

  /** Byte offset into the command text (literals not counted), for error messages. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Throws an ImapParseError at the current position. */
  fail(code: ImapParseErrorCode, message: string): never {
    throw new ImapParseError(code, message, { offset: this.offset });
  }

  /** The next byte, or -1 at the end of a line part. */
  peek(ahead = 0): number {
    return this.line[this.pos + ahead] ?? -1;
  }

  /** True at the end of the whole command. */
  atEnd(): boolean {
    return this.pos >= this.line.length && this.partIndex >= this.input.lines.length - 1;
  }

  /** Human description of what comes next, for "expected X, found Y" messages. */
  describeNext(): string {
    if (this.pos >= this.line.length) return this.atEnd() ? 'end of command' : 'a literal';
    const b = this.peek();
    if (b < 0x20 || b >= 0x7f) return describeByte(b);
    let end = this.pos;
    while (end < this.line.length && end - this.pos < 30 && this.line[end] !== SP) end++;
    return quoteForText(this.line.subarray(this.pos, end));
  }

  private countToken(): void {
    if (++this.tokens > this.limits.maxTokens) this.fail('TOO_MANY_TOKENS', `More than ${this.limits.maxTokens} tokens in one command`);
  }

  private failExpected(code: ImapParseErrorCode, what: string): never {
    if (this.atEnd()) this.fail('UNEXPECTED_END', `Missing ${what}`);
    const b = this.peek();
    if (b !== -1 && (b < 0x20 || b >= 0x7f) && b !== SP) this.fail('INVALID_CHAR', `Unexpected ${describeByte(b)} where ${what} was expected`);
    this.fail(code, `Expected ${what}, found ${this.describeNext()}`);
  }

  /** Reads exactly one SP. */
  sp(what = 'an argument'): void {
    if (this.peek() !== SP) {
      if (this.atEnd()) this.fail('UNEXPECTED_END', `Missing ${what}`);
      this.failExpected('EXPECTED_SP', `a space before ${what}`);
    }
    this.pos++;
  }

  /** Reads one SP when there is one. */
  trySp(): boolean {
    if (this.peek() !== SP) return false;
    this.pos++;
    return true;
  }

  /** The byte after a SP, when a SP comes next (-1 otherwise). */
  peekAfterSp(): number {
    return this.peek() === SP ? this.peek(1) : -1;
  }

  /** Fails unless the whole command has been read. */
  expectEnd(): void {
    if (!this.atEnd()) {
      const b = this.peek();
      if (b !== -1 && b !== SP && (b < 0x20 || b >= 0x7f)) this.fail('INVALID_CHAR', `Unexpected ${describeByte(b)}`);
      this.fail('TRAILING_DATA', `Unexpected ${this.describeNext()} after the end of the command`);
    }
  }

  /** Reads one expected byte. */
  char(b: number, what: string): void {
    if (this.peek() !== b) this.failExpected('EXPECTED_ATOM', what);
    this.pos++;
  }

  /** Reads `b` when it comes next. */
  tryChar(b: number): boolean {
    if (this.peek() !== b) return false;
    this.pos++;
    return true;
  }

  /** A run of bytes accepted by `accept`; a control or 8-bit byte right after it is an error. */
  private run(accept: (b: number) => boolean): string {
    const start = this.pos;
    while (this.pos < this.line.length && accept(this.line[this.pos] as number)) this.pos++;
    const b = this.peek();
    if (b !== -1 && b !== SP && (b < 0x20 || b >= 0x7f)) this.fail('INVALID_CHAR', `Unexpected ${describeByte(b)}`);
    return this.line.toString('latin1', start, this.pos);
  }

  /** atom = 1*ATOM-CHAR */
  atom(what = 'an atom'): string {
    const s = this.run(isAtomChar);
    if (!s) this.failExpected('EXPECTED_ATOM', what);
    this.countToken();
    return s;
  }

  /** An atom, upper-cased (command names, keywords). */
  keyword(what = 'a keyword'): string {
    return this.atom(what).toUpperCase();
  }

  /** Characters matched by `accept`, as one token (fetch attribute names, section parts). */
  word(accept: (b: number) => boolean, what: string): string {
    const s = this.run(accept);
    if (!s) this.failExpected('EXPECTED_ATOM', what);
    this.countToken();
    return s;
  }

  /** Reads `word` (case-insensitive) when it comes next as a whole atom. */
  tryKeyword(word: string): boolean {
    const n = word.length;
    if (this.pos + n > this.line.length) return false;
    if (this.line.toString('latin1', this.pos, this.pos + n).toUpperCase() !== word) return false;
    const after = this.peek(n);
    if (after !== -1 && isAtomChar(after)) return false;
    this.pos += n;
    this.countToken();
    return true;
  }

  /** True when the next atom is `word` (case-insensitive), without reading it. */
  peekKeyword(word: string): boolean {
    const n = word.length;
    if (this.line.toString('latin1', this.pos, this.pos + n).toUpperCase() !== word) return false;
    const after = this.peek(n);
    return after === -1 || !isAtomChar(after);
  }

  /** number = 1*DIGIT, at most `max` (RFC 9051: number is 32-bit, number64 is 63-bit). */
  number(what = 'a number', max = MAX_U32): number {
    const start = this.pos;
    while (this.pos < this.line.length && isDigit(this.line[this.pos] as number)) this.pos++;
    if (this.pos === start) this.failExpected('EXPECTED_NUMBER', what);
    const next = this.peek();
    if (next !== -1 && isAtomChar(next)) {
      this.pos = start;
      this.failExpected('EXPECTED_NUMBER', what);
    }
    const digits = this.line.toString('latin1', start, this.pos);
    const n = digits.length > 16 ? Number.POSITIVE_INFINITY : Number(digits);
    if (n > max) {
      this.pos = start;
      this.fail('NUMBER_OUT_OF_RANGE', `${what} out of range: ${quoteForText(digits)}`);
    }
    this.countToken();
    return n;
  }

  /** number64 (RFC 9051), limited to what a JavaScript number holds exactly (2^53 - 1). */
  number64(what = 'a number'): number {
    return this.number(what, Number.MAX_SAFE_INTEGER);
  }

  /** nz-number */
  nzNumber(what = 'a non-zero number', max = MAX_U32): number {
    const n = this.number(what, max);
    if (n === 0) this.fail('NUMBER_OUT_OF_RANGE', `${what} must not be zero`);
    return n;
  }

  /** Digits only (inside sections: `1.2.3`), no check of what follows. */
  digits(what: string): number {
    const start = this.pos;
    while (this.pos < this.line.length && isDigit(this.line[this.pos] as number)) this.pos++;
    if (this.pos === start) this.failExpected('EXPECTED_NUMBER', what);
    const digits = this.line.toString('latin1', start, this.pos);
    const n = digits.length > 16 ? Number.POSITIVE_INFINITY : Number(digits);
    if (n > Number.MAX_SAFE_INTEGER) this.fail('NUMBER_OUT_OF_RANGE', `${what} out of range`);
    this.countToken();
    return n;
  }

  /** quoted = DQUOTE *QUOTED-CHAR DQUOTE; only `\"` and `\\` are escapes. */
  quoted(): Buffer {
    this.char(DQUOTE, 'a quoted string');
    const pieces: Buffer[] = [];
    let start = this.pos;
    for (;;) {
      if (this.pos >= this.line.length) this.fail('BAD_QUOTED', 'Unterminated quoted string');
      const b = this.line[this.pos] as number;
      if (b === DQUOTE) break;
      if (b === BACKSLASH) {
        const next = this.line[this.pos + 1];
        if (next !== DQUOTE && next !== BACKSLASH) this.fail('BAD_QUOTED', 'Only \\" and \\\\ may be escaped in a quoted string');
        pieces.push(this.line.subarray(start, this.pos));
        start = this.pos + 1;
        this.pos += 2;
        continue;
      }
      if (b === 0 || b === 0x0d || b === 0x0a) this.fail('INVALID_CHAR', `${describeByte(b)} not allowed in a quoted string`);
      this.pos++;
    }
    pieces.push(this.line.subarray(start, this.pos));
    this.pos++;
    this.countToken();
    return pieces.length === 1 ? Buffer.from(pieces[0] as Buffer) : Buffer.concat(pieces);
  }

  /** True when a literal marker (`{` or `~{`) comes next. */
  atLiteral(): boolean {
    const b = this.peek();
    return b === LBRACE || (b === TILDE && this.peek(1) === LBRACE);
  }

  /** literal / literal8: the marker must end the line part, and its literal follows it. */
  literal(options: StringOptions = {}): ReadString {
    const binary = this.peek() === TILDE;
    if (binary) {
      if (!options.allowBinary) this.fail('INVALID_ARGUMENT', 'A binary literal ~{n} is only allowed in APPEND');
      this.pos++;
    }
    this.char(LBRACE, 'a literal');
    const start = this.pos;
    while (isDigit(this.peek())) this.pos++;
    if (this.pos === start) this.fail('BAD_LITERAL', 'Literal length missing');
    const size = Number(this.line.toString('latin1', start, this.pos));
    this.tryChar(0x2b); // "+": non-synchronising (RFC 7888)
    if (this.peek() !== RBRACE) this.fail('BAD_LITERAL', 'Malformed literal marker');
    this.pos++;
    const literal = this.input.literals[this.partIndex];
    if (this.pos !== this.line.length || !literal) this.fail('BAD_LITERAL', 'A literal marker must end the line');
    if (literal.data.length !== size) this.fail('BAD_LITERAL', 'Literal length does not match its marker');
    if (!binary && literal.data.includes(0)) this.fail('INVALID_CHAR', 'NUL byte in a literal; use a binary literal ~{n}');
    this.base += this.line.length;
    this.partIndex++;
    this.line = this.input.lines[this.partIndex] ?? EMPTY;
    this.pos = 0;
    this.countToken();
    return { value: literal.data, form: binary ? 'literal8' : 'literal' };
  }

  /** string = quoted / literal */
  string(what = 'a string', options: StringOptions = {}): Buffer {
    return this.stringWithForm(what, options).value;
  }

  /** string, telling how it was sent. */
  stringWithForm(what = 'a string', options: StringOptions = {}): ReadString {
    if (this.peek() === DQUOTE) return { value: this.quoted(), form: 'quoted' };
    if (this.atLiteral()) return this.literal(options);
    this.failExpected('EXPECTED_STRING', what);
  }

  /** astring = 1*ASTRING-CHAR / string */
  astring(what = 'a string'): Buffer {
    const b = this.peek();
    if (b === DQUOTE || this.atLiteral()) return this.string(what);
    const s = this.run(isAStringChar);
    if (!s) this.failExpected('EXPECTED_STRING', what);
    this.countToken();
    return Buffer.from(s, 'latin1');
  }

  /** nstring = string / NIL */
  nstring(what = 'a string or NIL'): Buffer | null {
    if (this.tryKeyword('NIL')) return null;
    return this.string(what);
  }

  /** list-mailbox = 1*list-char / string (RFC 9051, LIST patterns with `%` and `*`). */
  listMailbox(what = 'a mailbox pattern'): Buffer {
    const b = this.peek();
    if (b === DQUOTE || this.atLiteral()) return this.string(what);
    const s = this.run(isListChar);
    if (!s) this.failExpected('EXPECTED_STRING', what);
    this.countToken();
    return Buffer.from(s, 'latin1');
  }

  /** sequence-set (RFC 9051) or `$` (RFC 5182). */
  sequenceSet(what = 'a sequence set'): SequenceSet {
    const start = this.pos;
    const text = this.run(isSeqChar);
    const next = this.peek();
    if (next !== -1 && isAtomChar(next)) {
      this.pos = start;
      this.failExpected('INVALID_SEQUENCE_SET', what);
    }
    if (!text) this.failExpected('INVALID_SEQUENCE_SET', what);
    try {
      const set = parseSequenceSet(text, this.limits);
      this.countToken();
      return set;
    } catch (e) {
      const err = toImapParseError(e);
      throw new ImapParseError(err.code, err.message, { offset: start });
    }
  }

  /** True when a sequence set can start here (a digit, `*` or `$`). */
  atSequenceSet(): boolean {
    const b = this.peek();
    return isDigit(b) || b === 0x2a || b === 0x24;
  }

  /** Reads "(" and enters one nesting level. */
  openList(what = 'a parenthesised list'): void {
    if (this.peek() !== LPAREN) this.failExpected('EXPECTED_LIST', what);
    this.enter();
    this.pos++;
    this.countToken();
  }

  /** Reads ")" and leaves one nesting level. */
  closeList(what = '")"'): void {
    if (this.peek() !== RPAREN) this.failExpected('EXPECTED_LIST', what);
    this.pos++;
    this.depth--;
  }

  /** Enters one nesting level (lists, groups, nested search keys) or fails past the limit. */
  enter(limit = this.limits.maxNestingDepth): void {
    if (++this.depth > limit) this.fail('NESTING_TOO_DEEP', `Nesting deeper than ${limit} levels`);
  }

  /** Leaves a level entered with enter(). */
  leave(): void {
    this.depth--;
  }

  /** `"(" [item *(SP item)] ")"`: items read by `item`. */
  list<T>(what: string, item: () => T, options: { allowEmpty?: boolean } = {}): T[] {
    this.openList(what);
    const items: T[] = [];
    if (this.peek() === RPAREN) {
      if (options.allowEmpty === false) this.fail('EXPECTED_LIST', `${what} must not be empty`);
    } else {
      items.push(item());
      while (this.trySp()) items.push(item());
    }
    this.closeList(`")" to end ${what}`);
    return items;
  }

  /** One generic token (see ImapToken). */
  token(): ImapToken {
    const b = this.peek();
    if (b === LPAREN) {
      const items = this.list('a list', () => this.token());
      return { type: 'list', items };
    }
    if (b === DQUOTE || this.atLiteral()) {
      const s = this.stringWithForm('a string', { allowBinary: true });
      return { type: 'string', value: s.value, form: s.form };
    }
    const start = this.pos;
    // inside a section "]" ends it; elsewhere it is an ASTRING-CHAR (mailbox names)
    const text = this.run(this.inSection ? (c) => isAtomChar(c) && c !== LBRACKET : (c) => isAStringChar(c) && c !== LBRACKET);
    if (this.peek() === LBRACKET && text) return this.sectionToken(text);
    if (!text) {
      if (this.tryChar(0x2a)) {
        // a lone "*" (LIST pattern or sequence set)
        this.pos = start;
        return { type: 'sequence-set', value: this.sequenceSet() };
      }
      this.failExpected('EXPECTED_ATOM', 'a token');
    }
    this.countToken();
    if (/^\d+$/.test(text) && text.length <= 10 && Number(text) <= MAX_U32) return { type: 'number', value: Number(text) };
    if (text.toUpperCase() === 'NIL') return { type: 'nil' };
    if (/^[\d*:,$]+$/.test(text)) {
      this.pos = start;
      return { type: 'sequence-set', value: this.sequenceSet() };
    }
    const star = this.peek();
    if (star === 0x2a || star === 0x25) this.fail('INVALID_CHAR', `Unexpected "${String.fromCharCode(star)}"`);
    return { type: 'atom', value: text };
  }

  /** `NAME[tokens]<offset.length>` */
  private sectionToken(name: string): ImapToken {
    this.countToken();
    this.pos++; // "["
    this.enter();
    const outer = this.inSection;
    this.inSection = true;
    const section: ImapToken[] = [];
    if (this.peek() !== RBRACKET) {
      section.push(this.token());
      while (this.trySp()) section.push(this.token());
    }
    this.char(RBRACKET, '"]"');
    this.inSection = outer;
    this.leave();
    if (!this.tryChar(LT)) return { type: 'section', name, section };
    const offset = this.digits('a partial offset');
    this.char(DOT, '"." in a partial range');
    const length = this.digits('a partial length');
    this.char(GT, '">"');
    return { type: 'section', name, section, partial: { offset, length } };
  }
}

/** Reads a whole command as generic tokens separated by single spaces. Never throws. */
export function tokenize(
  input: FramedCommand,
  limits: ImapLimits = IMAP_LIMITS,
): { ok: true; tokens: ImapToken[] } | { ok: false; error: ImapParseError } {
  try {
    const r = new TokenReader(input, limits);
    const tokens: ImapToken[] = [];
    if (!r.atEnd()) {
      tokens.push(r.token());
      while (!r.atEnd()) {
        r.sp('a token');
        tokens.push(r.token());
      }
    }
    return { ok: true, tokens };
  } catch (e) {
    return { ok: false, error: toImapParseError(e) };
  }
}
