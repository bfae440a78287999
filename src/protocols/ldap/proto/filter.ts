/**
 * LDAP search filters (RFC 4511 section 4.5.1.7): the decoded tree, its decoder with depth and
 * size bounds, and the RFC 4515 string form (for logs and tests).
 */
import { BerError, readBool, readReader, readString, type BerElement } from './ber.js';

export type Filter =
  | { type: 'and'; filters: Filter[] }
  | { type: 'or'; filters: Filter[] }
  | { type: 'not'; filter: Filter }
  | { type: 'equality' | 'greaterOrEqual' | 'lessOrEqual' | 'approx'; attribute: string; value: string }
  | { type: 'substrings'; attribute: string; initial: string | null; any: string[]; final: string | null }
  | { type: 'present'; attribute: string }
  | { type: 'extensible'; matchingRule: string | null; attribute: string | null; value: string; dnAttributes: boolean };

export interface FilterLimits {
  /** Deepest nesting of and/or/not accepted. */
  maxDepth: number;
  /** Most filter items (every node counts) in one filter. */
  maxNodes: number;
}

const ASSERTION_TYPES = { 0xa3: 'equality', 0xa5: 'greaterOrEqual', 0xa6: 'lessOrEqual', 0xa8: 'approx' } as const;

/** Decodes one Filter element (RFC 4511 section 4.5.1). Throws BerError on bad structure or a bound exceeded. */
export function decodeFilter(el: BerElement, limits: FilterLimits): Filter {
  let nodes = 0;
  const walk = (e: BerElement, depth: number): Filter => {
    if (++nodes > limits.maxNodes) throw new BerError(`filter has more than ${limits.maxNodes} items`);
    if (depth > limits.maxDepth) throw new BerError(`filter nested deeper than ${limits.maxDepth}`);
    switch (e.tag) {
      case 0xa0:
      case 0xa1: {
        const r = readReader(e, 'filter set');
        const filters: Filter[] = [];
        while (!r.done) filters.push(walk(r.next(), depth + 1));
        return { type: e.tag === 0xa0 ? 'and' : 'or', filters };
      }
      case 0xa2: {
        const r = readReader(e, 'not');
        const inner = walk(r.next(), depth + 1);
        r.end('not');
        return { type: 'not', filter: inner };
      }
      case 0xa3:
      case 0xa5:
      case 0xa6:
      case 0xa8: {
        const r = readReader(e, 'attribute value assertion');
        const attribute = readString(r.expect(0x04, 'attribute'), 'attribute');
        const value = readString(r.expect(0x04, 'assertion value'), 'assertion value');
        r.end('attribute value assertion');
        return { type: ASSERTION_TYPES[e.tag], attribute, value };
      }
      case 0xa4: {
        const r = readReader(e, 'substrings');
        const attribute = readString(r.expect(0x04, 'attribute'), 'attribute');
        const parts = readReader(r.expect(0x30, 'substrings'), 'substrings');
        r.end('substrings');
        let initial: string | null = null;
        let final: string | null = null;
        const any: string[] = [];
        let count = 0;
        while (!parts.done) {
          const p = parts.next();
          const s = readString(p, 'substring');
          // initial only first, final only last, at most one of each (RFC 4511 section 4.5.1.7.2)
          if (p.tag === 0x80 && count === 0) initial = s;
          else if (p.tag === 0x81 && final === null) any.push(s);
          else if (p.tag === 0x82 && final === null) final = s;
          else throw new BerError('substrings: misplaced or unknown component');
          count++;
          if (++nodes > limits.maxNodes) throw new BerError(`filter has more than ${limits.maxNodes} items`);
        }
        if (count === 0) throw new BerError('substrings: no component');
        return { type: 'substrings', attribute, initial, any, final };
      }
      case 0x87:
        return { type: 'present', attribute: readString(e, 'present') };
      case 0xa9: {
        const r = readReader(e, 'extensible match');
        let matchingRule: string | null = null;
        let attribute: string | null = null;
        let value: string | null = null;
        let dnAttributes = false;
        if (r.peekTag() === 0x81) matchingRule = readString(r.next(), 'matching rule');
        if (r.peekTag() === 0x82) attribute = readString(r.next(), 'type');
        if (r.peekTag() === 0x83) value = readString(r.next(), 'match value');
        if (r.peekTag() === 0x84) dnAttributes = readBool(r.next(), 'dnAttributes');
        r.end('extensible match');
        if (value === null || (matchingRule === null && attribute === null)) throw new BerError('extensible match: needs a value and a rule or type');
        return { type: 'extensible', matchingRule, attribute, value, dnAttributes };
      }
      default:
        throw new BerError(`unknown filter choice 0x${e.tag.toString(16)}`);
    }
  };
  return walk(el, 0);
}

/** Escapes an assertion value for the RFC 4515 string form. */
function esc(v: string): string {
  return v.replace(/[*()\\\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The RFC 4515 string form of a filter ("(&(cn=smi*)(!(title=x)))"). */
export function filterToString(f: Filter): string {
  switch (f.type) {
    case 'and':
      return `(&${f.filters.map(filterToString).join('')})`;
    case 'or':
      return `(|${f.filters.map(filterToString).join('')})`;
    case 'not':
      return `(!${filterToString(f.filter)})`;
    case 'equality':
      return `(${f.attribute}=${esc(f.value)})`;
    case 'greaterOrEqual':
      return `(${f.attribute}>=${esc(f.value)})`;
    case 'lessOrEqual':
      return `(${f.attribute}<=${esc(f.value)})`;
    case 'approx':
      return `(${f.attribute}~=${esc(f.value)})`;
    case 'present':
      return `(${f.attribute}=*)`;
    case 'substrings':
      return `(${f.attribute}=${f.initial === null ? '' : esc(f.initial)}*${f.any.map((a) => `${esc(a)}*`).join('')}${f.final === null ? '' : esc(f.final)})`;
    case 'extensible':
      return `(${f.attribute ?? ''}${f.dnAttributes ? ':dn' : ''}${f.matchingRule ? `:${f.matchingRule}` : ''}:=${esc(f.value)})`;
  }
}

