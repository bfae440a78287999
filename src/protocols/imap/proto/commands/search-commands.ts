// SEARCH (RFC 9051 section 6.4.4, RFC 4731 ESEARCH), SORT and THREAD (RFC 5256, RFC 5267 ESORT).

import { DQUOTE } from '../chars.js';
import { quoteForText } from '../errors.js';
import type { TokenReader } from '../tokenizer.js';
import { readSearchKeys, searchDecoder, type SearchKey } from './search.js';
import { uidCommand, type CommandRegistry } from './schema.js';
import type { SearchArgs, SearchReturnOption, SortArgs, SortCriterion, SortKey, ThreadArgs } from './types.js';

const RETURN_OPTIONS: ReadonlySet<string> = new Set<SearchReturnOption>(['MIN', 'MAX', 'ALL', 'COUNT', 'SAVE']);
const SORT_KEYS: ReadonlySet<string> = new Set<SortKey>(['ARRIVAL', 'CC', 'DATE', 'FROM', 'SIZE', 'SUBJECT', 'TO', 'DISPLAYFROM', 'DISPLAYTO']);
const THREAD_ALGORITHMS: ReadonlySet<string> = new Set<ThreadArgs['algorithm']>(['ORDEREDSUBJECT', 'REFERENCES', 'REFS']);

/** `RETURN (opts)` after its keyword: `RETURN ()` means ALL (RFC 4731 section 3.1). */
function readReturnOptions(r: TokenReader): SearchReturnOption[] {
  r.sp('search return options');
  const options: SearchReturnOption[] = [];
  r.list('search return options', () => {
    const o = r.keyword('a search return option');
    if (!RETURN_OPTIONS.has(o)) r.fail('UNKNOWN_ARGUMENT', `Unknown search return option ${quoteForText(o)}`);
    if (!options.includes(o as SearchReturnOption)) options.push(o as SearchReturnOption);
  });
  return options.length ? options : ['ALL'];
}

/** `charset = atom / quoted`, upper case. */
function readCharset(r: TokenReader): string {
  const name = r.peek() === DQUOTE ? r.quoted().toString('latin1') : r.atom('a charset');
  return name.toUpperCase();
}

/** The search keys, with strings decoded in `charset`; an unknown charset fails with NO [BADCHARSET]. */
function readCriteria(r: TokenReader, charset: string | undefined): SearchKey {
  const decode = searchDecoder(charset);
  if (!decode) r.fail('BAD_CHARSET', `Charset ${quoteForText(charset ?? '')} is not supported`);
  return readSearchKeys(r, decode);
}

function readSearch(r: TokenReader): SearchArgs {
  r.sp('search criteria');
  let returnOptions: SearchReturnOption[] | undefined;
  let charset: string | undefined;
  if (r.tryKeyword('RETURN')) {
    returnOptions = readReturnOptions(r);
    r.sp('search criteria');
  }
  if (r.tryKeyword('CHARSET')) {
    r.sp('a charset');
    charset = readCharset(r);
    r.sp('search criteria');
  }
  const criteria = readCriteria(r, charset);
  return { ...(charset ? { charset } : {}), ...(returnOptions ? { returnOptions } : {}), criteria };
}

function readSortCriterion(r: TokenReader): SortCriterion {
  const reverse = r.tryKeyword('REVERSE');
  if (reverse) r.sp('a sort key after REVERSE');
  const key = r.keyword('a sort key');
  if (!SORT_KEYS.has(key)) r.fail('UNKNOWN_ARGUMENT', `Unknown sort key ${quoteForText(key)}`);
  return { key: key as SortKey, reverse };
}

function readSort(r: TokenReader): SortArgs {
  r.sp('sort criteria');
  let returnOptions: SearchReturnOption[] | undefined;
  if (r.tryKeyword('RETURN')) {
    returnOptions = readReturnOptions(r);
    r.sp('sort criteria');
  }
  const sort = r.list('sort criteria', () => readSortCriterion(r), { allowEmpty: false });
  r.sp('a charset');
  const charset = readCharset(r);
  r.sp('search criteria');
  const criteria = readCriteria(r, charset);
  return { sort, charset, ...(returnOptions ? { returnOptions } : {}), criteria };
}

function readThread(r: TokenReader): ThreadArgs {
  r.sp('a threading algorithm');
  const algorithm = r.keyword('a threading algorithm');
  if (!THREAD_ALGORITHMS.has(algorithm)) r.fail('UNKNOWN_ARGUMENT', `Unknown threading algorithm ${quoteForText(algorithm)}`);
  r.sp('a charset');
  const charset = readCharset(r);
  r.sp('search criteria');
  const criteria = readCriteria(r, charset);
  return { algorithm: algorithm as ThreadArgs['algorithm'], charset, criteria };
}

export const searchCommands = {
  SEARCH: uidCommand<'SEARCH'>(readSearch),
  SORT: uidCommand<'SORT'>(readSort),
  THREAD: uidCommand<'THREAD'>(readThread),
} satisfies Partial<CommandRegistry>;
