/**
 * Embedded engine: one SQLite file (better-sqlite3) in WAL mode with synchronous=FULL: every commit
 * is on disk before a client is told "done", and group commit (see kysely-store.ts) shares one sync
 * among concurrent callers. The option `commitSync: 'wal-fdatasync'` instead commits with
 * synchronous=NORMAL and fdatasyncs the WAL on libuv's thread pool before anyone is answered (same
 * guarantee, event loop free during the sync); the delivery benchmark measures both, and inline
 * FULL was as fast or faster here. Blobs over the inline limit are files under <dataDir>/blobs.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { open, type FileHandle } from 'node:fs/promises';
import { FileBlobStore, fsyncPath } from '../blobs/file-blob-store.js';
import { SyncCoalescer } from '../sync-coalescer.js';
import { KyselyStore } from '../kysely-store.js';
import type { Database as Schema } from '../schema/tables.js';
import { withStatementCache } from './statement-cache.js';

export class SqliteStore extends KyselyStore {
  private constructor(
    db: Kysely<Schema>,
    blobs: FileBlobStore,
    private readonly raw: Database.Database,
    walFile: string | null,
  ) {
    super('sqlite', db, blobs, { writers: 1 });
    this.walSync = walFile ? new SyncCoalescer(() => this.syncWal(walFile)) : null;
  }

  private readonly walSync: SyncCoalescer | null;

  /** The WAL's descriptor, kept open: SQLite keeps the same file (truncating, never replacing it) while connected. */
  private walHandle: FileHandle | null = null;

  private async syncWal(walFile: string): Promise<void> {
    this.walHandle ??= await open(walFile, 'r');
    try {
      await this.walHandle.datasync();
    } catch (err) {
      // Should the file have been replaced after all, sync it by name once and start over.
      await this.walHandle.close().catch(() => undefined);
      this.walHandle = null;
      await fsyncPath(walFile, true);
      if ((err as NodeJS.ErrnoException).code !== 'EBADF') throw err;
    }
  }

  override async close(): Promise<void> {
    await super.close();
    await this.walHandle?.close().catch(() => undefined);
    this.walHandle = null;
  }

  protected override durable(): Promise<void> {
    return this.walSync ? this.walSync.request() : Promise.resolve();
  }

  static async open(opts: { file: string; blobDir: string; blobGraceMs?: number; commitSync?: 'wal-fdatasync' | 'full' }): Promise<SqliteStore> {
    mkdirSync(path.dirname(opts.file), { recursive: true });
    const raw = new Database(opts.file);
    raw.pragma('journal_mode = WAL');
    // Measured (bench/delivery.ts): syncing inside the commit is as fast as syncing the WAL on the
    // thread pool, and faster for a single writer (no thread hop), so it is the default.
    const syncInline = (opts.commitSync ?? 'full') === 'full';
    raw.pragma(`synchronous = ${syncInline ? 'FULL' : 'NORMAL'}`);
    raw.pragma('foreign_keys = ON');
    raw.pragma('busy_timeout = 10000');
    // 64 MiB of page cache (the default is 2 MiB): index-heavy bulk writes such as a directory
    // import stop re-reading B-tree pages from the OS.
    raw.pragma('cache_size = -65536');
    raw.pragma('temp_store = MEMORY');
    const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(raw) }) });
    const blobs = new FileBlobStore(opts.blobDir, opts.blobGraceMs);
    await blobs.init();
    const store = new SqliteStore(db, blobs, raw, syncInline ? null : `${opts.file}-wal`);
    await store.migrate();
    return store;
  }

  async integrityCheck(): Promise<string[]> {
    const rows = this.raw.pragma('integrity_check') as { integrity_check: string }[];
    const problems = rows.map((r) => r.integrity_check).filter((s) => s !== 'ok');
    const fk = this.raw.pragma('foreign_key_check') as unknown[];
    if (fk.length) problems.push(`${fk.length} foreign key violations`);
    return problems;
  }
}
