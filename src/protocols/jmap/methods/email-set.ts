/** Email/set, Email/import, Email/copy and Email/parse (RFC 8621 sections 4.6 to 4.9). */
import { Readable } from 'node:stream';
import { z } from 'zod';
import { indexBuffer } from '../../../core/mail/mime/index.js';
import { MailViews } from '../../../core/mail/mail-views.js';
import type { CallContext } from '../context.js';
import type { Methods } from '../dispatch.js';
import { blobBytes, copiesOf, viewsOf } from '../email/access.js';
import { createEmail, flagsOfKeywords, storeMessage } from '../email/create.js';
import { emailId, messageBlobId } from '../email/ids.js';
import { DEFAULT_BODY_PROPERTIES, buildEmail, checkEmailProperties } from '../email/object.js';
import { destroyEmail, updateEmail } from '../email/update.js';
import { MethodError, setFailure, toSetError, type SetError } from '../proto/errors.js';
import { CAPABILITIES } from '../proto/request.js';
import { SetArgs, checkSetSize, parseArgs } from './common.js';

type Account = Awaited<ReturnType<CallContext['account']>>;

function checkState(acct: Account, ifInState: string | null | undefined): string {
  const state = MailViews.state(acct.set);
  if (ifInState && ifInState !== state) throw new MethodError('stateMismatch', 'the account changed since that state');
  return state;
}

const newState = async (ctx: CallContext, acct: Account) => MailViews.state(await ctx.services.mailViews.folders(ctx.viewer.id, acct.owner.ownerId));

/** Runs an Email/set (also used for the implicit one after EmailSubmission/set). */
export async function emailSet(ctx: CallContext, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const a = parseArgs(SetArgs, args);
  checkSetSize(a);
  const acct = await ctx.account(a.accountId);
  const oldState = checkState(acct, a.ifInState);
  const created: Record<string, unknown> = {};
  const notCreated: Record<string, SetError> = {};
  const updated: Record<string, null> = {};
  const notUpdated: Record<string, SetError> = {};
  const destroyed: string[] = [];
  const notDestroyed: Record<string, SetError> = {};
  for (const [cid, obj] of Object.entries(a.create ?? {})) {
    try {
      const c = await createEmail(ctx, acct, obj);
      ctx.createdIds.set(cid, c.id as string);
      created[cid] = c;
    } catch (err) {
      notCreated[cid] = toSetError(err);
    }
  }
  for (const [id, patch] of Object.entries(a.update ?? {})) {
    try {
      await updateEmail(ctx, (acct.set = (await ctx.account(acct.id)).set), id, patch);
      updated[id] = null;
    } catch (err) {
      notUpdated[id] = toSetError(err);
    }
  }
  for (const id of a.destroy ?? []) {
    try {
      await destroyEmail(ctx, acct.set, id);
      destroyed.push(id);
    } catch (err) {
      notDestroyed[id] = toSetError(err);
    }
  }
  return { accountId: acct.id, oldState, newState: await newState(ctx, acct), created, updated, destroyed, notCreated, notUpdated, notDestroyed };
}

const ImportArgs = z.object({
  accountId: z.string(),
  ifInState: z.string().nullable().optional(),
  emails: z.record(z.string(), z.object({ blobId: z.string(), mailboxIds: z.record(z.string(), z.unknown()), keywords: z.record(z.string(), z.literal(true)).optional(), receivedAt: z.string().optional() })),
});

async function importEmails(args: Record<string, unknown>, ctx: CallContext) {
  const a = parseArgs(ImportArgs, args);
  const acct = await ctx.account(a.accountId);
  const oldState = checkState(acct, a.ifInState);
  const created: Record<string, unknown> = {};
  const notCreated: Record<string, SetError> = {};
  for (const [cid, e] of Object.entries(a.emails)) {
    try {
      const raw = await blobBytes(ctx, acct.id, ctx.resolveId(e.blobId));
      const idx = indexBuffer(raw);
      if (!idx.headerSize || idx.problems.includes('no-header-end')) throw setFailure('invalidEmail', 'the blob is not an RFC 5322 message');
      const stored = await storeMessage(ctx, viewsOf(ctx, acct.set, e.mailboxIds), raw, flagsOfKeywords(e.keywords), e.receivedAt ? new Date(e.receivedAt) : undefined);
      const threads = await ctx.services.mailViews.repo.threadIds([stored.hash]);
      ctx.createdIds.set(cid, stored.id);
      created[cid] = { id: stored.id, blobId: messageBlobId(stored.hash), threadId: threads.get(stored.hash) ?? null, size: stored.size };
    } catch (err) {
      notCreated[cid] = toSetError(err);
    }
  }
  return { accountId: acct.id, oldState, newState: await newState(ctx, acct), created, notCreated };
}

const CopyArgs = z.object({
  fromAccountId: z.string(),
  ifFromInState: z.string().nullable().optional(),
  accountId: z.string(),
  ifInState: z.string().nullable().optional(),
  create: z.record(z.string(), z.object({ id: z.string(), mailboxIds: z.record(z.string(), z.unknown()), keywords: z.record(z.string(), z.literal(true)).optional(), receivedAt: z.string().optional() })),
  onSuccessDestroyOriginal: z.boolean().optional(),
  destroyFromIfInState: z.string().nullable().optional(),
});

