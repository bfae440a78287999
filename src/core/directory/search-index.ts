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
import { ALIVE, DISPLAY_START, FAMILY_START, FLAGS, ORG, STRIDE, SlotTable, kindOf, visibilityOf } from './slot-table.js';
import { lowerBound } from '../util/lower-bound.js';
import { MIN_ORDERED_POSTINGS, StartOrderedPostings } from './start-ordered-postings.js';
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
  /** The display name and the family name alone, for nameStarts (default: names). */
  display?: string;
  family?: string;
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
  /**
   * Only entries whose display name / family name (the display name when there is none) starts
   * with these letters and digits (folded, compared on the first 6): a cheap pre-check for doors
   * whose filters test the start of a name (LDAP's (cn=ja*)).
   */
  nameStarts?: NameStarts;
  /**
   * false: the caller only needs to know whether more entries follow the page, so a search may
   * stop once the page is full; total may then be a lower bound, above offset + the page's
   * length exactly when more entries follow.
   */
  exactTotal?: boolean;
  /** false: no typo-tolerant matches, only words that start with the query words. Default true. */
  typos?: boolean;
  /**
   * Words of `text` (as queryTokens gives them) that must equal an index word, not just start one:
   * LDAP's equality filters ((givenName=sam) wants Sam, not Samuel or Samantha), whose words are
   * then found through their own postings alone.
   */
  wholeWords?: readonly string[];
  /**
   * false: results in the index's own stable order, not ranked: a page is then found without
   * looking at every match, and `next` (pass it back as `from`) continues where it stopped.
   */
  ranked?: boolean;
  /** With ranked: false, where to continue (a previous result's `next`); offset then counts from there. */
  from?: number;
  offset: number;
  limit: number;
}

export interface IndexResult {
  total: number;
  ids: number[];
  /** With ranked: false, where the next page starts (see IndexQuery.from); undefined when nothing follows. */
  next?: number;
}

export interface NameStarts {
  display?: string;
  family?: string;
}

/** Characters of a name's start kept per entry for nameStarts, as base-38 digits. */
const START_CHARS = 6;

/** The first START_CHARS characters of a folded text as a number (a-z 1-26, 0-9 27-36, other 37, end 0). */
export function startCode(text: string, folded = false): number {
  const f = (folded ? text : fold(text)).trimStart();
  let code = 0;
  for (let i = 0; i < START_CHARS; i++) {
    const c = f.charCodeAt(i);
    code = code * 38 + (Number.isNaN(c) ? 0 : c >= 97 && c <= 122 ? c - 96 : c >= 48 && c <= 57 ? c - 48 + 27 : 37);
  }
  return code;
}

