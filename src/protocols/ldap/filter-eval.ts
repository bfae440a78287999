/**
 * Evaluates a search filter on one entry with LDAP's three-valued logic (RFC 4511 section
 * 4.5.1.7): TRUE, FALSE or Undefined (an unknown attribute type, or a match with no rule);
 * only TRUE returns the entry, and NOT Undefined stays Undefined.
 */
import { attributeType, normaliseValue, type Matching } from './attributes.js';
import type { LdapEntry } from './entries.js';
import type { Filter } from './proto/filter.js';

export type Tri = boolean | undefined;

/** Accents and punctuation ignored: "Zoë O'Neil" ~= "zoe oneil". */
const approxKey = (v: string) => v.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

function substringsMatch(value: string, initial: string | null, any: string[], final: string | null): boolean {
  let pos = 0;
  if (initial !== null) {
    if (!value.startsWith(initial)) return false;
    pos = initial.length;
  }
  for (const a of any) {
    const at = value.indexOf(a, pos);
    if (at < 0) return false;
    pos = at + a.length;
  }
  if (final !== null) return value.length - final.length >= pos && value.endsWith(final);
  return true;
}

/** Substring components keep their edge spaces (they may sit between words); case and runs are folded. */
const substringNorm = (matching: string, v: string) => (matching === 'telephone' ? v.toLowerCase().replace(/[\s-]/g, '') : v.toLowerCase().replace(/\s+/g, ' '));

type Rule = 'eq' | 'sub' | 'approx';

/**
 * An attribute's values normalised under one rule, computed once per entry (cached entries are
 * evaluated against many filters, and their values never change).
 */
function normalised(entry: LdapEntry, key: string, rule: Rule, matching: Matching): string[] {
  const memoKey = `${rule}:${key}`;
  const memo = (entry.norm ??= new Map());
  let out = memo.get(memoKey);
  if (out === undefined) {
    const values = entry.attrs.get(key)?.values ?? [];
    out = values.map((v) => (rule === 'eq' ? normaliseValue(matching, v) : rule === 'sub' ? substringNorm(matching, v).trim() : approxKey(v)));
    memo.set(memoKey, out);
  }
  return out;
}

/** Evaluates filter `f` on an entry (RFC 4511 section 4.5.1.7): true, false or undefined. */
export function evaluate(f: Filter, entry: LdapEntry): Tri {
  switch (f.type) {
    case 'and': {
      let result: Tri = true;
      for (const sub of f.filters) {
        const r = evaluate(sub, entry);
        if (r === false) return false;
        if (r === undefined) result = undefined;
      }
      return result;
    }
    case 'or': {
      let result: Tri = false;
      for (const sub of f.filters) {
        const r = evaluate(sub, entry);
        if (r === true) return true;
        if (r === undefined) result = undefined;
      }
      return result;
    }
    case 'not': {
      const r = evaluate(f.filter, entry);
      return r === undefined ? undefined : !r;
    }
    case 'present': {
      const t = attributeType(f.attribute);
      if (t === undefined) return false;
      const key = t.name.toLowerCase();
      return entry.attrs.has(key) || (key === 'jpegphoto' && entry.photoOf !== undefined);
    }
    case 'extensible': {
      // Only the plain form (attr:=value) has a rule we know: the attribute's equality rule.
      if (f.matchingRule !== null || f.attribute === null || f.dnAttributes) return undefined;
      return evaluate({ type: 'equality', attribute: f.attribute, value: f.value }, entry);
    }
    default: {
      const t = attributeType(f.attribute);
      if (!t) return undefined;
      const key = t.name.toLowerCase();
      if (f.type === 'substrings') {
        const n = (v: string) => substringNorm(t.matching, v);
        const initial = f.initial === null ? null : n(f.initial).trimStart();
        const final = f.final === null ? null : n(f.final).trimEnd();
        const any = f.any.map(n);
        return normalised(entry, key, 'sub', t.matching).some((v) => substringsMatch(v, initial, any, final));
      }
      if (f.type === 'approx') {
        const want = approxKey(f.value);
        return normalised(entry, key, 'approx', t.matching).includes(want);
      }
      const want = normaliseValue(t.matching, f.value);
      const have = normalised(entry, key, 'eq', t.matching);
      if (f.type === 'equality') return have.includes(want);
      if (!t.ordering) return undefined;
      const ge = f.type === 'greaterOrEqual';
      return have.some((v) => (ge ? v >= want : v <= want));
    }
  }
}
