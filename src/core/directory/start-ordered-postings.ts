/**
 * One index word's postings ordered by where the entries' display or family names start, so a
 * search for a whole word within a name start ((&(givenName=john)(sn=sm*)) over LDAP) finds its
 * candidates by binary search instead of testing every posting of the word: "john" lists ~1% of
 * the directory, of which ~2% have a family name starting "sm"; testing each posting cost a cache
 * miss (most of such a search's time).
 *
 * Kept per word once asked for, for words with enough postings to be worth it; a new posting of
 * the word drops its lists (forget), rebuilt when next asked for. Dead slots stay in a list until
 * then, as they do in the postings: callers test every slot they take.
 */
import { lowerBound } from '../util/lower-bound.js';
import { DISPLAY_START, FAMILY_START, STRIDE, type SlotTable } from './slot-table.js';

export type StartField = 'display' | 'family';

/** Words with fewer postings are walked directly (a list would save little). */
export const MIN_ORDERED_POSTINGS = 64;

interface Ordered {
  slots: Int32Array;
  /** The start code of each slot, ascending. */
  codes: Float64Array;
}

export class StartOrderedPostings {
  private readonly lists = new Map<string, Ordered>();

  /** A word got a new posting: its ordered lists are out of date. */
  forget(word: string): void {
    if (!this.lists.size) return;
    this.lists.delete(`display:${word}`);
    this.lists.delete(`family:${word}`);
  }

  /**
   * The slots among `postings` (the word's lists: name and other words) whose display or family
   * name start code lies in [lo, hi), in start order.
   */
  within(word: string, field: StartField, [lo, hi]: readonly [number, number], postings: readonly (readonly number[] | undefined)[], table: SlotTable): Int32Array {
    const key = `${field}:${word}`;
    let o = this.lists.get(key);
    if (!o) {
      o = build(field, postings, table);
      this.lists.set(key, o);
    }
    return o.slots.subarray(lowerBound(o.codes, lo), lowerBound(o.codes, hi));
  }
}

function build(field: StartField, postings: readonly (readonly number[] | undefined)[], table: SlotTable): Ordered {
  const offset = field === 'display' ? DISPLAY_START : FAMILY_START;
  const data = table.data;
  const code = (s: number) => data[s * STRIDE + offset]!;
  let n = 0;
  for (const p of postings) n += p?.length ?? 0;
  const slots = new Int32Array(n);
  let i = 0;
  for (const p of postings) for (const s of p ?? []) slots[i++] = s;
  slots.sort((a, b) => code(a) - code(b) || a - b);
  const codes = new Float64Array(n);
  for (let j = 0; j < n; j++) codes[j] = code(slots[j]!);
  return { slots, codes };
}
