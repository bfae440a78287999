/**
 * What the rest of the system sees of blobs. Small bodies (up to `inlineMax`, 64 KiB by default)
 * are kept inline in the `blobs` row and written by the same transaction that references them, so
 * a typical message costs one durable commit instead of a file fsync, a directory fsync and a
 * commit. Larger bodies stream straight through to the engine's byte store (files or PostgreSQL
 * chunks) and are never held whole in memory: at most `inlineMax` bytes are buffered before the
 * stream is handed on.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Database } from '../schema/tables.js';
import type { BlobStore } from './types.js';

export const DEFAULT_INLINE_MAX = 64 * 1024;

export interface StagedBlob {
  hash: string;
  size: number;
  /** The bytes, when small enough to be written inline by the referencing transaction. */
  inline: Buffer | null;
}

export class BlobAccess {
  constructor(
    private readonly db: Kysely<Database>,
    readonly backend: BlobStore,
    private readonly inlineMax = DEFAULT_INLINE_MAX,
  ) {}

  /**
   * Reads `source` once. A large body is durable in the byte store when this resolves; a small
   * one comes back in `inline` and becomes durable with the transaction that calls `addRefs`.
   */
  async put(source: Readable, observer?: (chunk: Buffer) => void): Promise<StagedBlob> {
    const it = source[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
    const buffered: Buffer[] = [];
    let total = 0;
    for (;;) {
      const { value, done } = await it.next();
      if (done) {
        const inline = Buffer.concat(buffered, total);
        return { hash: createHash('sha256').update(inline).digest('hex'), size: total, inline };
      }
      const chunk = typeof value === 'string' ? Buffer.from(value) : value;
      observer?.(chunk);
      buffered.push(chunk);
      total += chunk.length;
      if (total > this.inlineMax) break;
    }
    async function* rest(): AsyncGenerator<Buffer> {
      yield* buffered.splice(0);
      for (;;) {
        const { value, done } = await it.next();
        if (done) return;
        const chunk = typeof value === 'string' ? Buffer.from(value) : value;
        observer?.(chunk);
        yield chunk;
      }
    }
    const { hash, size } = await this.backend.put(Readable.from(rest()));
    return { hash, size, inline: null };
  }

  /** Streams a blob, whole or the bytes [start, end). Errors with code ENOENT if it does not exist. */
  get(hash: string, range?: { start: number; end?: number }): Readable {
    const db = this.db;
    const backend = this.backend;
    async function* bytes(): AsyncGenerator<Buffer> {
      const row = await db.selectFrom('blobs').select('data').where('hash', '=', hash).executeTakeFirst();
      if (row?.data) {
        const start = range?.start ?? 0;
        const end = range?.end ?? row.data.length;
        if (end > start) yield row.data.subarray(start, end);
        return;
      }
      yield* backend.get(hash, range) as AsyncIterable<Buffer>;
    }
    return Readable.from(bytes(), { objectMode: false });
  }

  async has(hash: string): Promise<boolean> {
    const row = await this.db.selectFrom('blobs').select('data').where('hash', '=', hash).executeTakeFirst();
    return !!row?.data || (await this.backend.has(hash));
  }
}
