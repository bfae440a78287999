// Search keys into an AST (RFC 9051 section 6.4.4, RFC 3501 section 6.4.4, RFC 7162 MODSEQ,
// RFC 5032 OLDER/YOUNGER, RFC 5182 `$`). Strings are decoded with the command's CHARSET.

import { TextDecoder } from 'node:util';
import { DQUOTE, LPAREN, decodeUtf8 } from '../chars.js';
import { quoteForText } from '../errors.js';
import type { ImapDate } from '../datetime.js';
import type { SequenceSet } from '../sequence-set.js';
import type { TokenReader } from '../tokenizer.js';
import type { SystemFlag } from '../flags.js';
import { readDate } from './args.js';

export type SearchTextField = 'BCC' | 'BODY' | 'CC' | 'FROM' | 'SUBJECT' | 'TEXT' | 'TO';

/** One node of a search program. */
export type SearchKey =
  | { readonly type: 'all' }
  /** ANSWERED, DELETED, DRAFT, FLAGGED, SEEN, and with `negate` their UN- forms. */
  | { readonly type: 'flag'; readonly flag: SystemFlag; readonly negate: boolean }
  /** KEYWORD / UNKEYWORD */
  | { readonly type: 'keyword'; readonly keyword: string; readonly negate: boolean }
  /** RFC 3501 only: NEW is RECENT UNSEEN, OLD is NOT RECENT. */
  | { readonly type: 'new' }
  | { readonly type: 'old' }
  | { readonly type: 'recent' }
  | { readonly type: 'text'; readonly field: SearchTextField; readonly value: string }
  | { readonly type: 'header'; readonly name: string; readonly value: string }
  /** BEFORE/ON/SINCE use the internal date, SENT* the Date header. */
  | { readonly type: 'date'; readonly field: 'internal' | 'sent'; readonly comparison: 'before' | 'on' | 'since'; readonly date: ImapDate }
  | { readonly type: 'size'; readonly comparison: 'larger' | 'smaller'; readonly size: number }
  | { readonly type: 'sequence'; readonly set: SequenceSet }
  | { readonly type: 'uid'; readonly set: SequenceSet }
  /** MODSEQ [entry-name entry-type] n (RFC 7162 section 3.1.5) */
  | { readonly type: 'modseq'; readonly modSeq: number; readonly entry?: { readonly name: string; readonly kind: 'priv' | 'shared' | 'all' } }
  /** OLDER / YOUNGER seconds (RFC 5032) */
  | { readonly type: 'age'; readonly comparison: 'older' | 'younger'; readonly seconds: number }
  | { readonly type: 'not'; readonly key: SearchKey }
  | { readonly type: 'or'; readonly left: SearchKey; readonly right: SearchKey }
  | { readonly type: 'and'; readonly keys: readonly SearchKey[] };

/** Turns the bytes of a search string into text. */
export type SearchDecoder = (bytes: Buffer) => string | undefined;

/**
 * A decoder for a CHARSET name (RFC 9051 section 6.4.4), or undefined when the charset is not
 * supported (the command then fails with NO [BADCHARSET]). Any charset Node's TextDecoder knows
 * is accepted; US-ASCII is read as UTF-8, its superset.
 */
export function searchDecoder(charset: string | undefined): SearchDecoder | undefined {
  const name = (charset ?? 'UTF-8').toUpperCase();
  if (name === 'UTF-8' || name === 'US-ASCII' || name === 'UTF8') return decodeUtf8;
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(name, { fatal: true });
  } catch {
    return undefined;
  }
  return (bytes) => {
    try {
      return decoder.decode(bytes);
    } catch {
      return undefined;
    }
  };
}

const FLAG_KEYS: ReadonlyMap<string, SystemFlag> = new Map<string, SystemFlag>([
  ['ANSWERED', '\\Answered'],
  ['DELETED', '\\Deleted'],
  ['DRAFT', '\\Draft'],
  ['FLAGGED', '\\Flagged'],
  ['SEEN', '\\Seen'],
]);

const TEXT_KEYS: ReadonlySet<string> = new Set<SearchTextField>(['BCC', 'BODY', 'CC', 'FROM', 'SUBJECT', 'TEXT', 'TO']);

type DateKey = { readonly field: 'internal' | 'sent'; readonly comparison: 'before' | 'on' | 'since' };
const DATE_KEYS: ReadonlyMap<string, DateKey> = new Map<string, DateKey>([
  ['BEFORE', { field: 'internal', comparison: 'before' }],
  ['ON', { field: 'internal', comparison: 'on' }],
  ['SINCE', { field: 'internal', comparison: 'since' }],
  ['SENTBEFORE', { field: 'sent', comparison: 'before' }],
  ['SENTON', { field: 'sent', comparison: 'on' }],
  ['SENTSINCE', { field: 'sent', comparison: 'since' }],
]);

class SearchParser {
  constructor(
    private readonly r: TokenReader,
    private readonly decode: SearchDecoder,
  ) {}

