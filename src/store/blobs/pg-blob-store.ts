/**
 * Cluster-mode blob store: bodies live in PostgreSQL's `blob_chunks` table in 256 KiB chunks, so
 * every stateless node sees every blob and a standby replicates them with the rest of the data.
 * A write streams chunks under a temporary key (the hash is known only at the end), then one
 * transaction renames them to the content address, or drops them if that blob already exists.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema/tables.js';
import { SHA256_HEX, type BlobStore, type PutResult } from './types.js';

const CHUNK = 256 * 1024;

export class PgBlobStore implements BlobStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly graceMs = 60 * 60 * 1000,
  ) {}

  async put(source: Readable, observer?: (chunk: Buffer) => void): Promise<PutResult> {
    const tmpKey = `tmp:${Date.now()}:${randomUUID()}`;
    const hasher = createHash('sha256');
    let size = 0;
    let seq = 0;
    let pending: Buffer[] = [];
    let pendingLen = 0;
    const flush = async () => {
      if (!pendingLen) return;
      const data = Buffer.concat(pending, pendingLen);
      pending = [];
      pendingLen = 0;
      await this.db.insertInto('blob_chunks').values({ hash: tmpKey, seq: seq++, data, created_at: Date.now() }).execute();
    };
    try {
      await pipeline(
        source,
        new Writable({
          write: (chunk: Buffer, _enc, done) => {
            hasher.update(chunk);
            observer?.(chunk);
            size += chunk.length;
            pending.push(chunk);
            pendingLen += chunk.length;
            if (pendingLen < CHUNK) return done();
            flush().then(() => done(), done);
          },
          final: (done) => {
            flush().then(() => done(), done);
          },
        }),
      );
      const hash = hasher.digest('hex');
      await this.db.transaction().execute(async (trx) => {
        // Serialise writers of the same content so exactly one rename wins.
        await sql`select pg_advisory_xact_lock(hashtextextended(${hash}, 0))`.execute(trx);
        const exists = await trx.selectFrom('blob_chunks').select('seq').where('hash', '=', hash).limit(1).executeTakeFirst();
        if (exists) {
          // Touch the existing blob so a sweep running now treats it as fresh.
          await trx.updateTable('blob_chunks').set({ created_at: Date.now() }).where('hash', '=', hash).where('seq', '=', 0).execute();
        }
        if (exists || size === 0) {
          await trx.deleteFrom('blob_chunks').where('hash', '=', tmpKey).execute();
          if (!exists) await trx.insertInto('blob_chunks').values({ hash, seq: 0, data: Buffer.alloc(0), created_at: Date.now() }).execute();
        } else {
          await trx.updateTable('blob_chunks').set({ hash }).where('hash', '=', tmpKey).execute();
        }
      });
      return { hash, size };
    } catch (err) {
      await this.db.deleteFrom('blob_chunks').where('hash', '=', tmpKey).execute().catch(() => undefined);
      throw err;
    }
  }

  get(hash: string, range?: { start: number; end?: number }): Readable {
    if (!SHA256_HEX.test(hash)) throw Object.assign(new Error(`not a blob id: ${hash}`), { code: 'EINVAL' });
    const db = this.db;
    const start = range?.start ?? 0;
    const end = range?.end ?? Number.POSITIVE_INFINITY;
    async function* chunks(): AsyncGenerator<Buffer> {
      if (end <= start) return;
      let offset = 0;
      let seq = 0;
      let found = false;
      for (;;) {
        // One chunk per query keeps memory flat whatever the blob's size.
        const row = await db.selectFrom('blob_chunks').select(['data']).where('hash', '=', hash).where('seq', '=', seq).executeTakeFirst();
        if (!row) break;
        found = true;
        const data = row.data;
        const chunkStart = offset;
        offset += data.length;
        seq++;
        if (offset <= start) continue;
        const from = Math.max(0, start - chunkStart);
        const to = Math.min(data.length, end - chunkStart);
        if (to > from) yield data.subarray(from, to);
        if (offset >= end) break;
      }
      if (!found) throw Object.assign(new Error(`blob ${hash} not found`), { code: 'ENOENT' });
    }
    return Readable.from(chunks(), { objectMode: false });
  }

  async has(hash: string): Promise<boolean> {
    const row = await this.db.selectFrom('blob_chunks').select('seq').where('hash', '=', hash).limit(1).executeTakeFirst();
    return !!row;
  }

  async delete(hash: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtextextended(${hash}, 0))`.execute(trx);
      const head = await trx.selectFrom('blob_chunks').select('created_at').where('hash', '=', hash).where('seq', '=', 0).executeTakeFirst();
      // Written again within the grace period: a delivery is about to reference it.
      if (head && Date.now() - Number(head.created_at) < this.graceMs) return false;
      await trx.deleteFrom('blob_chunks').where('hash', '=', hash).execute();
      return true;
    });
  }

  async *listOlderThan(olderThan: number): AsyncIterable<string> {
    // Abandoned temporary writes carry their start time in the key.
    const tmps = await this.db.selectFrom('blob_chunks').select('hash').distinct().where('hash', 'like', 'tmp:%').execute();
    for (const { hash } of tmps) {
      const t = Number(hash.split(':')[1]);
      if (t < olderThan) await this.db.deleteFrom('blob_chunks').where('hash', '=', hash).execute();
    }
    const rows = await this.db
      .selectFrom('blob_chunks')
      .select('hash')
      .where('seq', '=', 0)
      .where('created_at', '<', olderThan)
      .where('hash', 'not like', 'tmp:%')
      .execute();
    for (const r of rows) yield r.hash;
  }
}
