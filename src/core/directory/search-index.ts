/**
 * The in-memory search index behind every directory door. It holds, per entry, only what search
 * needs (tokens, organisation, visibility, filters, a numeric name key); results are then read
 * from the store by id. Loaded from the store at start, kept current by the directory service.
 *
 * Matching: each query word matches index words that start with it ("smi" -> smith, smithson), and
 * words of 4+ letters also match index words one edit away ("smiht" -> smith), through a deletion
 * neighbourhood map (SymSpell). Every query word must match (AND). Ranking: the viewer's own
 * organisation first, then how well the words matched (name over job title, whole word over prefix
 * over typo), then by name. One pass over the postings of the matched words, no per-query
 * allocation proportional to the index size.
 */
import { deletions, fold, queryTokens, sortKey, tokens } from './normalise.js';
import type { EntryKind, Visibility } from './types.js';

export interface IndexedEntry {
  id: number;
  kind: EntryKind;
  orgId: number | null;
  visibility: Visibility;
  /** Words people search by name: display, given and family names. */
  names: string;
  /** Other searchable words: job title, role, specialty, department, site, email local part. */
  other: string;
  role: string | null;
  specialty: string | null;
  site: string | null;
}

export interface IndexQuery {
  text: string;
  /** Organisation ids in scope (undefined: national). */
  orgs?: ReadonlySet<number>;
  /** Visibility check for organisation-only entries: may the viewer see this organisation's? */
  mayViewOrg: (orgId: number | null) => boolean;
  /** Entries of these organisations rank first (the viewer's own). */
  ownOrgs: ReadonlySet<number>;
  kind?: EntryKind;
  role?: string;
  specialty?: string;
  site?: string;
  offset: number;
  limit: number;
}

const VIS: Record<Visibility, number> = { national: 0, organisation: 1, hidden: 2 };
const KIND_CODES = new Map<string, number>();
const kindCode = (k: string) => {
  let c = KIND_CODES.get(k);
  if (c === undefined) KIND_CODES.set(k, (c = KIND_CODES.size + 1));
  return c;
};

/** Match weights: how a slot matched one query word. */
const W_NAME_EXACT = 8;
const W_NAME_PREFIX = 6;
const W_OTHER = 3;
const W_TYPO = 1;
const OWN_ORG_BONUS = 1 << 12;

export class DirectorySearchIndex {
  private ids: number[] = [];
  private alive: number[] = [];
  private orgIds: number[] = [];
  private vis: number[] = [];
  private kinds: number[] = [];
  private roles: (string | null)[] = [];
  private specialties: (string | null)[] = [];
  private sites: (string | null)[] = [];
  private nameKeys: number[] = [];
  private names: string[] = [];
  private readonly slotOf = new Map<number, number>();
  private readonly namePostings = new Map<string, number[]>();
  private readonly otherPostings = new Map<string, number[]>();
  private readonly known = new Set<string>();
  /** Index words by first character, for prefix expansion. */
  private readonly byFirst = new Map<string, string[]>();
  /** One-deletion variants of words of 4+ characters -> the words. */
  private readonly deletionMap = new Map<string, string[]>();
  private stamp = new Int32Array(1024);
  private score = new Uint16Array(1024);
  /** The weight a slot got for the query word being processed (a better index word may raise it). */
  private wordWeight = new Uint8Array(1024);
  private generation = 0;
  private liveCount = 0;

  get size(): number {
    return this.liveCount;
  }

  /** Adds or replaces an entry (a replaced entry's old slot is retired). */
  put(e: IndexedEntry): void {
    this.remove(e.id);
    const slot = this.ids.length;
    this.ids.push(e.id);
    this.alive.push(1);
    this.orgIds.push(e.orgId ?? -1);
    this.vis.push(VIS[e.visibility]);
    this.kinds.push(kindCode(e.kind));
    this.roles.push(e.role ? fold(e.role) : null);
    this.specialties.push(e.specialty ? fold(e.specialty) : null);
    this.sites.push(e.site ? fold(e.site) : null);
    this.nameKeys.push(sortKey(e.names));
    this.names.push(fold(e.names));
    this.slotOf.set(e.id, slot);
    this.liveCount++;
    const nameWords = tokens(e.names);
    for (const w of nameWords) this.post(this.namePostings, w, slot);
    for (const w of tokens(e.other)) if (!nameWords.includes(w)) this.post(this.otherPostings, w, slot);
  }

