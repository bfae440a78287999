/**
 * Blobs uploaded by a client before they become messages or attachments (JMAP upload, RFC 8620
 * section 6.1). The bytes go to the content-addressed blob store with no reference, so the blob
 * sweeper removes them after its grace period unless a message takes them up. Which account
 * uploaded what is remembered for a day (RFC 8620 asks for at least an hour) in this process.
 */
import type { Readable } from 'node:stream';
import type { Store } from '../../store/types.js';

const KEEP_MS = 24 * 60 * 60 * 1000;

export interface Uploaded {
  hash: string;
  size: number;
  type: string;
}

export class UploadService {
  private readonly byAccount = new Map<number, Map<string, Uploaded & { at: number }>>();

  constructor(private readonly store: Store) {}

  async put(accountId: number, source: Readable, type: string): Promise<Uploaded> {
    const staged = await this.store.blobs.put(source);
    await this.store.blobRefs.addRefs(staged.hash, staged.size, 0, staged.inline);
    const mine = this.byAccount.get(accountId) ?? new Map();
    this.byAccount.set(accountId, mine);
    const now = Date.now();
    for (const [h, u] of mine) if (now - u.at > KEEP_MS) mine.delete(h);
    const out = { hash: staged.hash, size: staged.size, type };
    mine.set(staged.hash, { ...out, at: now });
    return out;
  }

  /** The upload of `hash` by this account, if it is still known. */
  get(accountId: number, hash: string): Uploaded | undefined {
    const u = this.byAccount.get(accountId)?.get(hash);
    return u && Date.now() - u.at <= KEEP_MS ? u : undefined;
  }

  open(hash: string, range?: { start: number; end: number }): Readable {
    return this.store.blobs.get(hash, range);
  }
}
