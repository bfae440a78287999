// LIST and LSUB (RFC 9051 section 6.3.9, RFC 3501 section 6.3.9; RFC 5258 LIST-EXTENDED,
// RFC 5819 LIST-STATUS, RFC 6154 SPECIAL-USE).

import { LPAREN } from '../chars.js';
import { quoteForText } from '../errors.js';
import type { TokenReader } from '../tokenizer.js';
import { decodeListText, readStatusItems } from './args.js';
import { command, type CommandRegistry, type ParseContext } from './schema.js';
import type { ListArgs, ListReturnOptions, ListSelectOption, StatusItem } from './types.js';

const SELECT_OPTIONS: ReadonlySet<string> = new Set<ListSelectOption>(['SUBSCRIBED', 'REMOTE', 'RECURSIVEMATCH', 'SPECIAL-USE']);

function readSelectOptions(r: TokenReader): ListSelectOption[] {
  const options: ListSelectOption[] = [];
  r.list('LIST selection options', () => {
    const o = r.keyword('a LIST selection option');
    if (!SELECT_OPTIONS.has(o)) r.fail('UNKNOWN_ARGUMENT', `Unknown LIST selection option ${quoteForText(o)}`);
    if (!options.includes(o as ListSelectOption)) options.push(o as ListSelectOption);
  });
  // RFC 5258 section 3.1: RECURSIVEMATCH only refines another selection option
  if (options.includes('RECURSIVEMATCH') && options.length === 1) {
    r.fail('INVALID_ARGUMENT', 'RECURSIVEMATCH needs another selection option such as SUBSCRIBED');
  }
  return options;
}

function readReturnOptions(r: TokenReader): ListReturnOptions {
  let subscribed = false;
  let children = false;
  let specialUse = false;
  let status: StatusItem[] | undefined;
  r.list('LIST return options', () => {
    const o = r.keyword('a LIST return option');
    if (o === 'SUBSCRIBED') subscribed = true;
    else if (o === 'CHILDREN') children = true;
    else if (o === 'SPECIAL-USE') specialUse = true;
    else if (o === 'STATUS') {
      r.sp('a list of STATUS items');
      status = readStatusItems(r);
    } else r.fail('UNKNOWN_ARGUMENT', `Unknown LIST return option ${quoteForText(o)}`);
  });
  return status ? { subscribed, children, specialUse, status } : { subscribed, children, specialUse };
}

function readList(r: TokenReader, ctx: ParseContext): ListArgs {
  let extended = false;
  let selectOptions: ListSelectOption[] = [];
  r.sp('a reference name');
  if (r.peek() === LPAREN) {
    extended = true;
    selectOptions = readSelectOptions(r);
    r.sp('a reference name');
  }
  const reference = decodeListText(r, ctx, r.astring('a reference name'));
  r.sp('a mailbox pattern');
  let patterns: string[];
  if (r.peek() === LPAREN) {
    extended = true;
    patterns = r.list('mailbox patterns', () => decodeListText(r, ctx, r.listMailbox()), { allowEmpty: false });
  } else {
    patterns = [decodeListText(r, ctx, r.listMailbox())];
  }
  let returnOptions: ListReturnOptions = { subscribed: false, children: false, specialUse: false };
  if (r.trySp()) {
    if (!r.tryKeyword('RETURN')) r.fail('UNKNOWN_ARGUMENT', `Expected RETURN, found ${r.describeNext()}`);
    r.sp('LIST return options');
    extended = true;
    returnOptions = readReturnOptions(r);
  }
  return { reference, patterns, selectOptions, returnOptions, extended };
}

export const listCommands = {
  LIST: command<'LIST'>(readList),
  LSUB: command<'LSUB'>((r, ctx) => {
    r.sp('a reference name');
    const reference = decodeListText(r, ctx, r.astring('a reference name'));
    r.sp('a mailbox pattern');
    const pattern = decodeListText(r, ctx, r.listMailbox());
    return { reference, pattern };
  }),
} satisfies Partial<CommandRegistry>;
