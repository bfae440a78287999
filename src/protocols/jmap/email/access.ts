/** The copies of one Email in an account and the folder views they sit in; blob bytes an account may use. */
import type { FolderSet } from '../../../core/mail/mail-views.js';
import type { MailboxView } from '../../../core/mail/mailbox-service.js';
import type { MessageListRow } from '../../../store/types.js';
import { openBlob } from '../blobs.js';
import type { CallContext } from '../context.js';
import { setFailure } from '../proto/errors.js';
import { parseMailboxId } from '../methods/mailbox.js';
import { parseEmailId } from './ids.js';
import { readable } from './load.js';

export interface Copy {
  row: MessageListRow;
  view: MailboxView;
}

/** The copies of an Email (by JMAP id) in the account's readable folders; notFound when none. */
export async function copiesOf(ctx: CallContext, set: FolderSet, jmapId: string): Promise<{ hash: string; copies: Copy[] }> {
  const hash = parseEmailId(ctx.resolveId(jmapId));
  if (!hash) throw setFailure('notFound', `no message ${jmapId}`);
  const views = new Map(readable(set).map((v) => [v.mailbox.id, v]));
  const rows = await ctx.services.mailViews.rows([...views.values()].map((v) => v.mailbox), [hash]);
  if (!rows.length) throw setFailure('notFound', `no message ${jmapId}`);
  return { hash, copies: rows.map((row) => ({ row, view: views.get(row.mailboxId)! })) };
}

/** The folder views named by a mailboxIds object (creation references resolved); invalidProperties on an unknown one. */
export function viewsOf(ctx: CallContext, set: FolderSet, mailboxIds: Record<string, unknown>): MailboxView[] {
  const out: MailboxView[] = [];
  for (const [id, on] of Object.entries(mailboxIds)) {
    if (on !== true) throw setFailure('invalidProperties', 'mailboxIds values must be true', { properties: ['mailboxIds'] });
    const n = parseMailboxId(ctx.resolveId(id));
    const v = set.views.find((x) => x.mailbox.id === n);
    if (!v) throw setFailure('invalidProperties', `no folder ${id} in this account`, { properties: ['mailboxIds'] });
    out.push(v);
  }
  if (!out.length) throw setFailure('invalidProperties', 'a message must be in at least one folder', { properties: ['mailboxIds'] });
  return out;
}

/** The bytes of a blob this account may use (its upload, or a message or part it holds); blobNotFound otherwise. */
export async function blobBytes(ctx: CallContext, accountId: string, blobId: string): Promise<Buffer> {
  const blob = await openBlob(ctx.deps, ctx.viewer, accountId, blobId);
  if (!blob) throw setFailure('blobNotFound', `no blob ${blobId}`, { notFound: [blobId] });
  if (Buffer.isBuffer(blob.stream)) return blob.stream;
  const chunks: Buffer[] = [];
  for await (const c of blob.stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
