/**
 * EmailSubmission/get and /set (RFC 8621 section 7) through the SMTP submission path of
 * core/transport: the same sender check (own address or a send grant), recipient checks, rate
 * limits, policy hooks, local delivery (recipients' rules run) and outbound queue. Bcc is removed
 * before the message leaves. onSuccessUpdateEmail / onSuccessDestroyEmail run as an implicit
 * Email/set (section 7.5), which is how a client files the message into Sent.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { stripBcc } from '../../../core/mail/compose.js';
import { readMessage } from '../../../core/mail/parts.js';
import { isWardpostError } from '../../../core/errors.js';
import type { CallContext } from '../context.js';
import type { Methods } from '../dispatch.js';
import { copiesOf } from '../email/access.js';
import { emailId } from '../email/ids.js';
import { loadEmails } from '../email/load.js';
import { MethodError, SetFailure, setFailure, toSetError, type SetError } from '../proto/errors.js';
import { CAPABILITIES } from '../proto/request.js';
import { GetArgs, checkSetSize, idsToGet, parseArgs, pick } from './common.js';
import { emailSet } from './email-set.js';
import { identityAddress, identityId } from './identity.js';

const Envelope = z.object({ mailFrom: z.object({ email: z.string() }), rcptTo: z.array(z.object({ email: z.string() })).min(1) });
const Create = z.object({ identityId: z.string(), emailId: z.string(), envelope: Envelope.nullable().optional() });
const SetArgs = z.object({
  accountId: z.string(),
  ifInState: z.string().nullable().optional(),
  create: z.record(z.string(), z.unknown()).nullable().optional(),
  update: z.record(z.string(), z.unknown()).nullable().optional(),
  destroy: z.array(z.string()).nullable().optional(),
  onSuccessUpdateEmail: z.record(z.string(), z.record(z.string(), z.unknown())).nullable().optional(),
  onSuccessDestroyEmail: z.array(z.string()).nullable().optional(),
});

/** Submissions of this process, per account (they are final at once: no delayed send). */
const submissions = new Map<number, Map<string, Record<string, unknown>>>();
let counter = 0;

function mine(accountId: number): Map<string, Record<string, unknown>> {
  let m = submissions.get(accountId);
  if (!m) submissions.set(accountId, (m = new Map()));
  return m;
}

async function ownAccount(ctx: CallContext, accountId: string) {
  const acct = await ctx.account(accountId);
  if (!acct.owner.own) throw new MethodError('accountNotSupportedByMethod', 'submit from your own account (send as a shared mailbox through its identity)');
  return acct;
}

function sendError(err: unknown): SetError {
  if (isWardpostError(err)) {
    const d = err.detail as { sender?: boolean; recipients?: boolean };
    if (d.sender) return { type: 'forbiddenFrom', description: err.message };
    if (d.recipients) return { type: 'tooManyRecipients', description: err.message };
    if (err.code === 'not_found') return { type: 'invalidRecipients', description: err.message, invalidRecipients: [String((err.detail as { recipient?: string }).recipient ?? '')] };
    if (err.code === 'forbidden' || err.code === 'relay_denied' || err.code === 'policy_rejected') return { type: 'forbiddenToSend', description: err.message };
    if (err.code === 'message_too_large') return { type: 'tooLarge', description: err.message };
  }
  return toSetError(err);
}

