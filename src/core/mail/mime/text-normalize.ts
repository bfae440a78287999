// White-space normalisation of extracted text in a single pass, fed piece by piece, that stops as
// soon as the rest of the text can no longer change what is kept (search text and preview are
// capped, so a 1 MB text part needs only its first few hundred KB looked at).
//
// The result is exactly that of this sequence of replacements (the original definition):
//   \r\n? -> \n;  [\0-\x08\x0b\x0c\x0e-\x1f\x7f] -> ' ';  [ \t\u00a0\u2000-\u200b\u3000]+ -> ' ';
//   ' ?\n ?' -> \n;  \n{3,} -> \n\n;  then String.prototype.trim().
// That is: a run of blanks (those characters and the control characters) and line breaks between two
// other characters becomes one space when it holds no line break, else one or two line feeds (as
// many as it holds, at most two); leading and trailing white space (in the `trim` sense) is dropped.

import { isAscii, transcode } from 'node:buffer';

const LF = 0x0a;
const CR = 0x0d;

/** The code units that `String.prototype.trim` and the regular expression `\s` treat as white space. */
export function isSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** Characters collapsed into a single space: blanks, and the control characters that count as one. */
function isBlank(c: number): boolean {
  if (c <= 0x20) return c !== LF && c !== CR;
  if (c < 0xa0) return c === 0x7f;
  return c === 0xa0 || (c >= 0x2000 && c <= 0x200b) || c === 0x3000;
}

/**
 * Where a copied run of ordinary characters ends: a blank other than a space, a CR, or a space or
 * line feed that is not followed by an ordinary character. Everything before it is output as it is.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what ends a run
const RUN_END = /[\0-\x09\x0b\x0c\x0e-\x1f\x7f\u00a0\u2000-\u200b\u3000]|[ \n](?![^\0-\x20\x7f\u00a0\u2000-\u200b\u3000])/g;
const CR_LF = /\r\n?/g;

/** What `TextNormalizer.finish` returns. */
export interface NormalizedText {
  /** The normalised text, or a prefix of it no shorter than the `buildMin` / `wordsMin` of the normaliser. */
  text: string;
  /** The length of the whole normalised text, or `countMax` if it is longer. */
  length: number;
}

/**
 * Normalises a text given in pieces (see the top of this file). Only as much is built as the caller
 * needs: once the text has `buildMin` characters, `wordsMin` of them not white space, the rest is only
 * counted, and once it is known to be at least `countMax` characters long nothing more is read.
 * Ordinary text is found with one native scan and copied by slices; only the characters around what
 * changes are looked at one by one.
 */
export class TextNormalizer {
  private text = '';
  /** Output length so far (leading white space excluded), whether built or only counted. */
  private out = 0;
  /** Output length up to its last non-white-space character: what trimming keeps. */
  private kept = 0;
  /** Non-white-space characters found in `text[0, wordsAt)`. */
  private words = 0;
  private wordsAt = 0;
  private building = true;
  private started = false;
  private done = false;
  /** The last character seen was an ordinary one (inside a run that is copied). */
  private inRun = false;
  private gapBlank = false;
  private gapLines = 0;
  private afterCr = false;

  constructor(
    private readonly countMax: number,
    private readonly buildMin = Infinity,
    private readonly wordsMin = 0,
  ) {}

  /** Takes the next piece of text; returns false once more text cannot change the result. */
  push(piece: string): boolean {
    if (this.done) return false;
    if (piece.length === 0) return true;
    // CR and CRLF become LF first; a CR that ends a piece pairs with a LF that starts the next.
    let s = this.afterCr && piece.charCodeAt(0) === LF ? piece.slice(1) : piece;
    this.afterCr = piece.charCodeAt(piece.length - 1) === CR;
    if (s.includes('\r')) s = s.replace(CR_LF, '\n');
    const n = s.length;
    let i = 0;
    if (!this.started) {
      while (i < n) {
        const c = s.charCodeAt(i);
        if (!isSpace(c) && !isBlank(c)) break;
        i++;
      }
      if (i === n) return true;
      this.started = true;
      this.inRun = true;
    }
    while (i < n) {
      if (!this.inRun) {
        for (; i < n; i++) {
          const c = s.charCodeAt(i);
          if (c === LF) this.gapLines++;
          else if (isBlank(c)) this.gapBlank = true;
          else break;
        }
        if (i === n) return true;
        const gap = this.gapLines > 1 ? '\n\n' : this.gapLines === 1 ? '\n' : this.gapBlank ? ' ' : '';
        this.gapLines = 0;
        this.gapBlank = false;
        this.inRun = true;
        if (gap) {
          this.out += gap.length;
          if (this.building) this.text += gap;
        }
      }
      // s[i] is an ordinary character, or a space or LF after one (at the start of a piece).
      RUN_END.lastIndex = i;
      const end = RUN_END.test(s) ? RUN_END.lastIndex - 1 : n;
      if (end > i) this.run(s, i, end);
      if (this.done) return false;
      i = end;
      if (i < n) this.inRun = false;
    }
    return true;
  }

