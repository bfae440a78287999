/**
 * Mailbox/get, /changes, /query, /queryChanges-free, /set (RFC 8621 section 2) over the one
 * MailboxService IMAP uses: create, rename (name or parentId), delete, subscribe. Ids are "M" +
 * folder id; a shared folder appears in its owner's JMAP account with myRights from the grant.
 */
import { z } from 'zod';
import { HIERARCHY_SEPARATOR, type MailboxView } from '../../../core/mail/mailbox-service.js';
import { MailViews } from '../../../core/mail/mail-views.js';
import type { CallContext } from '../context.js';
import type { Methods } from '../dispatch.js';
import { MethodError, setFailure, toSetError, type SetError } from '../proto/errors.js';
import { CAPABILITIES } from '../proto/request.js';
import { ChangesArgs, GetArgs, Id, SetArgs, checkProperties, checkSetSize, idsToGet, oldState, parseArgs, pick } from './common.js';

export const mailboxId = (id: number) => `M${id}`;
export const parseMailboxId = (id: string): number | null => (/^M\d+$/.test(id) ? Number(id.slice(1)) : null);

const ROLES: Record<string, string> = { '\\Sent': 'sent', '\\Drafts': 'drafts', '\\Trash': 'trash', '\\Junk': 'junk', '\\Archive': 'archive', '\\All': 'all', '\\Flagged': 'flagged', '\\Important': 'important' };
const SORT_ORDER: Record<string, number> = { inbox: 1, drafts: 2, sent: 3, archive: 4, junk: 5, trash: 6 };
const PROPERTIES = ['id', 'name', 'parentId', 'role', 'sortOrder', 'totalEmails', 'unreadEmails', 'totalThreads', 'unreadThreads', 'myRights', 'isSubscribed'];

export function roleOf(v: MailboxView): string | null {
  if (v.mailbox.name === 'INBOX') return 'inbox';
  return (v.mailbox.special_use && ROLES[v.mailbox.special_use]) ?? null;
}

/** JMAP myRights from RFC 4314 letters (RFC 8621 section 2, the mapping of section 2.4 of RFC 4314). */
export function myRights(v: MailboxView): Record<string, boolean> {
  const r = (c: string) => v.rights.includes(c);
  return {
    mayReadItems: r('r'),
    mayAddItems: r('i'),
    mayRemoveItems: r('t') && r('e'),
    maySetSeen: r('s'),
    maySetKeywords: r('w'),
    mayCreateChild: r('k') && v.own,
    mayRename: r('x') && v.own,
    mayDelete: r('x'),
    maySubmit: r('p') || v.own,
  };
}

const leaf = (name: string) => name.slice(name.lastIndexOf(HIERARCHY_SEPARATOR) + 1);
const parentPath = (name: string) => (name.includes(HIERARCHY_SEPARATOR) ? name.slice(0, name.lastIndexOf(HIERARCHY_SEPARATOR)) : null);

async function toObjects(ctx: CallContext, views: MailboxView[]): Promise<Record<string, unknown>[]> {
  const byName = new Map(views.map((v) => [v.mailbox.name, v]));
  const subs = new Set(await ctx.services.mailboxes.sharedSubscriptions(ctx.viewer.id));
  const counts = await ctx.services.mailViews.repo.counts(views.map((v) => v.mailbox.id));
  return views.map((v) => {
    const p = parentPath(v.mailbox.name);
    const parent = p ? byName.get(p) : undefined;
    const role = roleOf(v);
    const c = counts.get(v.mailbox.id) ?? { unread: 0, threads: 0, unreadThreads: 0 };
    return {
      id: mailboxId(v.mailbox.id),
      name: parent ? leaf(v.mailbox.name) : v.own ? v.mailbox.name : leaf(v.mailbox.name),
      parentId: parent ? mailboxId(parent.mailbox.id) : null,
      role,
      sortOrder: role ? (SORT_ORDER[role] ?? 10) : 10,
      totalEmails: Number(v.mailbox.message_count),
      unreadEmails: c.unread,
      totalThreads: c.threads,
      unreadThreads: c.unreadThreads,
      myRights: myRights(v),
      isSubscribed: v.own ? !!v.mailbox.subscribed : subs.has(v.mailbox.id),
    };
  });
}

async function get(args: Record<string, unknown>, ctx: CallContext) {
  const a = parseArgs(GetArgs, args);
  checkProperties(a.properties, PROPERTIES);
  const { id, set } = await ctx.account(a.accountId);
  const ids = idsToGet(a.ids);
  const all = await toObjects(ctx, set.views);
  const byId = new Map(all.map((o) => [o.id as string, o]));
  const list = ids ? ids.map((i) => byId.get(i)).filter((o): o is Record<string, unknown> => !!o) : all;
  return { accountId: id, state: MailViews.state(set), list: list.map((o) => pick(o, a.properties)), notFound: ids ? ids.filter((i) => !byId.has(i)) : [] };
}