  private text(what: string): string {
    const bytes = this.r.astring(what);
    const s = this.decode(bytes);
    if (s === undefined) this.r.fail('INVALID_UTF8', `${what} is not valid in the given charset`);
    return s;
  }

  /** `search-key *(SP search-key)` up to the end of the command or a closing ")". */
  keys(depth: number): SearchKey {
    const keys = [this.key(depth)];
    while (this.r.peek() === 0x20) {
      this.r.sp('a search key');
      keys.push(this.key(depth));
    }
    return keys.length === 1 ? (keys[0] as SearchKey) : { type: 'and', keys };
  }

  key(depth: number): SearchKey {
    const r = this.r;
    if (depth >= r.limits.maxSearchDepth) r.fail('NESTING_TOO_DEEP', `Search keys nested deeper than ${r.limits.maxSearchDepth} levels`);
    if (r.peek() === LPAREN) {
      r.openList('a search group');
      const inner = this.keys(depth + 1);
      r.closeList('")" to end the search group');
      return inner;
    }
    if (r.atSequenceSet()) return { type: 'sequence', set: r.sequenceSet() };
    const name = r.keyword('a search key');
    const flag = FLAG_KEYS.get(name);
    if (flag) return { type: 'flag', flag, negate: false };
    const unflag = name.startsWith('UN') ? FLAG_KEYS.get(name.slice(2)) : undefined;
    if (unflag) return { type: 'flag', flag: unflag, negate: true };
    if (TEXT_KEYS.has(name)) {
      r.sp(`a string after ${name}`);
      return { type: 'text', field: name as SearchTextField, value: this.text(`the ${name} string`) };
    }
    const dateKey = DATE_KEYS.get(name);
    if (dateKey) {
      r.sp(`a date after ${name}`);
      return { type: 'date', ...dateKey, date: readDate(r) };
    }
    switch (name) {
      case 'ALL': return { type: 'all' };
      case 'NEW': return { type: 'new' };
      case 'OLD': return { type: 'old' };
      case 'RECENT': return { type: 'recent' };
      case 'KEYWORD':
      case 'UNKEYWORD':
        r.sp(`a keyword after ${name}`);
        return { type: 'keyword', keyword: r.atom('a keyword'), negate: name === 'UNKEYWORD' };
      case 'HEADER': {
        r.sp('a header field name');
        const field = r.astring('a header field name').toString('latin1');
        r.sp('a header value');
        return { type: 'header', name: field, value: this.text('the HEADER value') };
      }
      case 'LARGER':
      case 'SMALLER':
        r.sp(`a size after ${name}`);
        return { type: 'size', comparison: name === 'LARGER' ? 'larger' : 'smaller', size: r.number64('a size') };
      case 'UID':
        r.sp('a UID set');
        return { type: 'uid', set: r.sequenceSet('a UID set') };
      case 'OLDER':
      case 'YOUNGER':
        r.sp(`a number of seconds after ${name}`);
        return { type: 'age', comparison: name === 'OLDER' ? 'older' : 'younger', seconds: r.nzNumber('a number of seconds') };
      case 'NOT':
        r.sp('a search key after NOT');
        return { type: 'not', key: this.key(depth + 1) };
      case 'OR': {
        r.sp('a search key after OR');
        const left = this.key(depth + 1);
        r.sp('a second search key after OR');
        return { type: 'or', left, right: this.key(depth + 1) };
      }
      case 'MODSEQ':
        return this.modseq();
      default:
        return r.fail('UNKNOWN_ARGUMENT', `Unknown search key ${quoteForText(name)}`);
    }
  }

  /** `MODSEQ [SP entry-name SP entry-type-req] SP mod-sequence-valzer` (RFC 7162 section 3.1.5) */
  private modseq(): SearchKey {
    const r = this.r;
    r.sp('a MODSEQ value');
    let entry: { name: string; kind: 'priv' | 'shared' | 'all' } | undefined;
    if (r.peek() === DQUOTE) {
      const name = r.quoted().toString('latin1');
      if (!name.toLowerCase().startsWith('/flags/')) r.fail('INVALID_ARGUMENT', `Invalid MODSEQ entry name ${quoteForText(name)}`);
      r.sp('a MODSEQ entry type');
      const kind = r.keyword('a MODSEQ entry type').toLowerCase();
      if (kind !== 'priv' && kind !== 'shared' && kind !== 'all') r.fail('UNKNOWN_ARGUMENT', `Unknown MODSEQ entry type ${quoteForText(kind)}`);
      r.sp('a MODSEQ value');
      entry = { name, kind: kind as 'priv' | 'shared' | 'all' };
    }
    const modSeq = r.number64('a MODSEQ value');
    return entry ? { type: 'modseq', modSeq, entry } : { type: 'modseq', modSeq };
  }
}

/** Reads `search-key *(SP search-key)` (the reader is at the first key); several keys are ANDed. */
export function readSearchKeys(r: TokenReader, decode: SearchDecoder): SearchKey {
  return new SearchParser(r, decode).keys(0);
}
