/**
 * Garbage collection of message bodies: removes blobs no message refers to any more, and bytes
 * written by deliveries whose transaction never committed (a crash, a quota refusal). A grace
 * period keeps anything written recently, so a sweep never races a delivery in flight.
 */
import type { Store } from '../../store/types.js';

export interface SweepResult {
  unreferenced: number;
  orphans: number;
}

export async function sweepBlobs(store: Store, opts: { graceMs: number; batch?: number }): Promise<SweepResult> {
  const cutoff = Date.now() - opts.graceMs;
  let unreferenced = 0;
  const batch = opts.batch ?? 500;
  for (;;) {
    const hashes = await store.blobRefs.unreferenced(cutoff, batch);
    if (!hashes.length) break;
    for (const { hash, inline } of hashes) {
      if (!inline && !(await store.blobs.backend.delete(hash))) continue;
      await store.blobRefs.forget(hash);
      unreferenced++;
    }
    if (hashes.length < batch) break;
  }
  let orphans = 0;
  for await (const h of store.blobs.backend.listOlderThan(cutoff)) {
    if ((await store.blobRefs.refcount(h)) === undefined && (await store.blobs.backend.delete(h))) orphans++;
  }
  return { unreferenced, orphans };
}
