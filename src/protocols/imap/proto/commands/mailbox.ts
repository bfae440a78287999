// Commands on mailboxes as a whole (RFC 9051 sections 6.3.2 to 6.3.11; RFC 7162 CONDSTORE and
// QRESYNC select parameters; RFC 6154 CREATE-SPECIAL-USE).

import { BACKSLASH, LPAREN } from '../chars.js';
import { quoteForText } from '../errors.js';
import { sequenceSetHasStar, type SequenceSet } from '../sequence-set.js';
import type { TokenReader } from '../tokenizer.js';
import { mailbox, readStatusItems } from './args.js';
import { arg, args, command, optional, type CommandRegistry, type ParseContext } from './schema.js';
import type { QresyncParams, SelectArgs } from './types.js';

/** A UID or message-number set the client already knows: `*` and `$` are not allowed there. */
function readKnownSet(r: TokenReader, what: string): SequenceSet {
  const set = r.sequenceSet(what);
  if (set.kind === 'saved' || sequenceSetHasStar(set)) r.fail('INVALID_SEQUENCE_SET', `${what} must not contain "*" or "$"`);
  return set;
}

/** `"(" known-sequence-set SP known-uid-set ")"` (RFC 7162 seq-match-data). */
function readSeqMatch(r: TokenReader): { knownSequences: SequenceSet; knownSequenceUids: SequenceSet } {
  r.openList('the sequence match data');
  const knownSequences = readKnownSet(r, 'the known message numbers');
  r.sp('the known UIDs of the sequence match data');
  const knownSequenceUids = readKnownSet(r, 'the known UIDs of the sequence match data');
  r.closeList('")" to end the sequence match data');
  return { knownSequences, knownSequenceUids };
}

/** `"(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")"` (RFC 7162 3.2.5). */
function readQresync(r: TokenReader): QresyncParams {
  r.openList('the QRESYNC parameters');
  const uidValidity = r.nzNumber('the UIDVALIDITY');
  r.sp('a MODSEQ');
  const modSeq = r.number64('a MODSEQ');
  let knownUids: SequenceSet | undefined;
  let seqMatch: { knownSequences: SequenceSet; knownSequenceUids: SequenceSet } | undefined;
  if (r.trySp()) {
    if (r.peek() === LPAREN) {
      seqMatch = readSeqMatch(r);
    } else {
      knownUids = readKnownSet(r, 'the known UIDs');
      if (r.trySp()) seqMatch = readSeqMatch(r);
    }
  }
  r.closeList('")" to end the QRESYNC parameters');
  return { uidValidity, modSeq, ...(knownUids ? { knownUids } : {}), ...seqMatch };
}

function readSelect(r: TokenReader, ctx: ParseContext): SelectArgs {
  r.sp('a mailbox name');
  const name = mailbox.read(r, ctx);
  let condstore = false;
  let qresync: QresyncParams | undefined;
  if (r.trySp()) {
    r.list('SELECT parameters', () => {
      const p = r.keyword('a SELECT parameter');
      if (p === 'CONDSTORE') condstore = true;
      else if (p === 'QRESYNC') {
        r.sp('the QRESYNC parameters');
        qresync = readQresync(r);
      } else r.fail('UNKNOWN_ARGUMENT', `Unknown ${ctx.command} parameter ${quoteForText(p)}`);
    }, { allowEmpty: false });
  }
  return qresync ? { mailbox: name, condstore, qresync } : { mailbox: name, condstore };
}

const USE_ATTRIBUTES = new Map(['\\All', '\\Archive', '\\Drafts', '\\Flagged', '\\Junk', '\\Sent', '\\Trash'].map((a) => [a.toUpperCase(), a]));

/** `"(" create-param *(SP create-param) ")"` with `USE (use-attr ...)` (RFC 6154 section 3). */
function readCreateParams(r: TokenReader): string[] {
  const specialUse: string[] = [];
  r.list('CREATE parameters', () => {
    const p = r.keyword('a CREATE parameter');
    if (p !== 'USE') r.fail('UNKNOWN_ARGUMENT', `Unknown CREATE parameter ${quoteForText(p)}`);
    r.sp('a list of special-use attributes');
    r.list('special-use attributes', () => {
      r.char(BACKSLASH, 'a special-use attribute such as \\Drafts');
      const name = `\\${r.atom('a special-use attribute')}`;
      const canonical = USE_ATTRIBUTES.get(name.toUpperCase());
      if (!canonical) r.fail('UNKNOWN_ARGUMENT', `Unknown special-use attribute ${quoteForText(name)}`);
      if (!specialUse.includes(canonical)) specialUse.push(canonical);
    });
  }, { allowEmpty: false });
  return specialUse;
}

export const mailboxCommands = {
  SELECT: command<'SELECT'>(readSelect),
  EXAMINE: command<'EXAMINE'>(readSelect),
  CREATE: command<'CREATE'>((r, ctx) => {
    const a = args({
      mailbox,
      specialUse: optional(arg('CREATE parameters', readCreateParams), (next) => next === LPAREN),
    })(r, ctx);
    return { mailbox: a.mailbox, specialUse: a.specialUse ?? [] };
  }),
  DELETE: command<'DELETE'>(args({ mailbox })),
  RENAME: command<'RENAME'>(args({ mailbox, newName: arg('the new mailbox name', mailbox.read) })),
  SUBSCRIBE: command<'SUBSCRIBE'>(args({ mailbox })),
  UNSUBSCRIBE: command<'UNSUBSCRIBE'>(args({ mailbox })),
  STATUS: command<'STATUS'>(args({ mailbox, items: arg('a list of STATUS items', readStatusItems) })),
} satisfies Partial<CommandRegistry>;
