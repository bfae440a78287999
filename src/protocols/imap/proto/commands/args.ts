// Argument readers shared by several commands: mailbox names, UTF-8 strings, dates, sequence sets.

import { decodeUtf8, DQUOTE } from '../chars.js';
import { quoteForText } from '../errors.js';
import { parseImapDate, parseImapDateTime, type ImapDate, type ImapDateTime } from '../datetime.js';
import { decodeMailboxName, decodeMailboxText } from '../mailbox-name.js';
import type { SequenceSet } from '../sequence-set.js';
import type { TokenReader } from '../tokenizer.js';
import { arg, type Arg, type ParseContext } from './schema.js';
import type { StatusItem } from './types.js';

/** Decodes UTF-8 or fails with INVALID_UTF8. */
export function utf8(r: TokenReader, bytes: Buffer, what: string): string {
  const s = decodeUtf8(bytes);
  if (s === undefined) r.fail('INVALID_UTF8', `${what} is not valid UTF-8`);
  return s;
}

/** `mailbox = "INBOX" / astring`, decoded (modified UTF-7 or UTF-8), INBOX normalised. */
export function readMailbox(r: TokenReader, ctx: ParseContext, what = 'a mailbox name'): string {
  const bytes = r.astring(what);
  try {
    return decodeMailboxName(bytes, ctx);
  } catch (e) {
    return r.fail('INVALID_MAILBOX_NAME', e instanceof Error ? e.message : 'Invalid mailbox name');
  }
}

/** A LIST reference or pattern: decoded like a mailbox, INBOX left as sent. */
export function decodeListText(r: TokenReader, ctx: ParseContext, bytes: Buffer): string {
  try {
    return decodeMailboxText(bytes, ctx);
  } catch (e) {
    return r.fail('INVALID_MAILBOX_NAME', e instanceof Error ? e.message : 'Invalid mailbox name');
  }
}

/** An astring decoded as UTF-8. */
export function readAStringUtf8(r: TokenReader, what: string): string {
  return utf8(r, r.astring(what), what);
}

/** `date = date-text / DQUOTE date-text DQUOTE` (SEARCH dates). */
export function readDate(r: TokenReader, what = 'a date'): ImapDate {
  const text = r.peek() === DQUOTE ? r.quoted().toString('latin1') : r.atom(what);
  const date = parseImapDate(text);
  if (!date) r.fail('INVALID_DATE', `Invalid date ${quoteForText(text)}, expected e.g. 1-Feb-2024`);
  return date;
}

/** `date-time` (APPEND): always quoted. */
export function readDateTime(r: TokenReader): ImapDateTime {
  const text = r.quoted().toString('latin1');
  const dt = parseImapDateTime(text);
  if (!dt) r.fail('INVALID_DATE', `Invalid date-time ${quoteForText(text)}, expected e.g. "17-Jul-1996 02:44:25 -0700"`);
  return dt;
}

const STATUS_ITEMS: ReadonlySet<string> = new Set<StatusItem>([
  'MESSAGES', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'DELETED', 'SIZE', 'RECENT', 'HIGHESTMODSEQ', 'APPENDLIMIT',
]);

/** `"(" status-att *(SP status-att) ")"` (RFC 9051 6.3.11). */
export function readStatusItems(r: TokenReader): StatusItem[] {
  return r.list('a list of STATUS items', () => {
    const item = r.keyword('a STATUS item');
    if (!STATUS_ITEMS.has(item)) r.fail('UNKNOWN_ARGUMENT', `Unknown STATUS item ${quoteForText(item)}`);
    return item as StatusItem;
  }, { allowEmpty: false });
}

export const mailbox: Arg<string> = arg('a mailbox name', (r, ctx) => readMailbox(r, ctx));
export const sequenceSet: Arg<SequenceSet> = arg('a sequence set', (r) => r.sequenceSet());