async function submit(ctx: CallContext, acct: Awaited<ReturnType<typeof ownAccount>>, raw: unknown): Promise<Record<string, unknown>> {
  const transport = ctx.deps.transport;
  if (!transport) throw setFailure('forbiddenToSend', 'mail submission is not running on this server');
  const p = Create.safeParse(raw);
  if (!p.success) throw setFailure('invalidProperties', p.error.issues[0]!.message, { properties: p.error.issues.map((i) => String(i.path[0])) });
  const from = identityAddress(p.data.identityId);
  const senders = await ctx.services.mailViews.senders(ctx.viewer.id);
  if (!from || !senders.some((s) => s.address === from)) throw setFailure('invalidProperties', `no identity ${p.data.identityId}`, { properties: ['identityId'] });
  const { hash, copies } = await copiesOf(ctx, acct.set, p.data.emailId);
  const src = (await loadEmails(ctx, acct.set, [hash])).get(hash)!;
  const rcpts = p.data.envelope?.rcptTo.map((r) => r.email) ?? [...new Set([...src.index.to, ...src.index.cc, ...src.index.bcc].map((a) => a.address))];
  if (!rcpts.length) throw setFailure('noRecipients', 'the message has no recipients (To, Cc or Bcc)');
  const mailFrom = p.data.envelope?.mailFrom.email ?? from;
  const session = { id: `jmap-${randomUUID()}`, kind: 'submission' as const, remoteAddress: ctx.ip, clientHostname: 'jmap', helo: 'jmap', secure: true, account: ctx.viewer };
  const bytes = stripBcc(await readMessage(ctx.services.messages, hash, copies[0]!.row.size));
  try {
    await transport.checkSender(session, mailFrom);
    for (let i = 0; i < rcpts.length; i++) await transport.checkRecipient(session, rcpts[i]!, i);
    await transport.receive(session, { mailFrom, rcptTo: rcpts }, Readable.from([bytes]), { copyToSent: false });
  } catch (err) {
    throw new SetFailure(sendError(err));
  } finally {
    transport.endSession(session.id);
  }
  const id = `S${Date.now().toString(36)}${(counter++).toString(36)}`;
  const record = {
    id,
    identityId: identityId(from),
    emailId: emailId(hash),
    threadId: src.threadId,
    envelope: { mailFrom: { email: mailFrom, parameters: null }, rcptTo: rcpts.map((email) => ({ email, parameters: null })) },
    sendAt: new Date().toISOString().replace('.000Z', 'Z'),
    undoStatus: 'final',
    deliveryStatus: Object.fromEntries(rcpts.map((r) => [r, { smtpReply: '250 2.0.0 accepted', delivered: 'queued', displayed: 'unknown' }])),
    dsnBlobIds: [],
    mdnBlobIds: [],
  };
  mine(ctx.viewer.id).set(id, record);
  return record;
}

const stateOf = (ctx: CallContext) => `${mine(ctx.viewer.id).size}`;

async function get(args: Record<string, unknown>, ctx: CallContext) {
  const a = parseArgs(GetArgs, args);
  const acct = await ownAccount(ctx, a.accountId);
  const ids = idsToGet(a.ids)?.map((i) => ctx.resolveId(i)) ?? null;
  const all = mine(ctx.viewer.id);
  const list = (ids ?? [...all.keys()]).map((i) => all.get(i)).filter((x): x is Record<string, unknown> => !!x);
  return { accountId: acct.id, state: stateOf(ctx), list: list.map((s) => pick(s, a.properties)), notFound: ids ? ids.filter((i) => !all.has(i)) : [] };
}

async function set(args: Record<string, unknown>, ctx: CallContext) {
  const a = parseArgs(SetArgs, args);
  checkSetSize({ accountId: a.accountId, create: a.create as never, update: a.update as never, destroy: a.destroy ?? null });
  const acct = await ownAccount(ctx, a.accountId);
  const oldState = stateOf(ctx);
  if (a.ifInState && a.ifInState !== oldState) throw new MethodError('stateMismatch', 'submissions changed since that state');
  const created: Record<string, unknown> = {};
  const notCreated: Record<string, SetError> = {};
  const notUpdated: Record<string, SetError> = {};
  const notDestroyed: Record<string, SetError> = {};
  const done = new Map<string, string>();
  for (const [cid, obj] of Object.entries(a.create ?? {})) {
    try {
      const r = await submit(ctx, acct, obj);
      ctx.createdIds.set(cid, r.id as string);
      done.set(`#${cid}`, r.emailId as string);
      done.set(r.id as string, r.emailId as string);
      created[cid] = { id: r.id, sendAt: r.sendAt, undoStatus: r.undoStatus };
    } catch (err) {
      notCreated[cid] = toSetError(err);
    }
  }
  // Sent at once: nothing is pending, so nothing can be cancelled (undoStatus is final).
  for (const id of Object.keys(a.update ?? {})) notUpdated[id] = { type: 'cannotUnsend', description: 'the message has already been sent' };
  for (const id of a.destroy ?? []) notDestroyed[id] = mine(ctx.viewer.id).has(id) ? { type: 'forbidden', description: 'sent messages are kept in the record' } : { type: 'notFound' };
  const update: Record<string, Record<string, unknown>> = {};
  for (const [ref, patch] of Object.entries(a.onSuccessUpdateEmail ?? {})) {
    const e = done.get(ref);
    if (e) update[e] = patch;
  }
  const destroy = (a.onSuccessDestroyEmail ?? []).map((ref) => done.get(ref)).filter((x): x is string => !!x);
  if (Object.keys(update).length || destroy.length) ctx.extra.push(['Email/set', await emailSet(ctx, { accountId: acct.id, update, destroy })]);
  return { accountId: acct.id, oldState, newState: stateOf(ctx), created, updated: {}, destroyed: [], notCreated, notUpdated, notDestroyed };
}

export const submissionMethods: Methods = {
  'EmailSubmission/get': { capability: CAPABILITIES.submission, handler: get },
  'EmailSubmission/set': { capability: CAPABILITIES.submission, handler: set },
};
