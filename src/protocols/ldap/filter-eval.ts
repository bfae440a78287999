/**
 * Evaluates a search filter on one entry with LDAP's three-valued logic (RFC 4511 section
 * 4.5.1.7): TRUE, FALSE or Undefined (an unknown attribute type, or a match with no rule);
 * only TRUE returns the entry, and NOT Undefined stays Undefined.
 */
import { attributeType, normaliseValue } from './attributes.js';
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
      return t !== undefined && entry.attrs.has(t.name.toLowerCase());
    }
    case 'extensible': {
      // Only the plain form (attr:=value) has a rule we know: the attribute's equality rule.
      if (f.matchingRule !== null || f.attribute === null || f.dnAttributes) return undefined;
      return evaluate({ type: 'equality', attribute: f.attribute, value: f.value }, entry);
    }
    default: {
      const t = attributeType(f.attribute);
      if (!t) return undefined;
      const values = entry.attrs.get(t.name.toLowerCase())?.values ?? [];
      if (f.type === 'substrings') {
        const n = (v: string) => substringNorm(t.matching, v);
        const initial = f.initial === null ? null : n(f.initial).trimStart();
        const final = f.final === null ? null : n(f.final).trimEnd();
        return values.some((v) => substringsMatch(n(v).trim(), initial, f.any.map(n), final));
      }
      if (f.type === 'approx') {
        const want = approxKey(f.value);
        return values.some((v) => approxKey(v) === want);
      }
      const want = normaliseValue(t.matching, f.value);
      if (f.type === 'equality') return values.some((v) => normaliseValue(t.matching, v) === want);
      if (!t.ordering) return undefined;
      const ge = f.type === 'greaterOrEqual';
      return values.some((v) => {
        const have = normaliseValue(t.matching, v);
        return ge ? have >= want : have <= want;
      });
    }
  }
}
