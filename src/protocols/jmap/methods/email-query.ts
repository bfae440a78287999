/**
 * Email/query and Email/queryChanges (RFC 8621 section 4.4, RFC 8620 sections 5.5, 5.6). The
 * common case of a web client (one folder, newest first, a page) is one indexed SQL page; other
 * queries filter and sort light rows in memory.
 */
import { z } from 'zod';
import { MailViews, type FolderSet } from '../../../core/mail/mail-views.js';
import type { CallContext } from '../context.js';
import type { Methods } from '../dispatch.js';
import { FilterRun, FilterSchema, Comparator, sortCandidates, type Candidate, type Filter } from '../email/filter.js';
import { emailId, parseEmailId } from '../email/ids.js';
import { groupByHash, readable } from '../email/load.js';
import { MethodError } from '../proto/errors.js';
import { CAPABILITIES } from '../proto/request.js';
import { oldState, parseArgs } from './common.js';
import { parseMailboxId } from './mailbox.js';

const MAX_LIMIT = 1000;

const QueryArgs = z.object({
  accountId: z.string(),
  filter: FilterSchema.nullable().optional(),
  sort: z.array(Comparator).nullable().optional(),
  position: z.number().int().optional(),
  anchor: z.string().nullable().optional(),
  anchorOffset: z.number().int().optional(),
  limit: z.number().int().nonnegative().nullable().optional(),
  calculateTotal: z.boolean().optional(),
  collapseThreads: z.boolean().optional(),
});
type QueryArgs = z.infer<typeof QueryArgs>;

/** The folder a filter is confined to at its top level, if any (to read only that folder's rows). */
function topFolder(f: Filter | null | undefined): string | undefined {
  if (!f) return undefined;
  if (!('operator' in f)) return f.inMailbox;
  if (f.operator === 'AND') for (const c of f.conditions) if (topFolder(c)) return topFolder(c);
  return undefined;
}

/** The whole ordered result (ids of bodies) of a query. */
async function fullResult(ctx: CallContext, set: FolderSet, a: QueryArgs): Promise<string[]> {
  let folders = readable(set);
  const only = topFolder(a.filter);
  if (only !== undefined) folders = folders.filter((v) => v.mailbox.id === parseMailboxId(only));
  const rows = await ctx.services.mailViews.rows(folders.map((v) => v.mailbox));
  const candidates: Candidate[] = [...groupByHash(rows)].map(([hash, r]) => ({ hash, rows: r }));
  const matched = await new FilterRun(ctx, candidates).matches(a.filter);
  let sorted = (await sortCandidates(ctx, matched, a.sort)).map((c) => c.hash);
  if (a.collapseThreads) {
    const threads = await ctx.services.mailViews.repo.threadIds(sorted);
    const seen = new Set<string>();
    sorted = sorted.filter((h) => {
      const t = threads.get(h) ?? h;
      if (seen.has(t)) return false;
      seen.add(t);
      return true;
    });
  }
  return sorted;
}

/** One folder, newest or oldest first, no other condition: a page straight from the index. */
function fastPath(a: QueryArgs): { folder: number; descending: boolean } | null {
  const f = a.filter;
  if (!f || 'operator' in f || Object.keys(f).length !== 1 || f.inMailbox === undefined) return null;
  if (a.anchor || a.collapseThreads || (a.position ?? 0) < 0) return null;
  const sort = a.sort ?? [{ property: 'receivedAt', isAscending: false }];
  if (sort.length !== 1 || sort[0]!.property !== 'receivedAt') return null;
  const folder = parseMailboxId(f.inMailbox);
  return folder === null ? null : { folder, descending: sort[0]!.isAscending === false };
}

async function query(args: Record<string, unknown>, ctx: CallContext) {
  const a = parseArgs(QueryArgs, args);
  const { id, set } = await ctx.account(a.accountId);
  const limit = Math.min(a.limit ?? MAX_LIMIT, MAX_LIMIT);
  const base = { accountId: id, queryState: MailViews.state(set), canCalculateChanges: true, ...(a.limit != null && a.limit > MAX_LIMIT ? { limit } : {}) };
  const fast = fastPath(a);
  if (fast) {
    const view = readable(set).find((v) => v.mailbox.id === fast.folder);
    const position = a.position ?? 0;
    const rows = view ? await ctx.services.mailViews.repo.page([fast.folder], { descending: fast.descending, offset: position, limit }) : [];
    const ids = [...new Set(rows.map((r) => r.blobHash))].map(emailId);
    return { ...base, position, ids, ...(a.calculateTotal ? { total: view ? Number(view.mailbox.message_count) : 0 } : {}) };
  }
  const all = await fullResult(ctx, set, a);
  let position = a.position ?? 0;
  if (a.anchor) {
    const at = all.indexOf(parseEmailId(ctx.resolveId(a.anchor)) ?? '');
    if (at < 0) throw new MethodError('anchorNotFound', `${a.anchor} is not in the results`);
    position = Math.max(0, at + (a.anchorOffset ?? 0));
  } else if (position < 0) {
    position = Math.max(0, all.length + position);
  }
  return { ...base, position, ids: all.slice(position, position + limit).map(emailId), ...(a.calculateTotal ? { total: all.length } : {}) };
}

const QueryChangesArgs = QueryArgs.omit({ position: true, anchor: true, anchorOffset: true, limit: true }).extend({
  sinceQueryState: z.string(),
  maxChanges: z.number().int().positive().nullable().optional(),
  upToId: z.string().nullable().optional(),
});

/**
 * RFC 8620 section 5.6: every Email changed since the old state is "removed" (the client drops
 * it if it had it), and those that match now are "added" at their current index.
 */
async function queryChanges(args: Record<string, unknown>, ctx: CallContext) {
  const a = parseArgs(QueryChangesArgs, args);
  const { id, owner, set } = await ctx.account(a.accountId);
  const old = oldState(a.sinceQueryState);
  const c = await ctx.services.mailViews.emailChanges(owner.ownerId, old, set, a.maxChanges ?? 5000);
  if (!c || c.hasMore) throw new MethodError(c ? 'tooManyChanges' : 'cannotCalculateChanges', 'too many changes since that query state; run the query again');
  if (a.collapseThreads && c.created.length + c.updated.length + c.destroyed.length) {
    throw new MethodError('cannotCalculateChanges', 'changes of thread-collapsed queries are not calculated; run the query again');
  }
  const changed = new Set([...c.created, ...c.updated, ...c.destroyed]);
  const all = await fullResult(ctx, set, a);
  const upTo = a.upToId ? parseEmailId(a.upToId) : null;
  const added: { id: string; index: number }[] = [];
  for (let i = 0; i < all.length; i++) {
    if (changed.has(all[i]!)) added.push({ id: emailId(all[i]!), index: i });
    if (upTo && all[i] === upTo) break;
  }
  return {
    accountId: id,
    oldQueryState: a.sinceQueryState,
    newQueryState: MailViews.state(set),
    removed: [...changed].map(emailId),
    added,
    ...(a.calculateTotal ? { total: all.length } : {}),
  };
}

export const emailQueryMethods: Methods = {
  'Email/query': { capability: CAPABILITIES.mail, handler: query },
  'Email/queryChanges': { capability: CAPABILITIES.mail, handler: queryChanges },
};