async function changes(args: Record<string, unknown>, ctx: CallContext) {
  const a = parseArgs(ChangesArgs, args);
  const { id, owner, set } = await ctx.account(a.accountId);
  const old = oldState(a.sinceState);
  const c = await ctx.services.mailViews.folderChanges(owner.ownerId, old, set);
  const total = c.created.length + c.updated.length + c.destroyed.length;
  if (a.maxChanges && total > a.maxChanges) throw new MethodError('cannotCalculateChanges', `more than ${a.maxChanges} folder changes; fetch the folders again`);
  return {
    accountId: id,
    oldState: a.sinceState,
    newState: MailViews.state(set),
    hasMoreChanges: false,
    created: c.created.map(mailboxId),
    updated: c.updated.map(mailboxId),
    destroyed: c.destroyed.map(mailboxId),
    updatedProperties: c.countsOnly && c.updated.length ? ['totalEmails', 'unreadEmails', 'totalThreads', 'unreadThreads'] : null,
  };
}

const MailboxFilter = z.object({
  parentId: Id.nullable().optional(),
  name: z.string().optional(),
  role: z.string().nullable().optional(),
  hasAnyRole: z.boolean().optional(),
  isSubscribed: z.boolean().optional(),
});
const QueryArgs = z.object({
  accountId: z.string(),
  filter: MailboxFilter.nullable().optional(),
  sort: z.array(z.object({ property: z.string(), isAscending: z.boolean().optional() })).nullable().optional(),
  position: z.number().int().optional(),
  limit: z.number().int().nonnegative().nullable().optional(),
  calculateTotal: z.boolean().optional(),
  sortAsTree: z.boolean().optional(),
  filterAsTree: z.boolean().optional(),
});

async function query(args: Record<string, unknown>, ctx: CallContext) {
  const a = parseArgs(QueryArgs, args);
  const { id, set } = await ctx.account(a.accountId);
  let list = await toObjects(ctx, set.views);
  const f = a.filter;
  if (f) {
    list = list.filter(
      (m) =>
        (f.parentId === undefined || m.parentId === f.parentId) &&
        (f.name === undefined || String(m.name).toLowerCase().includes(f.name.toLowerCase())) &&
        (f.role === undefined || m.role === f.role) &&
        (f.hasAnyRole === undefined || (m.role !== null) === f.hasAnyRole) &&
        (f.isSubscribed === undefined || m.isSubscribed === f.isSubscribed),
    );
  }
  for (const s of [...(a.sort ?? [])].reverse()) {
    if (s.property !== 'name' && s.property !== 'sortOrder') throw new MethodError('unsupportedSort', `cannot sort folders by ${s.property}`);
    const dir = s.isAscending === false ? -1 : 1;
    list.sort((x, y) => (s.property === 'name' ? String(x.name).localeCompare(String(y.name)) : Number(x.sortOrder) - Number(y.sortOrder)) * dir);
  }
  const position = Math.max(0, a.position ?? 0);
  const ids = list.map((m) => m.id as string);
  return {
    accountId: id,
    queryState: MailViews.state(set),
    canCalculateChanges: false,
    position,
    ids: ids.slice(position, a.limit != null ? position + a.limit : undefined),
    ...(a.calculateTotal ? { total: ids.length } : {}),
  };
}

const MailboxCreate = z.object({ name: z.string().min(1), parentId: Id.nullable().optional(), isSubscribed: z.boolean().optional(), role: z.string().nullable().optional(), sortOrder: z.number().optional() });
const MailboxPatch = z.object({ name: z.string().min(1).optional(), parentId: Id.nullable().optional(), isSubscribed: z.boolean().optional(), sortOrder: z.number().optional() });

