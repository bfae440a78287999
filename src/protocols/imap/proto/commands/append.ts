// APPEND (RFC 9051 section 6.3.12) with MULTIAPPEND (RFC 3502), binary literals (RFC 3516
// section 4.4) and UTF8 (RFC 6855 section 4). CATENATE (RFC 4469) is not supported.

import { DQUOTE, LPAREN } from '../chars.js';
import type { ImapDateTime } from '../datetime.js';
import { readFlagList } from '../flags.js';
import type { TokenReader } from '../tokenizer.js';
import { readDateTime, readMailbox } from './args.js';
import { command, type CommandRegistry, type ParseContext } from './schema.js';
import type { AppendArgs, AppendMessage } from './types.js';

/** `append-message = [flag-list SP] [date-time SP] append-data` (after its leading SP). */
function readMessage(r: TokenReader): AppendMessage {
  let flags: string[] = [];
  let internalDate: ImapDateTime | undefined;
  if (r.peek() === LPAREN) {
    flags = readFlagList(r);
    r.sp('the message');
  }
  if (r.peek() === DQUOTE) {
    internalDate = readDateTime(r);
    r.sp('the message');
  }
  let utf8 = false;
  if (r.tryKeyword('UTF8')) {
    // RFC 6855 section 4: "UTF8" SP "(" literal8 ")"
    utf8 = true;
    r.sp('"(" and the message');
    r.openList('"(" and the message');
  } else if (r.peekKeyword('CATENATE')) {
    r.fail('INVALID_ARGUMENT', 'CATENATE is not supported');
  }
  if (!r.atLiteral()) r.fail('EXPECTED_STRING', `The message must be sent as a literal, found ${r.describeNext()}`);
  const { value, form } = r.literal({ allowBinary: true });
  if (utf8) r.closeList('")" after the UTF8 message');
  const message = { flags, data: value, binary: form === 'literal8', utf8 };
  return internalDate ? { ...message, internalDate } : message;
}

function readAppend(r: TokenReader, ctx: ParseContext): AppendArgs {
  r.sp('a mailbox name');
  const mailbox = readMailbox(r, ctx);
  const messages: AppendMessage[] = [];
  do {
    r.sp('a message');
    messages.push(readMessage(r));
  } while (!r.atEnd());
  return { mailbox, messages };
}

export const appendCommands = {
  APPEND: command<'APPEND'>(readAppend),
} satisfies Partial<CommandRegistry>;
