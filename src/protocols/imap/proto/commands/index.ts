// parseCommand: tag, command name, optional UID prefix, then the command's own arguments from
// the registry (RFC 9051 section 9 `command`). Never throws: errors come back as values.

import { IMAP_LIMITS, type ImapLimits } from '../limits.js';
import { ImapParseError, quoteForText, toImapParseError } from '../errors.js';
import type { FramedCommand } from '../framer.js';
import { isTagChar } from '../chars.js';
import { TokenReader } from '../tokenizer.js';
import { appendCommands } from './append.js';
import { fetchCommands } from './fetch.js';
import { listCommands } from './list.js';
import { mailboxCommands } from './mailbox.js';
import { messageCommands } from './message.js';
import { quotaAclCommands } from './quota-acl.js';
import type { CommandRegistry, CommandSpec, ParseContext } from './schema.js';
import { searchCommands } from './search-commands.js';
import { sessionCommands } from './session.js';
import type { CommandName, ParsedCommand } from './types.js';

/** Every command the parser knows, by name. */
export const COMMANDS: CommandRegistry = {
  ...sessionCommands,
  ...mailboxCommands,
  ...listCommands,
  ...appendCommands,
  ...searchCommands,
  ...fetchCommands,
  ...messageCommands,
  ...quotaAclCommands,
};

/** True for a command name the parser knows (upper case). */
export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

export interface ParseOptions {
  /** Mailbox names are UTF-8 (IMAP4rev2 or UTF8=ACCEPT enabled); default false: modified UTF-7. */
  readonly utf8?: boolean;
  /** Hierarchy delimiter; default "/". */
  readonly delimiter?: string;
  readonly limits?: ImapLimits;
}

export type ParseResult =
  | { readonly ok: true; readonly command: ParsedCommand }
  | { readonly ok: false; readonly error: ImapParseError };

function readTag(r: TokenReader): string {
  const tag = r.word(isTagChar, 'a command tag');
  if (tag.length > r.limits.maxTagLength) r.fail('INVALID_TAG', `Tag longer than ${r.limits.maxTagLength} characters`);
  if (r.peek() !== 0x20 && !r.atEnd()) r.fail('INVALID_TAG', `Invalid character in the tag: ${r.describeNext()}`);
  return tag;
}

/**
 * Parses one framed command (RFC 9051 section 9 `command`): `{ tag, name, uid, args }` with
 * `args` typed by `name`, or a typed error carrying the tag and command name when they were read.
 */
export function parseCommand(framed: FramedCommand, options: ParseOptions = {}): ParseResult {
  let tag: string | undefined;
  let name: string | undefined;
  try {
    const r: TokenReader = new TokenReader(framed, options.limits ?? IMAP_LIMITS);
    if (r.atEnd()) throw new ImapParseError('EMPTY_COMMAND', 'Empty command line');
    try {
      tag = readTag(r);
    } catch (e) {
      throw new ImapParseError('INVALID_TAG', toImapParseError(e).message);
    }
    r.sp('a command name');
    let verb = r.keyword('a command name');
    name = verb;
    const uid = verb === 'UID';
    if (uid) {
      r.sp('a command after UID');
      verb = r.keyword('a command after UID');
      name = `UID ${verb}`;
    }
    const spec = isCommandName(verb) ? (COMMANDS[verb] as CommandSpec<CommandName>) : undefined;
    if (!spec) return r.fail('UNKNOWN_COMMAND', `Unknown command ${quoteForText(name)}`);
    if (uid && !spec.uid) r.fail('UID_NOT_ALLOWED', `${verb} cannot follow UID`);
    const ctx: ParseContext = { utf8: options.utf8 ?? false, delimiter: options.delimiter ?? '/', uid, command: name };
    const args = spec.args(r, ctx);
    r.expectEnd();
    return { ok: true, command: { tag, name: verb, uid, args } as ParsedCommand };
  } catch (e) {
    const error = toImapParseError(e);
    error.tag ??= tag;
    error.command ??= name;
    return { ok: false, error };
  }
}
