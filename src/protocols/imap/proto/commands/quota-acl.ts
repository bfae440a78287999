// QUOTA (RFC 9208, formerly RFC 2087) and ACL (RFC 4314) commands.

import { quoteForText } from '../errors.js';
import type { TokenReader } from '../tokenizer.js';
import { mailbox, readAStringUtf8 } from './args.js';
import { arg, args, command, type CommandRegistry } from './schema.js';
import type { SetAclArgs, SetQuotaArgs } from './types.js';

const quotaRoot = arg('a quota root', (r) => readAStringUtf8(r, 'the quota root'));
const identifier = arg('an identifier', (r) => readAStringUtf8(r, 'the identifier'));

/** `"(" [setquota-resource *(SP setquota-resource)] ")"` (RFC 9208 section 4.3). */
function readQuotaLimits(r: TokenReader): SetQuotaArgs['limits'] {
  return r.list('a list of quota limits', () => {
    const resource = r.keyword('a quota resource name');
    r.sp(`a limit for ${resource}`);
    return { resource, limit: r.number64(`the limit for ${resource}`) };
  });
}

/** `mod-rights = astring` with an optional leading "+" or "-" (RFC 4314 section 3.1). */
function readModRights(r: TokenReader): { operation: SetAclArgs['operation']; rights: string } {
  const text = readAStringUtf8(r, 'the rights');
  const operation = text.startsWith('+') ? 'add' : text.startsWith('-') ? 'remove' : 'replace';
  const rights = operation === 'replace' ? text : text.slice(1);
  if (!/^[a-z0-9]*$/.test(rights)) r.fail('INVALID_ARGUMENT', `Invalid rights ${quoteForText(rights)}`);
  return { operation, rights };
}

export const quotaAclCommands = {
  GETQUOTA: command<'GETQUOTA'>(args({ root: quotaRoot })),
  GETQUOTAROOT: command<'GETQUOTAROOT'>(args({ mailbox })),
  SETQUOTA: command<'SETQUOTA'>(args({ root: quotaRoot, limits: arg('a list of quota limits', readQuotaLimits) })),
  GETACL: command<'GETACL'>(args({ mailbox })),
  MYRIGHTS: command<'MYRIGHTS'>(args({ mailbox })),
  DELETEACL: command<'DELETEACL'>(args({ mailbox, identifier })),
  LISTRIGHTS: command<'LISTRIGHTS'>(args({ mailbox, identifier })),
  SETACL: command<'SETACL'>((r, ctx) => {
    const a = args({ mailbox, identifier, rights: arg('rights', readModRights) })(r, ctx);
    return { mailbox: a.mailbox, identifier: a.identifier, ...a.rights };
  }),
} satisfies Partial<CommandRegistry>;
