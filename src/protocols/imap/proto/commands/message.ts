// Commands that change messages: STORE (RFC 9051 6.4.6, RFC 7162 UNCHANGEDSINCE), COPY (6.4.7),
// MOVE (RFC 6851, RFC 9051 6.4.8) and EXPUNGE / UID EXPUNGE (6.4.3, RFC 4315).

import { LPAREN } from '../chars.js';
import { quoteForText } from '../errors.js';
import { readFlag, readFlagList } from '../flags.js';
import type { TokenReader } from '../tokenizer.js';
import { mailbox, sequenceSet } from './args.js';
import { args, uidCommand, type CommandRegistry, type ParseContext } from './schema.js';
import type { StoreArgs } from './types.js';

function isStoreItemChar(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x2e || b === 0x2b || b === 0x2d;
}

/** `store-modifiers = SP "(" store-modifier *(SP store-modifier) ")"` */
function readStoreModifiers(r: TokenReader): number | undefined {
  let unchangedSince: number | undefined;
  r.list('STORE modifiers', () => {
    const m = r.keyword('a STORE modifier');
    if (m !== 'UNCHANGEDSINCE') r.fail('UNKNOWN_ARGUMENT', `Unknown STORE modifier ${quoteForText(m)}`);
    r.sp('a MODSEQ after UNCHANGEDSINCE');
    unchangedSince = r.number64('a MODSEQ');
  }, { allowEmpty: false });
  return unchangedSince;
}

function readStore(r: TokenReader, ctx: ParseContext): StoreArgs {
  r.sp('a sequence set');
  const set = sequenceSet.read(r, ctx);
  let unchangedSince: number | undefined;
  r.sp('a STORE item such as +FLAGS');
  if (r.peek() === LPAREN) {
    unchangedSince = readStoreModifiers(r);
    r.sp('a STORE item such as +FLAGS');
  }
  const item = r.word(isStoreItemChar, 'a STORE item such as +FLAGS').toUpperCase();
  const m = /^([+-]?)FLAGS(\.SILENT)?$/.exec(item);
  if (!m) r.fail('UNKNOWN_ARGUMENT', `Unknown STORE item ${quoteForText(item)}`);
  const operation = m[1] === '+' ? 'add' : m[1] === '-' ? 'remove' : 'replace';
  r.sp('flags');
  let flags: string[];
  if (r.peek() === LPAREN) {
    flags = readFlagList(r);
  } else {
    flags = [readFlag(r)];
    while (r.trySp()) flags.push(readFlag(r));
  }
  const store = { set, operation, silent: Boolean(m[2]), flags } as const;
  return unchangedSince === undefined ? store : { ...store, unchangedSince };
}

export const messageCommands = {
  STORE: uidCommand<'STORE'>(readStore),
  COPY: uidCommand<'COPY'>(args({ set: sequenceSet, mailbox })),
  MOVE: uidCommand<'MOVE'>(args({ set: sequenceSet, mailbox })),
  EXPUNGE: uidCommand<'EXPUNGE'>((r, ctx) => {
    if (!ctx.uid) return {};
    r.sp('a UID set');
    return { uids: sequenceSet.read(r, ctx) };
  }),
} satisfies Partial<CommandRegistry>;