/** Email/copy between two JMAP accounts (own and shared): a COPY of the body into the target folders. */
async function copyEmails(args: Record<string, unknown>, ctx: CallContext) {
  const a = parseArgs(CopyArgs, args);
  const from = await ctx.account(a.fromAccountId).catch(() => {
    throw new MethodError('fromAccountNotFound', `no account ${a.fromAccountId}`);
  });
  if (a.fromAccountId === a.accountId) throw new MethodError('invalidArguments', 'Email/copy is between two different accounts (use Email/set to file a message in more folders)');
  checkState(from, a.ifFromInState);
  const to = await ctx.account(a.accountId);
  const oldState = checkState(to, a.ifInState);
  const created: Record<string, unknown> = {};
  const notCreated: Record<string, SetError> = {};
  const copied: string[] = [];
  for (const [cid, e] of Object.entries(a.create)) {
    try {
      const { hash, copies } = await copiesOf(ctx, from.set, e.id);
      const targets = viewsOf(ctx, to.set, e.mailboxIds);
      const flags = e.keywords ? flagsOfKeywords(e.keywords) : null;
      for (const t of targets) {
        const res = await ctx.services.messages.copy(copies[0]!.view, [copies[0]!.row.uid], t);
        const uid = res.map[0]?.[1];
        if (flags && uid !== undefined) await ctx.services.messages.setFlags(t, [uid], 'replace', flags, { origin: 'jmap' });
      }
      const threads = await ctx.services.mailViews.repo.threadIds([hash]);
      ctx.createdIds.set(cid, emailId(hash));
      created[cid] = { id: emailId(hash), blobId: messageBlobId(hash), threadId: threads.get(hash) ?? null, size: copies[0]!.row.size };
      copied.push(e.id);
    } catch (err) {
      notCreated[cid] = toSetError(err);
    }
  }
  if (a.onSuccessDestroyOriginal && copied.length) {
    ctx.extra.push(['Email/set', await emailSet(ctx, { accountId: from.id, destroy: copied, ...(a.destroyFromIfInState ? { ifInState: a.destroyFromIfInState } : {}) })]);
  }
  return { fromAccountId: from.id, accountId: to.id, oldState, newState: await newState(ctx, to), created, notCreated };
}

const ParseArgs = z.object({
  accountId: z.string(),
  blobIds: z.array(z.string()),
  properties: z.array(z.string()).nullable().optional(),
  bodyProperties: z.array(z.string()).nullable().optional(),
  fetchTextBodyValues: z.boolean().optional(),
  fetchHTMLBodyValues: z.boolean().optional(),
  fetchAllBodyValues: z.boolean().optional(),
  maxBodyValueBytes: z.number().int().nonnegative().optional(),
});
const PARSE_PROPERTIES = ['messageId', 'inReplyTo', 'references', 'sender', 'from', 'to', 'cc', 'bcc', 'replyTo', 'subject', 'sentAt', 'hasAttachment', 'preview', 'bodyValues', 'textBody', 'htmlBody', 'attachments'];

/** Email/parse: a blob (an upload, or an attached message) parsed as an Email without storing it as one. */
async function parseEmails(args: Record<string, unknown>, ctx: CallContext) {
  const a = parseArgs(ParseArgs, args);
  const acct = await ctx.account(a.accountId);
  const props = a.properties ?? PARSE_PROPERTIES;
  checkEmailProperties(props);
  const parsed: Record<string, unknown> = {};
  const notParsable: string[] = [];
  const notFound: string[] = [];
  for (const blobId of a.blobIds) {
    let raw: Buffer;
    try {
      raw = await blobBytes(ctx, acct.id, blobId);
    } catch {
      notFound.push(blobId);
      continue;
    }
    const index = indexBuffer(raw);
    if (!index.headerSize) {
      notParsable.push(blobId);
      continue;
    }
    // Body values are read by offset from a stored blob: keep the bytes as an upload of this account.
    const up = await ctx.services.uploads.put(ctx.viewer.id, Readable.from([raw]), 'message/rfc822');
    const email = await buildEmail(ctx.services.messages, { hash: up.hash, rows: [], index, threadId: '' }, props.filter((p) => !['id', 'mailboxIds', 'keywords', 'receivedAt', 'threadId', 'size', 'blobId'].includes(p)), {
      bodyProperties: a.bodyProperties ?? DEFAULT_BODY_PROPERTIES,
      fetchTextBodyValues: a.fetchTextBodyValues ?? false,
      fetchHTMLBodyValues: a.fetchHTMLBodyValues ?? false,
      fetchAllBodyValues: a.fetchAllBodyValues ?? false,
      maxBodyValueBytes: a.maxBodyValueBytes ?? 0,
    });
    delete email.id;
    parsed[blobId] = { ...email, ...(props.includes('blobId') ? { blobId: messageBlobId(up.hash) } : {}), ...(props.includes('size') ? { size: raw.length } : {}) };
  }
  return { accountId: acct.id, parsed, notParsable, notFound };
}

export const emailSetMethods: Methods = {
  'Email/set': { capability: CAPABILITIES.mail, handler: (args, ctx) => emailSet(ctx, args) },
  'Email/import': { capability: CAPABILITIES.mail, handler: importEmails },
  'Email/copy': { capability: CAPABILITIES.mail, handler: copyEmails },
  'Email/parse': { capability: CAPABILITIES.mail, handler: parseEmails },
};
