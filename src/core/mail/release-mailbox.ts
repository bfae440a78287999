/**
 * Removes a folder with its messages inside an open transaction, giving back what they held: the
 * blob references (the sweeper removes bodies nothing refers to any more) and the owner's quota,
 * and logs the deletion for JMAP's change tracking.
 */
import type { Repos } from '../../store/types.js';

export async function releaseMailbox(tx: Repos, mailboxId: number, ownerAccountId: number): Promise<void> {
  const rows = await tx.messages.list(mailboxId);
  const byHash = new Map<string, number>();
  let bytes = 0;
  for (const r of rows) {
    byHash.set(r.blob_hash, (byHash.get(r.blob_hash) ?? 0) + 1);
    bytes += Number(r.size);
  }
  for (const [hash, n] of byHash) await tx.blobRefs.removeRefs(hash, n);
  if (bytes) await tx.mailState.releaseQuota(ownerAccountId, bytes);
  await tx.mailState.deleteMailbox(mailboxId);
  // JMAP clients learn of the deletion (and of the emails gone with it) from the folder log.
  await tx.jmap.logMailbox(ownerAccountId, mailboxId, 'deleted', [...byHash.keys()]);
}
