/** Loads Email sources (copies, index, thread) of bodies visible in a JMAP account's readable folders. */
import type { FolderSet } from '../../../core/mail/mail-views.js';
import type { MailboxView } from '../../../core/mail/mailbox-service.js';
import type { MessageListRow } from '../../../store/types.js';
import type { CallContext } from '../context.js';
import type { EmailSource } from './object.js';

/** Folders whose messages the viewer may read (RFC 4314 r). */
export const readable = (set: FolderSet): MailboxView[] => set.views.filter((v) => v.rights.includes('r'));

export function groupByHash(rows: readonly MessageListRow[]): Map<string, MessageListRow[]> {
  const out = new Map<string, MessageListRow[]>();
  for (const r of rows) {
    const l = out.get(r.blobHash);
    if (l) l.push(r);
    else out.set(r.blobHash, [r]);
  }
  return out;
}

export async function loadEmails(ctx: CallContext, set: FolderSet, hashes: readonly string[]): Promise<Map<string, EmailSource>> {
  const svc = ctx.services;
  const rows = groupByHash(await svc.mailViews.rows(readable(set).map((v) => v.mailbox), hashes));
  const present = [...rows.keys()];
  const [indexes, threads] = await Promise.all([svc.messages.indexes(present), svc.mailViews.repo.threadIds(present)]);
  const out = new Map<string, EmailSource>();
  for (const h of present) {
    const index = indexes.get(h);
    if (!index) continue;
    out.set(h, { hash: h, rows: rows.get(h)!.sort((a, b) => a.mailboxId - b.mailboxId || a.uid - b.uid), index, threadId: threads.get(h) ?? `T${h.slice(0, 20)}` });
  }
  return out;
}
