// The one place commands are parsed, checked against the session state, run, and answered:
// core errors become NO with an RFC 5530 response code, syntax errors BAD (RFC 9051 section 7.1).
import { toReply } from './errors.js';
import { aclHandlers } from './commands/acl.js';
import { appendHandlers } from './commands/append.js';
import type { Handler } from './commands/common.js';
import { copyMoveHandlers } from './commands/copy-move.js';
import { expungeHandlers } from './commands/expunge.js';
import { fetchHandlers } from './commands/fetch.js';
import { listHandlers } from './commands/list.js';
import { mailboxHandlers } from './commands/mailbox.js';
import { quotaHandlers } from './commands/quota.js';
import { searchHandlers } from './commands/search.js';
import { sessionHandlers } from './commands/session.js';
import { sortThreadHandlers } from './commands/sort-thread.js';
import { storeHandlers } from './commands/store.js';
import { formatErrorResponse, parseCommand, wire, type CommandName, type FramedCommand, type ParsedCommand } from './proto/index.js';
import type { ImapSession } from './session.js';

type Handlers = { [K in CommandName]?: Handler<K> };

const HANDLERS: Handlers = {
  ...sessionHandlers,
  ...mailboxHandlers,
  ...listHandlers,
  ...fetchHandlers,
  ...storeHandlers,
  ...copyMoveHandlers,
  ...expungeHandlers,
  ...appendHandlers,
  ...searchHandlers,
  ...sortThreadHandlers,
  ...aclHandlers,
  ...quotaHandlers,
};

/**
 * RFC 9051 section 7.5.1: no EXPUNGE while answering FETCH, STORE or SEARCH (their UID forms may),
 * so message numbers the client is using cannot shift under it.
 */
function mayExpunge(cmd: ParsedCommand): boolean {
  return cmd.uid || !['FETCH', 'STORE', 'SEARCH'].includes(cmd.name);
}

export async function dispatch(s: ImapSession, framed: FramedCommand): Promise<void> {
  const parsed = parseCommand(framed, { utf8: s.utf8 });
  if (!parsed.ok) {
    s.write(Buffer.from(formatErrorResponse(parsed.error)));
    s.countBad();
    return;
  }
  const cmd = parsed.command;
  const handler = HANDLERS[cmd.name] as Handler<CommandName> | undefined;
  const label = cmd.uid ? `UID ${cmd.name}` : cmd.name;
  if (!handler) {
    s.write(wire.status(cmd.tag, 'BAD', `${label} is not supported`, wire.code('CLIENTBUG')));
    s.countBad();
    return;
  }
  if (!handler.states.includes(s.state)) {
    const why = s.state === 'not-authenticated' ? 'sign in first' : s.state === 'authenticated' ? 'select a folder first' : 'not allowed now';
    s.write(wire.status(cmd.tag, 'BAD', `${label}: ${why}`, wire.code('CLIENTBUG')));
    s.countBad();
    return;
  }
  try {
    const done = (await handler.run(s, cmd as never)) ?? {};
    if (s.isClosed && cmd.name !== 'LOGOUT') return;
    if (s.selected) await s.sendUpdates(mayExpunge(cmd));
    s.badInARow = 0;
    s.write(wire.status(cmd.tag, 'OK', done.text ?? `${label} completed`, done.code ? Buffer.from(`[${done.code}]`) : undefined));
    s.flush();
    done.after?.();
  } catch (err) {
    const r = toReply(err);
    if (r.internal) s.ctx.logger.error({ err, command: label }, 'imap: command failed');
    if (s.selected && r.status === 'NO') await s.sendUpdates(mayExpunge(cmd));
    s.write(wire.status(cmd.tag, r.status, r.text, r.code ? Buffer.from(`[${r.code}]`) : undefined));
    if (r.status === 'BAD') s.countBad();
  }
}