  /** Outputs `s[start, end)` as it is. */
  private run(s: string, start: number, end: number): void {
    let last = end - 1;
    while (last >= start && isSpace(s.charCodeAt(last))) last--;
    if (last >= start) this.kept = this.out + (last + 1 - start);
    this.out += end - start;
    if (this.building) {
      this.text += start === 0 && end === s.length ? s : s.slice(start, end);
      if (this.text.length >= this.buildMin && this.enoughWords()) this.building = false;
    }
    if (this.kept >= this.countMax) this.done = true;
  }

  private enoughWords(): boolean {
    const t = this.text;
    while (this.words < this.wordsMin && this.wordsAt < t.length) {
      if (!isSpace(t.charCodeAt(this.wordsAt))) this.words++;
      this.wordsAt++;
    }
    return this.words >= this.wordsMin;
  }

  finish(): NormalizedText {
    const length = Math.min(this.kept, this.countMax);
    return { text: this.text.length > length ? this.text.slice(0, length) : this.text, length };
  }
}

/** The normalised form of `s` (see the top of this file). */
export function normalizeText(s: string): string {
  const n = new TextNormalizer(Infinity);
  n.push(s);
  return n.finish().text;
}

const ORDINARY = 0;
const BLANK = 1;
/** Ordinary, but white space for trimming (U+1680, U+2028, U+2029, U+202F, U+205F, U+FEFF; all three bytes long). */
const TRIMMED = 2;

/** The class of the multi-byte character starting at `b[i]` (valid UTF-8). */
function multiByteClass(b: Uint8Array, i: number): number {
  const c = b[i];
  if (c === 0xc2) return b[i + 1] === 0xa0 ? BLANK : ORDINARY;
  if (c === 0xe2) {
    const c1 = b[i + 1];
    const c2 = b[i + 2] as number;
    if (c1 === 0x80) {
      if (c2 <= 0x8b) return BLANK;
      return c2 === 0xa8 || c2 === 0xa9 || c2 === 0xaf ? TRIMMED : ORDINARY;
    }
    return c1 === 0x81 && c2 === 0x9f ? TRIMMED : ORDINARY;
  }
  if (c === 0xe3) return b[i + 1] === 0x80 && b[i + 2] === 0x80 ? BLANK : ORDINARY;
  if (c === 0xe1) return b[i + 1] === 0x9a && b[i + 2] === 0x80 ? TRIMMED : ORDINARY;
  if (c === 0xef) return b[i + 1] === 0xbb && b[i + 2] === 0xbf ? TRIMMED : ORDINARY;
  return ORDINARY;
}

function sequenceLength(lead: number): number {
  return lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
}

/** Whether a character with this lead byte may be a blank or white space (U+0080-U+00BF, U+1000-U+3FFF, U+F000-U+FFFF). */
function mayBeSpecial(lead: number): boolean {
  return lead === 0xc2 || lead === 0xe1 || lead === 0xe2 || lead === 0xe3 || lead === 0xef;
}

/** An ordinary character that is not white space starts at `b[i]`. */
function wordCharAt(b: Uint8Array, i: number): boolean {
  const c = b[i] as number;
  if (c < 0x80) return c > 0x20 && c < 0x7f;
  return !mayBeSpecial(c) || multiByteClass(b, i) === ORDINARY;
}

/** Valid UTF-8 to a string: ICU's transcoder is several times faster than V8's decoder on non-ASCII text. */
function utf8ToString(b: Buffer): string {
  if (isAscii(b)) return b.toString('latin1');
  try {
    return transcode(b, 'utf8', 'utf16le').toString('utf16le');
  } catch {
    return b.toString('utf8'); // a Node.js built without ICU
  }
}

/**
 * `TextNormalizer` over valid UTF-8 bytes (without a byte order mark to drop): the same result from
 * one pass over the bytes, decoding only the part of the output that is returned. The bytes are
 * normalised in place (the output never overtakes the input) and so are overwritten. `text` builds
 * the text, `length` measures the rest only when asked, up to where its answer is known.
 */
export class Utf8Normalizer {
  private i = 0;
  /** Output bytes written, at the start of `b`. */
  private w = 0;
  /** Output length in UTF-16 code units, and up to its last non-white-space character. */
  private units = 0;
  private kept = 0;
  /** Non-white-space characters in the output. */
  private words = 0;
  /** Output bytes when `buildMin` and `wordsMin` were reached (-1 before). */
  private cut = -1;
  private countMax = Infinity;
  private done = false;
  private inRun = true;
  private gapBlank = false;
  private gapLines = 0;
  private afterCr = false;