  remove(id: number): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    this.alive[slot] = 0;
    this.slotOf.delete(id);
    this.liveCount--;
  }

  has(id: number): boolean {
    return this.slotOf.has(id);
  }

  private post(map: Map<string, number[]>, word: string, slot: number): void {
    let list = map.get(word);
    if (!list) {
      list = [];
      map.set(word, list);
      if (!this.known.has(word)) this.learnWord(word);
    }
    list.push(slot);
  }

  private learnWord(word: string): void {
    this.known.add(word);
    const first = word[0]!;
    const bucket = this.byFirst.get(first) ?? [];
    bucket.push(word);
    this.byFirst.set(first, bucket);
    if (word.length >= 4) {
      for (const d of deletions(word)) {
        const l = this.deletionMap.get(d) ?? [];
        l.push(word);
        this.deletionMap.set(d, l);
      }
    }
  }

  /** The index words a query word matches, with the weight class of each. */
  private expand(q: string): { word: string; typo: boolean; exact: boolean }[] {
    const out = new Map<string, { word: string; typo: boolean; exact: boolean }>();
    for (const w of this.byFirst.get(q[0]!) ?? []) {
      if (w.startsWith(q)) out.set(w, { word: w, typo: false, exact: w === q });
    }
    if (q.length >= 4) {
      const variants = [q, ...deletions(q)];
      for (const v of variants) {
        // v is the query with one deletion (or none): index words equal to it, or whose deletions equal it.
        const candidates = [...(this.deletionMap.get(v) ?? [])];
        if (this.known.has(v)) candidates.push(v);
        for (const w of candidates) if (!out.has(w)) out.set(w, { word: w, typo: true, exact: false });
      }
    }
    return [...out.values()];
  }

  private ensureScratch(): void {
    if (this.stamp.length < this.ids.length) {
      let n = this.stamp.length;
      while (n < this.ids.length) n *= 2;
      this.stamp = new Int32Array(n);
      this.score = new Uint16Array(n);
      this.wordWeight = new Uint8Array(n);
      this.generation = 0;
    }
  }

  /** Entry ids of one page of results, best first, and how many matched in all. */
  search(q: IndexQuery): { total: number; ids: number[] } {
    const words = queryTokens(q.text);
    let candidates: number[];
    if (!words.length) {
      candidates = [];
      for (let s = 0; s < this.ids.length; s++) if (this.alive[s]) candidates.push(s);
      this.ensureScratch();
      for (const s of candidates) this.score[s] = 0;
    } else {
      candidates = this.intersect(words);
    }
    const kind = q.kind ? KIND_CODES.get(q.kind) ?? -1 : 0;
    const role = q.role ? fold(q.role) : null;
    const specialty = q.specialty ? fold(q.specialty) : null;
    const site = q.site ? fold(q.site) : null;
    const keep: number[] = [];
    const keys: number[] = [];
    for (const s of candidates) {
      if (!this.alive[s]) continue;
      const v = this.vis[s]!;
      if (v === 2) continue;
      const org = this.orgIds[s]!;
      if (v === 1 && !q.mayViewOrg(org < 0 ? null : org)) continue;
      if (q.orgs && !q.orgs.has(org)) continue;
      if (kind && this.kinds[s] !== kind) continue;
      if (role && this.roles[s] !== role) continue;
      if (specialty && this.specialties[s] !== specialty) continue;
      if (site && this.sites[s] !== site) continue;
      const rank = (q.ownOrgs.has(org) ? OWN_ORG_BONUS : 0) + this.score[s]!;
      keep.push(s);
      // Smaller key = better: rank descending, then name ascending (name keys are < 2^37).
      keys.push((OWN_ORG_BONUS * 2 - rank) * 2 ** 37 + this.nameKeys[s]!);
    }
    const page = this.topK(keep, keys, q.offset + q.limit);
    return { total: keep.length, ids: page.slice(q.offset).map((s) => this.ids[s]!) };
  }

  /** Slots matching every query word; their match quality is left in this.score. */
  private intersect(words: string[]): number[] {
    this.ensureScratch();
    if (this.generation > 2 ** 30) {
      this.stamp.fill(0);
      this.generation = 0;
    }
    const base = this.generation + 1;
    this.generation += words.length + 1;
    let last: number[] = [];
    for (let i = 0; i < words.length; i++) {
      const want = i === 0 ? 0 : base + i - 1;
      const mark = base + i;
      const hits: number[] = [];
      for (const m of this.expand(words[i]!)) {
        const name = this.namePostings.get(m.word);
        const other = this.otherPostings.get(m.word);
        const nameWeight = m.typo ? W_TYPO : m.exact ? W_NAME_EXACT : W_NAME_PREFIX;
        for (const [list, weight] of [
          [name, nameWeight],
          [other, m.typo ? W_TYPO : W_OTHER],
        ] as const) {
          if (!list) continue;
          for (const s of list) {
            const st = this.stamp[s]!;
            if (st === mark) {
              // Matched this word already through another index word: keep the better weight.
              if (weight > this.wordWeight[s]!) {
                this.score[s] = this.score[s]! + weight - this.wordWeight[s]!;
                this.wordWeight[s] = weight;
              }
              continue;
            }
            if (i === 0 ? st >= base && st < base + words.length : st !== want) continue;
            if (i === 0) this.score[s] = 0;
            this.stamp[s] = mark;
            this.score[s] = this.score[s]! + weight;
            this.wordWeight[s] = weight;
            hits.push(s);
          }
        }
      }
      last = hits;
      if (!hits.length) return [];
    }
    return last;
  }

  /** The k best slots by key, in order (ties broken by folded name). */
  private topK(slots: number[], keys: number[], k: number): number[] {
    const order = slots.map((_, i) => i);
    if (slots.length > k * 4 && slots.length > 2000) {
      const threshold = kthSmallest(Float64Array.from(keys), Math.min(k, keys.length) - 1);
      const within = order.filter((i) => keys[i]! <= threshold);
      return this.sortSlots(within, slots, keys).slice(0, k);
    }
    return this.sortSlots(order, slots, keys).slice(0, k);
  }

  private sortSlots(order: number[], slots: number[], keys: number[]): number[] {
    order.sort((a, b) => keys[a]! - keys[b]! || (this.names[slots[a]!]! < this.names[slots[b]!]! ? -1 : this.names[slots[a]!]! > this.names[slots[b]!]! ? 1 : 0));
    return order.map((i) => slots[i]!);
  }
}

/** Quickselect: the value that would be at index k if `a` were sorted (a is reordered). */
function kthSmallest(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}
