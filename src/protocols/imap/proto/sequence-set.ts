// Sequence sets (RFC 9051 section 9 `sequence-set`, RFC 5182 `$`): parsed into ranges and only ever
// handled as ranges, so `1:4294967295` costs the same as `1`.

import { IMAP_LIMITS, type ImapLimits } from './limits.js';
import { ImapParseError } from './errors.js';

/** One seq-number: a non-zero 32-bit number or `*` (the largest number in use). */
export type SeqNumber = number | '*';

/** `a:b` as written by the client (unordered; `a` alone is `{ start: a, end: a }`). */
export interface SeqRange {
  readonly start: SeqNumber;
  readonly end: SeqNumber;
}

/** A parsed sequence set: explicit ranges, or `$`, the saved search result (RFC 5182). */
export type SequenceSet =
  | { readonly kind: 'set'; readonly ranges: readonly SeqRange[] }
  | { readonly kind: 'saved' };

/** An inclusive range of resolved numbers, `[first, last]` with first <= last. */
export type NumberRange = readonly [number, number];

const MAX_NZ = 0xffffffff;

function bad(text: string, why: string): ImapParseError {
  const shown = text.length > 40 ? `${text.slice(0, 40)}...` : text;
  return new ImapParseError('INVALID_SEQUENCE_SET', `Invalid sequence set "${shown}": ${why}`);
}

/**
 * Parses a sequence set (RFC 9051 section 9: `sequence-set`, `seq-range`, `seq-number`; RFC 5182
 * `$`). Throws ImapParseError (INVALID_SEQUENCE_SET or TOO_MANY_RANGES).
 */
export function parseSequenceSet(text: string, limits: ImapLimits = IMAP_LIMITS): SequenceSet {
  if (text === '$') return { kind: 'saved' };
  if (text.length === 0) throw bad(text, 'empty');
  const ranges: SeqRange[] = [];
  let i = 0;
  const readNumber = (): SeqNumber => {
    if (text[i] === '*') {
      i++;
      return '*';
    }
    const start = i;
    while (i < text.length && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
    if (i === start) throw bad(text, `expected a number or "*" at position ${start + 1}`);
    if (text[start] === '0') throw bad(text, 'numbers start at 1 and have no leading zeros');
    if (i - start > 10) throw bad(text, 'number out of range');
    const n = Number(text.slice(start, i));
    if (n > MAX_NZ) throw bad(text, 'number out of range');
    return n;
  };
  for (;;) {
    const start = readNumber();
    let end = start;
    if (text[i] === ':') {
      i++;
      end = readNumber();
    }
    ranges.push({ start, end });
    if (ranges.length > limits.maxSequenceRanges) {
      throw new ImapParseError('TOO_MANY_RANGES', `Sequence set has more than ${limits.maxSequenceRanges} ranges`);
    }
    if (i === text.length) break;
    if (text[i] !== ',') throw bad(text, `unexpected "${text[i] ?? ''}" at position ${i + 1}`);
    i++;
  }
  return { kind: 'set', ranges };
}

/** Formats a parsed set back to its wire form. */
export function sequenceSetToString(set: SequenceSet): string {
  if (set.kind === 'saved') return '$';
  return set.ranges.map((r) => (r.start === r.end ? `${r.start}` : `${r.start}:${r.end}`)).join(',');
}

/**
 * True when some number in the set is larger than `max`, or the set uses `*` and `max` is 0.
 * RFC 9051 section 9 (`seq-number`) asks for a BAD reply to message sequence numbers out of range,
 * "*" in an empty mailbox included; UID sets are clamped instead and never need this.
 */
export function sequenceSetExceeds(set: SequenceSet, max: number): boolean {
  if (set.kind === 'saved') return false;
  if (max === 0 && sequenceSetHasStar(set)) return true;
  return set.ranges.some((r) => (r.start !== '*' && r.start > max) || (r.end !== '*' && r.end > max));
}

/** True when the set uses `*`. */
export function sequenceSetHasStar(set: SequenceSet): boolean {
  return set.kind === 'set' && set.ranges.some((r) => r.start === '*' || r.end === '*');
}

/** Sorts and merges overlapping or adjacent ranges. */
export function mergeRanges(input: readonly NumberRange[]): NumberRange[] {
  const sorted = input.filter((r) => r[0] <= r[1]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) {
      if (b > last[1]) last[1] = b;
    } else {
      out.push([a, b]);
    }
  }
  return out;
}

/**
 * Resolves a set against the current largest number in use (`max`: message count, or the highest
 * UID): `*` becomes `max`, `a:b` is unordered, numbers above `max` are dropped (RFC 9051 section
 * 6.4.8: `559:*` always includes the last message). `$` resolves to `saved` (RFC 5182), empty when
 * nothing was saved. The result is sorted and merged.
 */
export function resolveSequenceSet(set: SequenceSet, max: number, saved: readonly NumberRange[] = []): NumberRange[] {
  const source: NumberRange[] = [];
  if (set.kind === 'saved') {
    source.push(...saved);
  } else {
    for (const r of set.ranges) {
      const a = r.start === '*' ? max : r.start;
      const b = r.end === '*' ? max : r.end;
      source.push(a <= b ? [a, b] : [b, a]);
    }
  }
  const clamped: NumberRange[] = [];
  for (const [a, b] of source) {
    const lo = Math.max(a, 1);
    const hi = Math.min(b, max);
    if (lo <= hi) clamped.push([lo, hi]);
  }
  return mergeRanges(clamped);
}

/** A resolved set with fast membership (binary search), counting and ascending iteration. */
export class ResolvedSequenceSet implements Iterable<number> {
  readonly ranges: readonly NumberRange[];
  readonly size: number;

  constructor(ranges: readonly NumberRange[]) {
    this.ranges = mergeRanges(ranges);
    let size = 0;
    for (const [a, b] of this.ranges) size += b - a + 1;
    this.size = size;
  }

  /** True when `n` is in the set. */
  has(n: number): boolean {
    let lo = 0;
    let hi = this.ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const r = this.ranges[mid] as NumberRange;
      if (n < r[0]) hi = mid - 1;
      else if (n > r[1]) lo = mid + 1;
      else return true;
    }
    return false;
  }

  get first(): number | undefined {
    return this.ranges[0]?.[0];
  }

  get last(): number | undefined {
    return this.ranges[this.ranges.length - 1]?.[1];
  }

  *[Symbol.iterator](): Iterator<number> {
    for (const [a, b] of this.ranges) for (let n = a; n <= b; n++) yield n;
  }

  toString(): string {
    return formatRanges(this.ranges);
  }
}

/** resolveSequenceSet wrapped for membership tests without materialising the numbers. */
export function compileSequenceSet(set: SequenceSet, max: number, saved: readonly NumberRange[] = []): ResolvedSequenceSet {
  return new ResolvedSequenceSet(resolveSequenceSet(set, max, saved));
}

/** Compact wire form of ranges: `1:3,7,9:12` (for VANISHED, COPYUID, ESEARCH ALL). */
export function formatRanges(ranges: readonly NumberRange[]): string {
  return ranges.map(([a, b]) => (a === b ? `${a}` : `${a}:${b}`)).join(',');
}

/** Ranges covering the given numbers (any order, duplicates allowed). */
export function rangesFromNumbers(numbers: Iterable<number>): NumberRange[] {
  const sorted = Array.from(numbers).sort((a, b) => a - b);
  const out: [number, number][] = [];
  for (const n of sorted) {
    const last = out[out.length - 1];
    if (last && n <= last[1] + 1) last[1] = Math.max(last[1], n);
    else out.push([n, n]);
  }
  return out;
}
