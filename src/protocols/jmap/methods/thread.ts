/** Thread/get and Thread/changes (RFC 8621 section 3): threads by their stored conversation key. */
import { MailViews } from '../../../core/mail/mail-views.js';
import type { CallContext } from '../context.js';
import type { Methods } from '../dispatch.js';
import { emailId } from '../email/ids.js';
import { readable } from '../email/load.js';
import { MethodError } from '../proto/errors.js';
import { CAPABILITIES } from '../proto/request.js';
import { ChangesArgs, GetArgs, idsToGet, oldState, parseArgs } from './common.js';

async function get(args: Record<string, unknown>, ctx: CallContext) {
  const a = parseArgs(GetArgs, args);
  const { id, set } = await ctx.account(a.accountId);
  const ids = idsToGet(a.ids);
  if (!ids) throw new MethodError('requestTooLarge', 'Thread/get needs a list of ids');
  const members = await ctx.services.mailViews.repo.threadMembers(readable(set).map((v) => v.mailbox.id), ids);
  const byThread = new Map<string, Map<string, number>>();
  for (const m of members) {
    const t = byThread.get(m.threadId) ?? new Map<string, number>();
    t.set(m.row.blobHash, Math.min(t.get(m.row.blobHash) ?? Infinity, m.row.internalDate));
    byThread.set(m.threadId, t);
  }
  const list = [];
  const notFound = [];
  for (const t of new Set(ids)) {
    const emails = byThread.get(t);
    if (!emails) notFound.push(t);
    else list.push({ id: t, emailIds: [...emails].sort((x, y) => x[1] - y[1] || (x[0] < y[0] ? -1 : 1)).map(([h]) => emailId(h)) });
  }
  return { accountId: id, state: MailViews.state(set), list, notFound };
}

/** Threads whose member list changed: those of every Email created, changed or destroyed since the state. */
async function changes(args: Record<string, unknown>, ctx: CallContext) {
  const a = parseArgs(ChangesArgs, args);
  const { id, owner, set } = await ctx.account(a.accountId);
  const c = await ctx.services.mailViews.emailChanges(owner.ownerId, oldState(a.sinceState), set, a.maxChanges ?? 5000);
  if (!c || c.hasMore) throw new MethodError('cannotCalculateChanges', 'too many changes since that state; fetch the threads again');
  const repo = ctx.services.mailViews.repo;
  const changedHashes = [...c.created, ...c.updated, ...c.destroyed];
  const threadOf = await repo.threadIds(changedHashes);
  const threads = [...new Set(changedHashes.map((h) => threadOf.get(h) ?? `T${h.slice(0, 20)}`))];
  const members = await repo.threadMembers(readable(set).map((v) => v.mailbox.id), threads);
  const createdEmails = new Set(c.created);
  const live = new Map<string, Set<string>>();
  for (const m of members) live.set(m.threadId, (live.get(m.threadId) ?? new Set()).add(m.row.blobHash));
  const created: string[] = [];
  const updated: string[] = [];
  const destroyed: string[] = [];
  for (const t of threads) {
    const now = live.get(t);
    if (!now) destroyed.push(t);
    else if ([...now].every((h) => createdEmails.has(h))) created.push(t);
    else updated.push(t);
  }
  return { accountId: id, oldState: a.sinceState, newState: MailViews.state(set), hasMoreChanges: false, created, updated, destroyed };
}

export const threadMethods: Methods = {
  'Thread/get': { capability: CAPABILITIES.mail, handler: get },
  'Thread/changes': { capability: CAPABILITIES.mail, handler: changes },
};