async function set(args: Record<string, unknown>, ctx: CallContext) {
  const a = parseArgs(SetArgs.extend({ onDestroyRemoveEmails: z.boolean().optional() }), args);
  checkSetSize(a);
  const acct = await ctx.account(a.accountId);
  const oldStateText = MailViews.state(acct.set);
  if (a.ifInState && a.ifInState !== oldStateText) throw new MethodError('stateMismatch', 'the folders changed since that state');
  const svc = ctx.services.mailboxes;
  const created: Record<string, unknown> = {};
  const notCreated: Record<string, SetError> = {};
  const updated: Record<string, unknown> = {};
  const notUpdated: Record<string, SetError> = {};
  const destroyed: string[] = [];
  const notDestroyed: Record<string, SetError> = {};
  const views = async () => (await ctx.services.mailViews.folders(ctx.viewer.id, acct.owner.ownerId)).views;
  const viewOf = async (jmapId: string) => {
    const n = parseMailboxId(ctx.resolveId(jmapId));
    const v = (await views()).find((x) => x.mailbox.id === n);
    if (!v) throw setFailure('notFound', `no folder ${jmapId}`);
    return v;
  };
  const fullName = async (name: string, parentId: string | null | undefined) => {
    if (name.includes(HIERARCHY_SEPARATOR)) throw setFailure('invalidProperties', `a folder name cannot contain "${HIERARCHY_SEPARATOR}"`, { properties: ['name'] });
    if (!parentId) return name;
    return `${(await viewOf(parentId)).mailbox.name}${HIERARCHY_SEPARATOR}${name}`;
  };

  for (const [cid, raw] of Object.entries(a.create ?? {})) {
    try {
      const r = MailboxCreate.safeParse(raw);
      if (!r.success) throw setFailure('invalidProperties', r.error.issues[0]!.message, { properties: r.error.issues.map((i) => String(i.path[0])) });
      if (!acct.owner.own) throw setFailure('forbidden', 'folders can only be created in your own account');
      const row = await svc.create(ctx.viewer.id, await fullName(r.data.name, r.data.parentId), null);
      if (r.data.isSubscribed === false) await svc.subscribe(ctx.viewer.id, { mailbox: row, owner: { id: ctx.viewer.id, address: ctx.viewer.address, kind: ctx.viewer.kind }, rights: 'lrswipkxtea', own: true }, false);
      ctx.createdIds.set(cid, mailboxId(row.id));
      created[cid] = { id: mailboxId(row.id), totalEmails: 0, unreadEmails: 0, totalThreads: 0, unreadThreads: 0, role: null, sortOrder: 10, isSubscribed: r.data.isSubscribed ?? true };
    } catch (err) {
      notCreated[cid] = toSetError(err);
    }
  }
  for (const [mid, raw] of Object.entries(a.update ?? {})) {
    try {
      const r = MailboxPatch.safeParse(raw);
      if (!r.success) throw setFailure('invalidProperties', r.error.issues[0]!.message, { properties: r.error.issues.map((i) => String(i.path[0])) });
      const v = await viewOf(mid);
      if (r.data.name !== undefined || r.data.parentId !== undefined) {
        const currentParent = parentPath(v.mailbox.name);
        const parentView = currentParent ? (await views()).find((x) => x.mailbox.name === currentParent) : undefined;
        const parentId = r.data.parentId !== undefined ? r.data.parentId : parentView ? mailboxId(parentView.mailbox.id) : null;
        const target = await fullName(r.data.name ?? leaf(v.mailbox.name), parentId);
        if (target !== v.mailbox.name) await svc.rename(ctx.viewer.id, v, target);
      }
      if (r.data.isSubscribed !== undefined) await svc.subscribe(ctx.viewer.id, v, r.data.isSubscribed);
      updated[mid] = null;
    } catch (err) {
      notUpdated[mid] = toSetError(err);
    }
  }
  for (const mid of a.destroy ?? []) {
    try {
      const v = await viewOf(mid);
      if ((await views()).some((x) => x.mailbox.name.startsWith(v.mailbox.name + HIERARCHY_SEPARATOR))) throw setFailure('mailboxHasChild', 'delete or move its sub-folders first');
      if (Number(v.mailbox.message_count) > 0 && !a.onDestroyRemoveEmails) throw setFailure('mailboxHasEmail', 'the folder holds messages (set onDestroyRemoveEmails to delete them too)');
      await svc.delete(ctx.viewer.id, v);
      destroyed.push(mid);
    } catch (err) {
      notDestroyed[mid] = toSetError(err);
    }
  }
  const after = await ctx.services.mailViews.folders(ctx.viewer.id, acct.owner.ownerId);
  return { accountId: acct.id, oldState: oldStateText, newState: MailViews.state(after), created, updated, destroyed, notCreated, notUpdated, notDestroyed };
}

export const mailboxMethods: Methods = {
  'Mailbox/get': { capability: CAPABILITIES.mail, handler: get },
  'Mailbox/changes': { capability: CAPABILITIES.mail, handler: changes },
  'Mailbox/query': { capability: CAPABILITIES.mail, handler: query },
  'Mailbox/set': { capability: CAPABILITIES.mail, handler: set },
};
