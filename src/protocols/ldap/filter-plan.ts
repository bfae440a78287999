/**
 * Turns a search filter into directory searches whose union holds every entry the filter can
 * match (a superset; the filter itself is evaluated on each candidate afterwards, so results are
 * exact). Name-like assertions become text words (the index matches words as prefixes, so each
 * word of an equality value or of the initial part of a substring is found); (o=...) becomes an
 * organisation scope; (uid=N) one entry; OR becomes several searches; NOT, presence and anything
 * the index cannot serve become "every entry" (a scan, bounded by the search's limits).
 */
import { fold, mailWords } from '../../core/directory/normalise.js';
import { attributeType } from './attributes.js';
import type { Filter } from './proto/filter.js';

/** One directory search: all words must match; within one organisation's subtree when scoped. */
export interface Candidates {
  /** Each starts a word of the entry (see whole). */
  words: string[];
  /** Those of `words` that must be whole words of the entry (from equality assertions). */
  whole?: string[];
  scope?: string;
  id?: number;
  /**
   * The start of the entry's display name (cn, displayName) / family name (sn) must be this (a
   * pre-check the index makes before any entry is read; folded, so a superset of LDAP's match).
   */
  starts?: { display?: string; family?: string };
}

/** Attributes whose values are the display name or the family name (see entries.ts), for starts. */
const STARTS_FIELD: Record<string, 'display' | 'family'> = { cn: 'display', displayname: 'display', sn: 'family' };

/** The leading letters and digits of an assertion value (lower case), or null when there are none. */
function lead(value: string): string | null {
  return /^[a-z0-9]+/.exec(value.trimStart().toLowerCase())?.[0] ?? null;
}

/** Both constraints on one field: the longer when one starts the other, else none can hold (null). */
function bothStarts(a: string | undefined, b: string | undefined): string | undefined | null {
  if (a === undefined || b === undefined) return a ?? b;
  if (a.startsWith(b)) return a;
  if (b.startsWith(a)) return b;
  return null;
}

/** null: every entry (no narrowing). Otherwise the union of these searches ([] matches nothing). */
export type Plan = Candidates[] | null;

export interface PlanContext {
  /** Organisation slugs whose slug or name equals the value (for (o=...)). */
  orgsNamed(value: string): string[];
  /** Is organisation `inner` within the subtree of `outer` (or the same)? */
  within(inner: string, outer: string): boolean;
}

/** Entry fields the search index holds, by the LDAP attribute that shows them. */
const INDEXED = new Set(['cn', 'displayname', 'givenname', 'sn', 'title', 'employeetype', 'businesscategory', 'ou', 'l', 'physicaldeliveryofficename', 'mail']);
const MAX_BRANCHES = 32;

/**
 * The words of a value, each the start of a word of the indexed field: split at every character
 * that is not a letter or digit, as the index splits (an address: its local part as the index
 * holds it, digits left out). Null for values outside printable ASCII, whose folding could differ
 * from the index's (those searches scan instead).
 */
function words(value: string, attribute: string): string[] | null {
  if (!/^[\x20-\x7e]*$/.test(value)) return null;
  const v = attribute === 'mail' ? mailWords(value) : value;
  return fold(v).split(/[^a-z0-9]+/).filter(Boolean);
}

function leaf(f: Filter, ctx: PlanContext): Plan {
  if (f.type !== 'equality' && f.type !== 'substrings') return null;
  const t = attributeType(f.attribute);
  if (!t) return []; // an unknown attribute is Undefined, never TRUE
  const name = t.name.toLowerCase();
  if (f.type === 'equality') {
    if (name === 'uid') return /^\d{1,15}$/.test(f.value.trim()) ? [{ words: [], id: Number(f.value.trim()) }] : [];
    if (name === 'o') return ctx.orgsNamed(f.value).map((scope) => ({ words: [], scope }));
  }
  if (!INDEXED.has(name)) return null;
  const source = f.type === 'substrings' ? f.initial : f.value;
  if (source === null) return null;
  // For a substring, the initial part is whole words then the start of one; the mail local part
  // ends at "@" (the domain is not indexed).
  const w = words(source, name);
  if (!w || !w.length) return null;
  const field = STARTS_FIELD[name];
  const start = field ? lead(source) : null;
  // An equality value's words are whole words of the attribute (an address's are not: its digits are gone).
  const whole = f.type === 'equality' && name !== 'mail';
  return [{ words: w, ...(whole ? { whole: w } : {}), ...(field && start ? { starts: { [field]: start } } : {}) }];
}

