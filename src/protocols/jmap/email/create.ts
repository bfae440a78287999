/**
 * Email/set create (RFC 8621 section 4.6): the structured Email becomes MIME (core compose), is
 * appended through local delivery to its first folder and copied to the others, so it is indexed
 * and counted like any other message.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { composeMessage, type ComposeAttachment } from '../../../core/mail/compose.js';
import type { FolderSet } from '../../../core/mail/mail-views.js';
import type { MailboxView } from '../../../core/mail/mailbox-service.js';
import type { CallContext } from '../context.js';
import { setFailure } from '../proto/errors.js';
import { blobBytes, viewsOf } from './access.js';
import { emailId, flagOf, messageBlobId, validKeyword } from './ids.js';

const Address = z.object({ name: z.string().nullable().optional(), email: z.string().min(3) });
const Part = z.object({ partId: z.string().optional(), blobId: z.string().optional(), type: z.string().optional(), name: z.string().nullable().optional(), disposition: z.string().nullable().optional(), cid: z.string().nullable().optional(), charset: z.string().nullable().optional() });
const EmailCreate = z
  .object({
    mailboxIds: z.record(z.string(), z.unknown()),
    keywords: z.record(z.string(), z.literal(true)).optional(),
    receivedAt: z.string().optional(),
    from: z.array(Address).nullable().optional(),
    sender: z.array(Address).nullable().optional(),
    to: z.array(Address).nullable().optional(),
    cc: z.array(Address).nullable().optional(),
    bcc: z.array(Address).nullable().optional(),
    replyTo: z.array(Address).nullable().optional(),
    subject: z.string().nullable().optional(),
    sentAt: z.string().nullable().optional(),
    messageId: z.array(z.string()).nullable().optional(),
    inReplyTo: z.array(z.string()).nullable().optional(),
    references: z.array(z.string()).nullable().optional(),
    bodyValues: z.record(z.string(), z.object({ value: z.string() })).optional(),
    textBody: z.array(Part).max(1).optional(),
    htmlBody: z.array(Part).max(1).optional(),
    attachments: z.array(Part).optional(),
  })
  .catchall(z.unknown());

const addrs = (l: z.infer<typeof Address>[] | null | undefined) => (l ?? []).map((a) => ({ name: a.name ?? null, email: a.email }));

/** Stores bytes as a new message in the given folders; returns its Email id, hash and size. */
export async function storeMessage(ctx: CallContext, views: MailboxView[], raw: Buffer, flags: string[], receivedAt?: Date): Promise<{ id: string; hash: string; size: number }> {
  const [first, ...rest] = views;
  const { uid } = await ctx.services.messages.append(first!, Readable.from([raw]), { flags, ...(receivedAt ? { internalDate: receivedAt } : {}) });
  for (const v of rest) await ctx.services.messages.copy(first!, [uid], v);
  const hash = createHash('sha256').update(raw).digest('hex');
  return { id: emailId(hash), hash, size: raw.length };
}

/** JMAP keywords of a create as IMAP flags (invalidProperties on a bad keyword). */
export function flagsOfKeywords(keywords: Record<string, unknown> | undefined): string[] {
  const out: string[] = [];
  for (const k of Object.keys(keywords ?? {})) {
    if (!validKeyword(k)) throw setFailure('invalidProperties', `"${k}" is not a valid keyword`, { properties: ['keywords'] });
    out.push(flagOf(k));
  }
  return out;
}

export async function createEmail(ctx: CallContext, acct: { id: string; set: FolderSet }, raw: unknown): Promise<Record<string, unknown>> {
  const r = EmailCreate.safeParse(raw);
  if (!r.success) throw setFailure('invalidProperties', r.error.issues[0]!.message, { properties: r.error.issues.map((i) => String(i.path[0])) });
  const e = r.data;
  const extra = Object.keys(e).filter((k) => !(k in EmailCreate.shape));
  const headers: [string, string][] = [];
  for (const k of extra) {
    const m = /^header:([\x21-\x39\x3b-\x7e]+)(?::as(Raw|Text))?$/.exec(k);
    if (!m || typeof e[k] !== 'string') throw setFailure('invalidProperties', `cannot set ${k}`, { properties: [k] });
    headers.push([m[1]!, String(e[k]).replace(/[\r\n]+/g, ' ')]);
  }
  const views = viewsOf(ctx, acct.set, e.mailboxIds);
  const bodyValue = (parts: z.infer<typeof Part>[] | undefined, what: string) => {
    const p = parts?.[0];
    if (!p) return null;
    const v = p.partId ? e.bodyValues?.[p.partId] : undefined;
    if (!v) throw setFailure('invalidProperties', `${what} must name a partId of bodyValues`, { properties: [what] });
    // RFC 8621 leaves line endings of bodyValues to the server; mail on the wire is CRLF
    // (RFC 5322 2.3) and submission refuses bare LF, so every line break becomes CRLF here.
    return v.value.replace(/\r\n|\r|\n/g, '\r\n');
  };
  const attachments: ComposeAttachment[] = [];
  for (const a of e.attachments ?? []) {
    if (!a.blobId) throw setFailure('invalidProperties', 'an attachment needs a blobId', { properties: ['attachments'] });
    attachments.push({
      content: await blobBytes(ctx, acct.id, a.blobId),
      contentType: a.type ?? 'application/octet-stream',
      filename: a.name ?? null,
      cid: a.cid ?? null,
      disposition: a.disposition === 'inline' ? 'inline' : 'attachment',
    });
  }
  const bytes = await composeMessage({
    from: addrs(e.from),
    sender: addrs(e.sender)[0] ?? null,
    to: addrs(e.to),
    cc: addrs(e.cc),
    bcc: addrs(e.bcc),
    replyTo: addrs(e.replyTo),
    subject: e.subject ?? '',
    ...(e.sentAt ? { date: new Date(e.sentAt) } : {}),
    messageId: e.messageId?.[0] ?? null,
    inReplyTo: e.inReplyTo ?? null,
    references: e.references ?? null,
    text: bodyValue(e.textBody, 'textBody'),
    html: bodyValue(e.htmlBody, 'htmlBody'),
    attachments,
    headers,
  });
  const stored = await storeMessage(ctx, views, bytes, flagsOfKeywords(e.keywords), e.receivedAt ? new Date(e.receivedAt) : undefined);
  const threads = await ctx.services.mailViews.repo.threadIds([stored.hash]);
  return { id: stored.id, blobId: messageBlobId(stored.hash), threadId: threads.get(stored.hash) ?? null, size: stored.size };
}