/** The range of start codes of texts starting with `start` (its leading letters and digits), or null: no constraint. */
function startRange(start: string | undefined): [number, number] | null {
  const lead = /^[a-z0-9]+/.exec(fold(start ?? '').trimStart())?.[0].slice(0, START_CHARS);
  if (!lead) return null;
  const lo = startCode(lead, true);
  return [lo, lo + 38 ** (START_CHARS - lead.length)];
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
/** Query words of up to this many characters are served from ranked lists (see shortLists). */
const SHORT_PREFIX = 3;
/** Name ranks are below this (sort keys are weight * RANK_SPAN + rank, exact in a double). */
const RANK_SPAN = 2 ** 26;

export interface IndexOptions {
  /** Longest query word served from a ranked prefix list (0: none, every query ranks its matches). */
  shortPrefix?: number;
}

export class DirectorySearchIndex {
  private ids: number[] = [];
  /** Alive, visibility, kind, organisation and name starts of each slot, together (see slot-table.ts). */
  private readonly slots = new SlotTable();
  /** Postings of whole words in name-start order, for searches within a name start (see the file). */
  private readonly startOrdered = new StartOrderedPostings();
  private roles: (string | null)[] = [];
  private specialties: (string | null)[] = [];
  private sites: (string | null)[] = [];
  private nameKeys: number[] = [];
  private names: string[] = [];
  private readonly slotOf = new Map<number, number>();
  private readonly namePostings = new Map<string, number[]>();
  private readonly otherPostings = new Map<string, number[]>();
  private readonly known = new Set<string>();
  /** Every index word in code-unit order, for prefix expansion by binary search (null: to be sorted). */
  private sortedWords: string[] | null = null;
  /** One-deletion variants of words of 4+ characters -> the words. */
  private readonly deletionMap = new Map<string, string[]>();
  private hitBuf = new Int32Array(1024);
  private keepBuf = new Int32Array(1024);
  private keyBuf = new Float64Array(1024);
  /** Per organisation id, query-time flags (see search); sized to the largest organisation id. */
  private orgFlags = new Uint8Array(1024);
  /** Folded filter values are shared between entries, not copied into each. */
  private readonly interned = new Map<string, string>();
  private stamp = new Int32Array(1024);
  private score = new Uint16Array(1024);
  /** The weight a slot got for the query word being processed (a better index word may raise it). */
  private wordWeight = new Uint8Array(1024);
  private generation = 0;
  private liveCount = 0;
  /**
   * Short prefixes ("sm", "j") match a large share of the directory: their ranked slot lists (best
   * weight first, then name order) are kept, so a page is one pass over the list with no ranking.
   * A put drops the lists of its words' prefixes; a list is rebuilt when next asked for.
   */
  private readonly shortLists = new Map<string, Int32Array>();
  /**
   * Per short list, how many of its slots any signed-in viewer may see (alive, national) and which
   * are organisation-only, as of `removals` (each removal may change them): with these, a search
   * with no filter and no own organisation counts its total without walking the whole list.
   */
  private readonly shortCounts = new WeakMap<Int32Array, { removals: number; national: number; orgOnly: Int32Array }>();
  private removals = 0;
  /** Slots of each organisation (dead ones included), for short prefixes within a small scope. */
  private readonly orgMembers = new Map<number, number[]>();
  /**
   * Per slot, its words' first three characters and length class as codes (see wordCode) in
   * sigCodes[sigStart[s] .. sigStart[s + 1]): enough to tell whether and how a slot matches a 1-3
   * character query word.
   */
  private sigCodes = new Uint32Array(1 << 16);
  private sigLength = 0;
  private sigStart = new Int32Array(1024);
  private rankOf = new Int32Array(0);
  private byRank = new Int32Array(0);
  private ownBuf = new Int32Array(256);
  private otherBuf = new Int32Array(256);
  private selectBuf = new Float64Array(1024);

  private readonly shortPrefix: number;

  constructor(opts: IndexOptions = {}) {
    this.shortPrefix = opts.shortPrefix ?? SHORT_PREFIX;
  }

  get size(): number {
    return this.liveCount;
  }

  /** Adds or replaces an entry (a replaced entry's old slot is retired). */
  put(e: IndexedEntry): void {
    this.remove(e.id);
    const slot = this.ids.length;
    this.ids.push(e.id);
    if (e.orgId !== null && e.orgId >= this.orgFlags.length) {
      let n = this.orgFlags.length;
      while (n <= e.orgId) n *= 2;
      this.orgFlags = new Uint8Array(n);
    }
    this.roles.push(this.intern(e.role));
    this.specialties.push(this.intern(e.specialty));
    this.sites.push(this.intern(e.site));
    this.nameKeys.push(sortKey(e.names));
    this.names.push(fold(e.names));
    const display = e.display ?? e.names;
    this.slots.push(VIS[e.visibility], kindCode(e.kind), e.orgId ?? -1, startCode(display), startCode(e.family ? e.family : display));
    this.slotOf.set(e.id, slot);
    this.liveCount++;
    const nameWords = tokens(e.names);
    for (const w of nameWords) this.post(this.namePostings, w, slot);
    const otherWords = tokens(e.other);
    for (const w of otherWords) if (!nameWords.includes(w)) this.post(this.otherPostings, w, slot);
    if (this.shortLists.size) {
      for (const w of [...nameWords, ...otherWords]) for (let l = 1; l <= this.shortPrefix; l++) this.shortLists.delete(w.slice(0, l));
    }
    if (e.orgId !== null) {
      const members = this.orgMembers.get(e.orgId);
      if (members) members.push(slot);
      else this.orgMembers.set(e.orgId, [slot]);
    }
    if (this.sigStart.length < slot + 2) {
      const bigger = new Int32Array(this.sigStart.length * 2);
      bigger.set(this.sigStart);
      this.sigStart = bigger;
    }
    this.sigStart[slot] = this.sigLength;
    for (const w of nameWords) this.pushSig(wordCode(w, true));
    for (const w of otherWords) if (!nameWords.includes(w)) this.pushSig(wordCode(w, false));
    this.sigStart[slot + 1] = this.sigLength;
  }

  private pushSig(code: number): void {
    if (this.sigLength === this.sigCodes.length) {
      const bigger = new Uint32Array(this.sigCodes.length * 2);
      bigger.set(this.sigCodes);
      this.sigCodes = bigger;
    }
    this.sigCodes[this.sigLength++] = code;
  }

  /**
   * A 1-3 character query word within a scope much smaller than its ranked list: the scope's
   * slots are checked one by one (their word codes) and ranked. Null when the list is the cheaper
   * way. (A common 3-character prefix such as "par" lists ~100,000 of 1.2 million people; walking
   * that for one trust of ~3,500 had taken 10-15 ms.)
   */
  private searchScopedShort(word: string, listLength: number, q: IndexQuery): { total: number; ids: number[] } | null {
    if (!q.orgs || word.length > SIG_CHARS) return null;
    let members = 0;
    for (const o of q.orgs) members += this.orgMembers.get(o)?.length ?? 0;
    if (members * 4 > listLength) return null;
    // A word code's first `word.length` characters, as the code holds them: its triple divided by this.
    const div = 37 ** (SIG_CHARS - word.length);
    const want = Math.floor(tripleOf(word) / div);
    const exactClass = word.length - 1;
    const hits: number[] = [];
    const weights = new Map<number, number>();
    const admit = this.admitter(q);
    try {
      for (const o of q.orgs) {
        for (const s of this.orgMembers.get(o) ?? []) {
          const f = admit(s);
          if (f < 0) continue;
          let best = 0;
          for (let j = this.sigStart[s]!, end = this.sigStart[s + 1]!; j < end; j++) {
            const x = this.sigCodes[j]!;
            if (Math.floor((x >>> 3) / div) !== want) continue;
            const exact = ((x >>> 1) & 3) === exactClass;
            const w = x & 1 ? (exact ? W_NAME_EXACT : W_NAME_PREFIX) : W_OTHER;
            if (w > best) best = w;
          }
          if (!best) continue;
          hits.push(s);
          weights.set(s, (f & 1 ? OWN_ORG_BONUS : 0) + best);
        }
      }
    } finally {
      this.unmarkOrgs(q);
    }
    hits.sort((a, b) => weights.get(b)! - weights.get(a)! || this.byName(a, b));
    return { total: hits.length, ids: hits.slice(q.offset, q.offset + q.limit).map((s) => this.ids[s]!) };
  }

  /** Builds the ranked lists of every short prefix of the index's words (at load). */
  warmShortPrefixes(): void {
    this.rerank();
    const prefixes = new Set<string>();
    for (const w of this.known) for (let l = 1; l <= this.shortPrefix && l <= w.length; l++) prefixes.add(w.slice(0, l));
    for (const p of prefixes) this.shortList(p);
  }

  /** Name order of two slots: the numeric name key, then the folded names. */
  private readonly byName = (a: number, b: number): number => {
    const names = this.names;
    return this.nameKeys[a]! - this.nameKeys[b]! || (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : a - b);
  };

  /** Every slot's place in name order (rankOf), and the slots in that order (byRank). */
  private rerank(): void {
    const n = this.ids.length;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort(this.byName);
    const rankOf = new Int32Array(n);
    for (let r = 0; r < n; r++) rankOf[order[r]!] = r;
    this.byRank = order;
    this.rankOf = rankOf;
  }

  /**
   * The ranked slot list of a short query word (see shortLists): best weight first, then name
   * order. Slots are sorted as numbers (weight and name rank in one key); slots added since the
   * last rerank are sorted apart and merged in.
   */
  private shortList(word: string): Int32Array {
    const list = this.shortLists.get(word);
    if (list) return list;
    const n = this.intersect([word]);
    if (this.ids.length - this.rankOf.length > Math.max(4096, this.rankOf.length >> 3) || this.ids.length >= RANK_SPAN) this.rerank();
    const score = this.score;
    const ranked = this.rankOf.length;
    const keys = new Float64Array(n);
    const late: number[] = [];
    let m = 0;
    for (let c = 0; c < n; c++) {
      const s = this.hitBuf[c]!;
      if (s < ranked && ranked < RANK_SPAN) keys[m++] = (16 - score[s]!) * RANK_SPAN + this.rankOf[s]!;
      else late.push(s);
    }
    const sorted = keys.subarray(0, m).sort();
    const slots = new Int32Array(n);
    const cmp = (a: number, b: number) => score[b]! - score[a]! || this.byName(a, b);
    if (!late.length) {
      for (let i = 0; i < m; i++) slots[i] = this.byRank[sorted[i]! % RANK_SPAN]!;
    } else {
      late.sort(cmp);
      let i = 0;
      let j = 0;
      let o = 0;
      while (i < m || j < late.length) {
        const a = i < m ? this.byRank[sorted[i]! % RANK_SPAN]! : -1;
        if (a >= 0 && (j >= late.length || cmp(a, late[j]!) <= 0)) {
          slots[o++] = a;
          i++;
        } else slots[o++] = late[j++]!;
      }
    }
    this.shortLists.set(word, slots);
    return slots;
  }

  private intern(value: string | null): string | null {
    if (!value) return null;
    let v = this.interned.get(value);
    if (v === undefined) this.interned.set(value, (v = fold(value)));
    return v;
  }

  remove(id: number): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    this.removals++;
    this.slots.kill(slot);
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
    this.startOrdered.forget(word);
  }

  private learnWord(word: string): void {
    this.known.add(word);
    this.sortedWords = null;
    if (word.length >= 4) {
      for (const d of deletions(word)) {
        const l = this.deletionMap.get(d) ?? [];
        l.push(word);
        this.deletionMap.set(d, l);
      }
    }
  }

  /** The index words a query word matches, with the weight class of each. */
  private expand(q: string, typos = true, whole = false): { word: string; typo: boolean; exact: boolean }[] {
    if (whole) return this.known.has(q) ? [{ word: q, typo: false, exact: true }] : [];
    const out = new Map<string, { word: string; typo: boolean; exact: boolean }>();
    const sorted = (this.sortedWords ??= [...this.known].sort());
    for (let i = lowerBound(sorted, q); i < sorted.length && sorted[i]!.startsWith(q); i++) out.set(sorted[i]!, { word: sorted[i]!, typo: false, exact: sorted[i] === q });
    if (typos && q.length >= 4) {
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
  search(q: IndexQuery): IndexResult {
    const words = queryTokens(q.text);
    const whole = q.wholeWords?.length ? new Set(q.wholeWords) : null;
    if (words.length === 1 && words[0]!.length <= this.shortPrefix && !whole?.has(words[0]!)) {
      const list = this.shortList(words[0]!);
      if (q.ranked === false) {
        // Within a small scope, its members are fewer than the list: continue by result count.
        const from = Math.max(0, q.from ?? 0);
        const scoped = this.searchScopedShort(words[0]!, list.length, { ...q, offset: from + q.offset });
        if (!scoped) return this.searchUnranked(list, list.length, q);
        const end = from + q.offset + scoped.ids.length;
        return end < scoped.total ? { ...scoped, next: end } : scoped;
      }
      return this.searchScopedShort(words[0]!, list.length, q) ?? this.searchShort(list, q);
    }
    if (q.ranked === false && !words.length) return this.searchUnranked(null, this.ids.length, q);
    if (q.ranked === false && words.length === 1 && whole?.has(words[0]!)) {
      const within = this.wholeWordWithinStart(words[0]!, q.nameStarts);
      if (within) return this.searchUnranked(within, within.length, q);
    }
    let n: number;
    if (!words.length) {
      // No words: every entry is a candidate (a browse of an organisation, or filters only).
      this.ensureScratch();
      if (this.hitBuf.length < this.ids.length) this.hitBuf = new Int32Array(Math.max(1024, this.ids.length));
      n = 0;
      for (let s = 0; s < this.ids.length; s++) {
        if (!this.slots.alive(s)) continue;
        this.score[s] = 0;
        this.hitBuf[n++] = s;
      }
    } else {
      n = this.intersect(words, q.typos !== false, whole);
    }
    if (q.ranked === false) return this.searchUnranked(this.hitBuf, n, q);
    const candidates = this.hitBuf;
    if (this.keepBuf.length < n) {
      let size = this.keepBuf.length;
      while (size < n) size *= 2;
      this.keepBuf = new Int32Array(size);
      this.keyBuf = new Float64Array(size);
    }
    const keep = this.keepBuf;
    const keys = this.keyBuf;
    let m = 0;
    const admit = this.admitter(q);
    try {
      for (let c = 0; c < n; c++) {
        const s = candidates[c]!;
        const f = admit(s);
        if (f < 0) continue;
        const rank = (f & 1 ? OWN_ORG_BONUS : 0) + this.score[s]!;
        keep[m] = s;
        // Smaller key = better: rank descending, then name ascending (name keys are < 2^37).
        keys[m++] = (OWN_ORG_BONUS * 2 - rank) * 2 ** 37 + this.nameKeys[s]!;
      }
    } finally {
      this.unmarkOrgs(q);
    }
    const page = this.topK(m, q.offset + q.limit);
    return { total: m, ids: page.slice(q.offset).map((s) => this.ids[s]!) };
  }

  /**
   * The query's filters as one test per slot: -1 when the slot is out, otherwise its organisation
   * flags (bit 1: the viewer's own). Marks the query's organisations in orgFlags: unmarkOrgs after.
   */
  private admitter(q: IndexQuery): (s: number) => number {
    const kind = q.kind ? KIND_CODES.get(q.kind) ?? -1 : 0;
    const role = q.role ? fold(q.role) : null;
    const specialty = q.specialty ? fold(q.specialty) : null;
    const site = q.site ? fold(q.site) : null;
    // Organisation tests become array look-ups: bit 1 = the viewer's own, bit 2 = in scope.
    const flags = this.orgFlags;
    this.markOrgs(q, true);
    const scoped = !!q.orgs;
    const { roles, specialties, sites } = this;
    const data = this.slots.data;
    const display = startRange(q.nameStarts?.display);
    const family = startRange(q.nameStarts?.family);
    return (s) => {
      const b = s * STRIDE;
      const bits = data[b + FLAGS]!;
      if (!(bits & ALIVE)) return -1;
      const v = visibilityOf(bits);
      if (v === 2) return -1;
      const org = data[b + ORG]! - 1;
      const f = org >= 0 && org < flags.length ? flags[org]! : 0;
      if (scoped && !(f & 2)) return -1;
      if (v === 1 && !q.mayViewOrg(org < 0 ? null : org)) return -1;
      if (kind && kindOf(bits) !== kind) return -1;
      if (role && roles[s] !== role) return -1;
      if (specialty && specialties[s] !== specialty) return -1;
      if (site && sites[s] !== site) return -1;
      if (display && (data[b + DISPLAY_START]! < display[0] || data[b + DISPLAY_START]! >= display[1])) return -1;
      if (family && (data[b + FAMILY_START]! < family[0] || data[b + FAMILY_START]! >= family[1])) return -1;
      return f;
    };
  }

  private markOrgs(q: IndexQuery, on: boolean): void {
    const flags = this.orgFlags;
    const mark = (set: ReadonlySet<number> | undefined, bit: number) => {
      if (set) for (const o of set) if (o >= 0 && o < flags.length) flags[o] = on ? flags[o]! | bit : flags[o]! & ~bit;
    };
    mark(q.ownOrgs, 1);
    mark(q.orgs, 2);
  }

  private unmarkOrgs(q: IndexQuery): void {
    this.markOrgs(q, false);
  }

  /**
   * A page of candidates in their stable order (see IndexQuery.ranked): the first `n` slots of
   * `slots` (null: every slot, in slot order) from position q.from, skipping q.offset admitted
   * ones; stops as soon as the page is full and one more admitted slot shows that more follow.
   */
  private searchUnranked(slots: Int32Array | null, n: number, q: IndexQuery): IndexResult {
    const ids: number[] = [];
    const k = q.offset + q.limit;
    let found = 0;
    const admit = this.admitter(q);
    try {
      for (let i = Math.max(0, q.from ?? 0); i < n; i++) {
        const s = slots ? slots[i]! : i;
        if (admit(s) < 0) continue;
        if (found === k) return { total: found + 1, ids, next: i };
        if (found++ >= q.offset) ids.push(this.ids[s]!);
      }
    } finally {
      this.unmarkOrgs(q);
    }
    return { total: found, ids };
  }

  /**
   * The postings of one whole word whose display or family name starts as `starts` asks, in start
   * order (the family name when both are asked: the other is tested with every candidate). Null
   * when there is no start to use or the word's postings are few enough to walk.
   */
  private wholeWordWithinStart(word: string, starts: NameStarts | undefined): Int32Array | null {
    const field = starts?.family ? 'family' : starts?.display ? 'display' : null;
    const range = field && startRange(starts![field]);
    if (!field || !range) return null;
    const postings = [this.namePostings.get(word), this.otherPostings.get(word)];
    if ((postings[0]?.length ?? 0) + (postings[1]?.length ?? 0) < MIN_ORDERED_POSTINGS) return null;
    return this.startOrdered.within(word, field, range, postings, this.slots);
  }

  /** The first page of a short prefix's list, when no exact total is needed (see exactTotal). */
  private searchShortFirst(slots: Int32Array, q: IndexQuery, k: number): { total: number; ids: number[] } {
    const ids: number[] = [];
    let n = 0;
    const admit = this.admitter(q);
    try {
      for (let i = 0; i < slots.length; i++) {
        const s = slots[i]!;
        if (admit(s) < 0) continue;
        if (n === k) return { total: n + 1, ids };
        if (n++ >= q.offset) ids.push(this.ids[s]!);
      }
    } finally {
      this.unmarkOrgs(q);
    }
    return { total: n, ids };
  }

  /**
   * A short prefix with no filter and no own organisation: the page is the first visible slots of
   * the list, and the total is the list's national count plus its visible organisation-only ones.
   */
  private searchShortUnfiltered(slots: Int32Array, q: IndexQuery, k: number): { total: number; ids: number[] } {
    let c = this.shortCounts.get(slots);
    if (!c || c.removals !== this.removals) {
      let national = 0;
      const orgOnly: number[] = [];
      for (let i = 0; i < slots.length; i++) {
        const s = slots[i]!;
        if (!this.slots.alive(s)) continue;
        const v = this.slots.visibility(s);
        if (v === 0) national++;
        else if (v === 1) orgOnly.push(s);
      }
      c = { removals: this.removals, national, orgOnly: Int32Array.from(orgOnly) };
      this.shortCounts.set(slots, c);
    }
    const visible = (s: number) => {
      const v = this.slots.visibility(s);
      if (!this.slots.alive(s) || v === 2) return false;
      if (v === 1) {
        const org = this.slots.orgId(s);
        return q.mayViewOrg(org < 0 ? null : org);
      }
      return true;
    };
    let total = c.national;
    for (let i = 0; i < c.orgOnly.length; i++) if (visible(c.orgOnly[i]!)) total++;
    const ids: number[] = [];
    for (let i = 0, n = 0; i < slots.length && n < k; i++) {
      const s = slots[i]!;
      if (!visible(s)) continue;
      if (n++ >= q.offset) ids.push(this.ids[s]!);
    }
    return { total, ids };
  }

  /**
   * One pass over a short prefix's ranked list: the list is already in rank order but for the
   * viewer's own organisation, which comes first, so the first offset+limit of the viewer's own
   * and of the others are kept, and the rest only counted. No allocation but the page.
   */
  private searchShort(slots: Int32Array, q: IndexQuery): { total: number; ids: number[] } {
    const k = q.offset + q.limit;
    if (q.ownOrgs.size === 0) {
      const unfiltered = !q.orgs && !q.kind && !q.role && !q.specialty && !q.site && !q.nameStarts;
      if (unfiltered && q.exactTotal !== false) return this.searchShortUnfiltered(slots, q, k);
      if (q.exactTotal === false) return this.searchShortFirst(slots, q, k);
    }
    if (this.ownBuf.length < k) {
      this.ownBuf = new Int32Array(k);
      this.otherBuf = new Int32Array(k);
    }
    const own = this.ownBuf;
    const other = this.otherBuf;
    let total = 0;
    let nOwn = 0;
    let nOther = 0;
    const admit = this.admitter(q);
    try {
      for (let i = 0; i < slots.length; i++) {
        const s = slots[i]!;
        const f = admit(s);
        if (f < 0) continue;
        total++;
        if (f & 1) {
          if (nOwn < k) own[nOwn++] = s;
        } else if (nOther < k) other[nOther++] = s;
      }
    } finally {
      this.unmarkOrgs(q);
    }
    const ids: number[] = [];
    for (let i = q.offset; i < k && i < nOwn + nOther; i++) ids.push(this.ids[i < nOwn ? own[i]! : other[i - nOwn]!]!);
    return { total, ids };
  }

  /**
   * Slots matching every query word, written to this.hitBuf (the count is returned); their match
   * quality is left in this.score. Only the last word's pass collects slots: earlier words just
   * stamp them, so a query allocates nothing in proportion to its matches.
   */
  private intersect(words: string[], typos = true, whole: ReadonlySet<string> | null = null): number {
    this.ensureScratch();
    if (this.generation > 2 ** 30) {
      this.stamp.fill(0);
      this.generation = 0;
    }
    const base = this.generation + 1;
    this.generation += words.length + 1;
    let count = 0;
    for (let i = 0; i < words.length; i++) {
      const want = i === 0 ? 0 : base + i - 1;
      const mark = base + i;
      const collect = i === words.length - 1;
      let matched = 0;
      for (const m of this.expand(words[i]!, typos, whole?.has(words[i]!))) {
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
            matched++;
            if (collect) {
              if (count === this.hitBuf.length) {
                const bigger = new Int32Array(this.hitBuf.length * 2);
                bigger.set(this.hitBuf);
                this.hitBuf = bigger;
              }
              this.hitBuf[count++] = s;
            }
          }
        }
      }
      if (!matched) return 0;
    }
    return count;
  }

  /** The k best of the first m kept slots, in order (ties broken by folded name, then slot). */
  private topK(m: number, k: number): number[] {
    const keys = this.keyBuf;
    const keep = this.keepBuf;
    let order: number[] = [];
    if (m > k * 4 && m > 256) {
      // Select the k-th smallest key in linear time, then sort only what is at or under it.
      if (this.selectBuf.length < m) this.selectBuf = new Float64Array(Math.max(m, this.selectBuf.length * 2));
      const scratch = this.selectBuf;
      scratch.set(keys.subarray(0, m));
      const threshold = kthSmallest(scratch, m, Math.min(k, m) - 1);
      for (let i = 0; i < m; i++) if (keys[i]! <= threshold) order.push(i);
    } else {
      order = Array.from({ length: m }, (_, i) => i);
    }
    const names = this.names;
    // Equal names: the older slot first (as the ranked short-prefix lists order them).
    order.sort((a, b) => keys[a]! - keys[b]! || (names[keep[a]!]! < names[keep[b]!]! ? -1 : names[keep[a]!]! > names[keep[b]!]! ? 1 : keep[a]! - keep[b]!));
    return order.slice(0, k).map((i) => keep[i]!);
  }
}

/** A word character as 1-36 (a-z, then 0-9); 0 for anything else. */
function charCode(c: number): number {
  return c >= 97 && c <= 122 ? c - 96 : c >= 48 && c <= 57 ? c - 48 + 27 : 0;
}

/** Characters of a word its code holds (the scoped short-prefix search answers words up to this long). */
const SIG_CHARS = 3;

/** A word's first three characters as one number (a missing character counts 0). */
function tripleOf(w: string): number {
  let t = 0;
  for (let i = 0; i < SIG_CHARS; i++) t = t * 37 + (i < w.length ? charCode(w.charCodeAt(i)) : 0);
  return t;
}

/**
 * A word's code: its first three characters (tripleOf), its length class (1, 2, 3 or more
 * characters, as 0-3: a query word of that length matches it exactly), and whether it is a name word.
 */
function wordCode(w: string, name: boolean): number {
  return (tripleOf(w) << 3) | ((Math.min(w.length, 4) - 1) << 1) | (name ? 1 : 0);
}

/** Quickselect: the value that would be at index k if a[0..length) were sorted (a is reordered). */
function kthSmallest(a: Float64Array, length: number, k: number): number {
  let lo = 0;
  let hi = length - 1;
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