function merge(a: Candidates, b: Candidates, ctx: PlanContext): Candidates | null {
  if (a.id !== undefined || b.id !== undefined) {
    if (a.id !== undefined && b.id !== undefined && a.id !== b.id) return null;
    return { words: [], id: (a.id ?? b.id)! };
  }
  let scope = a.scope ?? b.scope;
  if (a.scope && b.scope) {
    if (ctx.within(a.scope, b.scope)) scope = a.scope;
    else if (ctx.within(b.scope, a.scope)) scope = b.scope;
    else return null; // disjoint subtrees
  }
  const display = bothStarts(a.starts?.display, b.starts?.display);
  const family = bothStarts(a.starts?.family, b.starts?.family);
  if (display === null || family === null) return null; // no name starts both ways
  const starts = { ...(display ? { display } : {}), ...(family ? { family } : {}) };
  const whole = [...new Set([...(a.whole ?? []), ...(b.whole ?? [])])];
  return { words: [...new Set([...a.words, ...b.words])], ...(whole.length ? { whole } : {}), ...(scope ? { scope } : {}), ...(display || family ? { starts } : {}) };
}

/**
 * Does every entry search `b` must find also come out of search `a`? True when `a` is no more
 * scoped and each of its words starts a word of `b` ((|(cn=smi*)(sn=smith*)) needs one search).
 */
function covers(a: Candidates, b: Candidates, ctx: PlanContext): boolean {
  if (a.id !== undefined || b.id !== undefined) return a.id === b.id;
  if (a.scope && !(b.scope && ctx.within(b.scope, a.scope))) return false;
  for (const f of ['display', 'family'] as const) {
    const need = a.starts?.[f];
    if (need !== undefined && !b.starts?.[f]?.startsWith(need)) return false;
  }
  // A whole word is implied only by the same whole word; a prefix by any word it starts.
  return a.words.every((w) => (a.whole?.includes(w) ? !!b.whole?.includes(w) : b.words.some((x) => x.startsWith(w))));
}

/** Drops searches another one in the list already covers (identical ones included). */
function simplify(list: Candidates[], ctx: PlanContext): Candidates[] {
  const out: Candidates[] = [];
  list.forEach((c, i) => {
    const coveredBy = list.findIndex((o, j) => j !== i && covers(o, c, ctx) && (!covers(c, o, ctx) || j < i));
    if (coveredBy < 0) out.push(c);
  });
  return out;
}

/** The candidate searches for a filter (see the module comment). */
export function planFilter(f: Filter, ctx: PlanContext): Plan {
  switch (f.type) {
    case 'and': {
      let acc: Plan = null;
      const plans = f.filters.map((s) => planFilter(s, ctx)).filter((p): p is Candidates[] => p !== null);
      if (plans.some((p) => p.length === 0)) return [];
      for (const p of plans.sort((x, y) => x.length - y.length)) {
        if (acc === null) {
          acc = p;
          continue;
        }
        if (acc.length * p.length > MAX_BRANCHES) continue; // keep the narrower: still a superset
        const next: Candidates[] = [];
        for (const x of acc) for (const y of p) {
          const m = merge(x, y, ctx);
          if (m) next.push(m);
        }
        acc = simplify(next, ctx);
      }
      return acc;
    }
    case 'or': {
      const out: Candidates[] = [];
      for (const s of f.filters) {
        const p = planFilter(s, ctx);
        if (p === null) return null;
        out.push(...p);
        if (out.length > MAX_BRANCHES) return null;
      }
      return simplify(out, ctx);
    }
    case 'not':
      return null;
    default:
      return leaf(f, ctx);
  }
}

/**
 * The words to hand the index for one search. A word that starts the display or family name the
 * index checks anyway (starts) adds nothing but a walk over its postings, often the longest of the
 * query ("sm" of (&(givenName=john)(sn=sm*)) lists every smith, small and smart); leaving it out
 * keeps the candidates a superset. One word at least is kept, so the index walks postings rather
 * than every entry.
 */
export function indexWords(c: Candidates): { words: string[]; whole: string[] } {
  const starts = [c.starts?.display, c.starts?.family].filter((s): s is string => s !== undefined);
  let words = c.words.filter((w) => !starts.some((s) => s.startsWith(w)));
  if (!words.length) words = c.words;
  return { words, whole: c.whole?.filter((w) => words.includes(w)) ?? [] };
}

/** Combines a plan with the scope the search base implies. */
export function withBaseScope(plan: Plan, baseScope: string | undefined, ctx: PlanContext): Candidates[] {
  const list = plan ?? [{ words: [] }];
  if (!baseScope) return list;
  return list.flatMap((c) => {
    const m = merge(c, { words: [], scope: baseScope }, ctx);
    return m ? [m] : [];
  });
}
