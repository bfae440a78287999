/**
 * Embedded-mode blob store: one file per blob under <dataDir>/blobs/<first two hex>/<hash>.
 * A write goes to a temporary file while its SHA-256 is computed, is fsynced, then renamed to its
 * content address and the directory fsynced, so a blob that `put` returned is on disk for good.
 * Directory fsyncs are coalesced: concurrent writers into one directory share one fsync.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SHA256_HEX, type BlobStore, type PutResult } from './types.js';
import { SyncCoalescer } from '../sync-coalescer.js';

/** fsync a file or directory by path (fsync applies to the inode, whichever descriptor asks). */
export async function fsyncPath(p: string, data = false): Promise<void> {
  const h = await fs.open(p, 'r');
  try {
    await (data ? h.datasync() : h.sync());
  } finally {
    await h.close();
  }
}

export class FileBlobStore implements BlobStore {
  private readonly tmpDir: string;
  private readonly dirSync = new Map<string, SyncCoalescer>();
  /** Hashes written recently: `delete` leaves them alone, so a sweep never races a new write. */
  private readonly recent = new Map<string, number>();
  /** Per-hash lock: a rename into place and a delete of the same blob never interleave. */
  private readonly locks = new Map<string, Promise<void>>();

  constructor(
    private readonly root: string,
    private readonly graceMs = 60 * 60 * 1000,
  ) {
    this.tmpDir = path.join(root, 'tmp');
  }

  async init(): Promise<void> {
    await fs.mkdir(this.tmpDir, { recursive: true });
  }

  private pathOf(hash: string): string {
    if (!SHA256_HEX.test(hash)) throw Object.assign(new Error(`not a blob id: ${hash}`), { code: 'EINVAL' });
    return path.join(this.root, hash.slice(0, 2), hash);
  }

  async put(source: Readable, observer?: (chunk: Buffer) => void): Promise<PutResult> {
    const tmp = path.join(this.tmpDir, `${randomUUID()}.part`);
    const handle = await fs.open(tmp, 'wx', 0o600);
    const hasher = createHash('sha256');
    let size = 0;
    try {
      await pipeline(
        source,
        new Writable({
          async write(chunk: Buffer, _enc, done) {
            try {
              hasher.update(chunk);
              observer?.(chunk);
              size += chunk.length;
              await handle.write(chunk);
              done();
            } catch (err) {
              done(err as Error);
            }
          },
        }),
      );
      await handle.datasync();
    } catch (err) {
      await handle.close().catch(() => undefined);
      await fs.rm(tmp, { force: true });
      throw err;
    }
    await handle.close();
    const hash = hasher.digest('hex');
    const final = this.pathOf(hash);
    const dir = path.dirname(final);
    await fs.mkdir(dir, { recursive: true });
    // rename over an identical existing blob is harmless: same content, same name.
    await this.withLock(hash, async () => {
      this.recent.set(hash, Date.now());
      await fs.rename(tmp, final);
    });
    await this.syncDir(dir);
    return { hash, size };
  }

  /** fsync a directory so a rename into it is durable; concurrent writers share syncs. */
  private syncDir(dir: string): Promise<void> {
    let s = this.dirSync.get(dir);
    if (!s) {
      s = new SyncCoalescer(() => fsyncPath(dir));
      this.dirSync.set(dir, s);
    }
    return s.request();
  }

  get(hash: string, range?: { start: number; end?: number }): Readable {
    const opts: { start?: number; end?: number } = {};
    if (range) {
      opts.start = range.start;
      if (range.end !== undefined) opts.end = range.end - 1; // fs end is inclusive
    }
    if (range?.end !== undefined && range.end <= range.start) return Readable.from([]);
    return createReadStream(this.pathOf(hash), opts);
  }

  async has(hash: string): Promise<boolean> {
    try {
      await fs.access(this.pathOf(hash));
      return true;
    } catch {
      return false;
    }
  }

  async delete(hash: string): Promise<boolean> {
    let deleted = false;
    await this.withLock(hash, async () => {
      const now = Date.now();
      for (const [h, t] of this.recent) if (now - t > this.graceMs) this.recent.delete(h);
      if (this.recent.has(hash)) return;
      await fs.rm(this.pathOf(hash), { force: true });
      deleted = true;
    });
    return deleted;
  }

  private async withLock(hash: string, fn: () => Promise<void>): Promise<void> {
    const prev = this.locks.get(hash) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(hash, tail);
    try {
      await run;
    } finally {
      if (this.locks.get(hash) === tail) this.locks.delete(hash);
    }
  }

  async *listOlderThan(olderThan: number): AsyncIterable<string> {
    let dirs: string[];
    try {
      dirs = await fs.readdir(this.root);
    } catch {
      return;
    }
    for (const d of dirs) {
      if (!/^[0-9a-f]{2}$/.test(d)) continue;
      for (const name of await fs.readdir(path.join(this.root, d))) {
        if (!SHA256_HEX.test(name)) continue;
        const st = await fs.stat(path.join(this.root, d, name)).catch(() => null);
        if (st && st.mtimeMs < olderThan) yield name;
      }
    }
    // Temporary files of writes that never finished (a crash mid-stream) are removed here too.
    for (const name of await fs.readdir(this.tmpDir).catch(() => [] as string[])) {
      const p = path.join(this.tmpDir, name);
      const st = await fs.stat(p).catch(() => null);
      if (st && st.mtimeMs < olderThan) await fs.rm(p, { force: true });
    }
  }
}