  constructor(
    private readonly b: Buffer,
    private readonly buildMin = Infinity,
    private readonly wordsMin = 0,
  ) {
    const end = b.length;
    let i = 0;
    while (i < end) {
      const c = b[i] as number;
      if (c <= 0x20 || c === 0x7f) i++;
      else if (c < 0x80 || multiByteClass(b, i) === ORDINARY) break;
      else i += sequenceLength(c);
    }
    this.i = i;
  }

  /** The normalised text cut to `countMax` characters, or a prefix of it as long as the limits ask. */
  text(countMax: number): string {
    this.countMax = countMax;
    this.scan(true);
    const ended = this.done || this.i >= this.b.length;
    const text = utf8ToString(this.b.subarray(0, this.cut < 0 ? this.w : this.cut));
    const max = ended ? Math.min(this.kept, countMax) : countMax;
    return text.length > max ? text.slice(0, max) : text;
  }

  /** The length of the whole normalised text, or `countMax` (that given to `text`) if it is longer. */
  length(): number {
    this.scan(false);
    return Math.min(this.kept, this.countMax);
  }

  /** Reads on until the end or `countMax`; when building, also stops once the limits are reached. */
  private scan(build: boolean): void {
    const b = this.b;
    const end = b.length;
    let i = this.i;
    let w = this.w;
    let units = this.units;
    let kept = this.kept;
    let words = this.words;
    let inRun = this.inRun;
    let gapBlank = this.gapBlank;
    let gapLines = this.gapLines;
    let afterCr = this.afterCr;
    while (i < end && !this.done && !(build && this.cut >= 0)) {
      if (!inRun) {
        while (i < end) {
          const c = b[i] as number;
          if (c === LF) {
            if (afterCr) afterCr = false;
            else gapLines++;
            i++;
          } else if (c === CR) {
            gapLines++;
            afterCr = true;
            i++;
          } else if (c <= 0x20 || c === 0x7f) {
            gapBlank = true;
            afterCr = false;
            i++;
          } else if (c >= 0xc2 && multiByteClass(b, i) === BLANK) {
            gapBlank = true;
            afterCr = false;
            i += sequenceLength(c);
          } else {
            break;
          }
        }
        if (i === end) break;
        afterCr = false;
        const n = gapLines > 1 ? 2 : gapLines === 1 ? 1 : gapBlank ? 1 : 0;
        if (build) {
          if (gapLines > 0) {
            b[w++] = LF;
            if (gapLines > 1) b[w++] = LF;
          } else if (gapBlank) {
            b[w++] = 0x20;
          }
        }
        units += n;
        gapLines = 0;
        gapBlank = false;
        inRun = true;
      }
      // A run of ordinary characters, copied; a single space or LF before a word character stays in it.
      const start = i;
      let extraUnits = 0;
      let separators = 0;
      while (i < end) {
        const c = b[i] as number;
        if (c > 0x20 && c < 0x7f) {
          i++;
        } else if (c === 0x20 || c === LF) {
          if (i + 1 >= end || !wordCharAt(b, i + 1)) break;
          i++;
          separators++;
        } else if (c < 0x80 || (mayBeSpecial(c) && multiByteClass(b, i) !== ORDINARY)) {
          break;
        } else if (c < 0xe0) {
          i += 2;
          extraUnits -= 1;
        } else {
          i += c < 0xf0 ? 3 : 4;
          extraUnits -= 2;
        }
      }
      if (i > start) {
        if (build) {
          if (w !== start) b.copyWithin(w, start, i);
          w += i - start;
        }
        const n = i - start + extraUnits;
        units += n;
        kept = units;
        words += n - separators;
        if (build && units >= this.buildMin && words >= this.wordsMin) this.cut = w;
        if (kept >= this.countMax) this.done = true;
      }
      if (i === end || this.done) break;
      if ((b[i] as number) >= 0x80 && multiByteClass(b, i) === TRIMMED) {
        // Ordinary, so the run goes on, but it does not move what trimming keeps.
        if (build) {
          b[w++] = b[i] as number;
          b[w++] = b[i + 1] as number;
          b[w++] = b[i + 2] as number;
        }
        i += 3;
        units++;
      } else {
        inRun = false;
      }
    }
    this.i = i;
    this.w = w;
    this.units = units;
    this.kept = kept;
    this.words = words;
    this.inRun = inRun;
    this.gapBlank = gapBlank;
    this.gapLines = gapLines;
    this.afterCr = afterCr;
  }
}

/** `normalizeText` of valid UTF-8 (see `Utf8Normalizer`, which overwrites `b`), cut as `TextNormalizer` does. */
export function normalizeUtf8(b: Buffer, countMax: number, buildMin = Infinity, wordsMin = 0): NormalizedText {
  const n = new Utf8Normalizer(b, buildMin, wordsMin);
  const text = n.text(countMax);
  return { text, length: n.length() };
}
