/**
 * Embedded engine: one SQLite file (better-sqlite3) in WAL mode. Nothing is acknowledged to a
 * client before it is on stable storage, and the event loop does not wait for a slow disk:
 *
 * - commits run with synchronous=NORMAL (SQLite writes the WAL frames, no sync), then the WAL is
 *   fdatasynced on libuv's thread pool before any caller of that commit is answered; concurrent
 *   commits share one sync (SyncCoalescer), and group commit (kysely-store.ts) shares one commit
 *   among concurrent callers. That is synchronous=FULL's guarantee, with the wait off the loop.
 *   A lone writer on a fast disk (recent syncs under 2 ms) syncs inline instead: the round trip
 *   to the thread pool cost more than the sync itself.
 * - the main connection never checkpoints; a worker thread with its own connection does
 *   (checkpointer.ts), syncing WAL and database file itself before SQLite may reuse the WAL.
 *
 * - the text index (IMAP SEARCH TEXT) is a file of its own, kept by another worker thread
 *   (text-index-file.ts): none of its work runs on the event loop or goes into this WAL.
 *
 * `commitSync: 'full'` keeps SQLite's own synchronous=FULL with inline checkpoints instead (the
 * delivery benchmark measures both). Blobs over the inline limit are files under <dataDir>/blobs.
 */
import { fdatasyncSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { open, type FileHandle } from 'node:fs/promises';
import { FileBlobStore, fsyncPath } from '../blobs/file-blob-store.js';
import { SyncCoalescer } from '../sync-coalescer.js';
import { KyselyStore } from '../kysely-store.js';
import type { Database as Schema } from '../schema/tables.js';
import { withStatementCache } from './statement-cache.js';
import { Checkpointer } from './checkpointer.js';
import { SqliteTextSearchRepo } from './text-search.js';
import { LoopLoad } from '../loop-load.js';

/** A lone writer syncs inline only while the disk's recent syncs took less than this. */
const INLINE_SYNC_MAX_MS = 2;
/**
 * ...and while the event loop was busy less than this share of the last LOOP_WINDOW_MS: a loop
 * serving many connections (20 SMTP sessions) loses more to a 0.4 ms stall per commit than a lone
 * IMAP client gains (it waits on its own round trips, leaving the loop mostly idle).
 */
const INLINE_SYNC_MAX_LOOP_BUSY = 0.6;
const LOOP_WINDOW_MS = 100;

export class SqliteStore extends KyselyStore {
  private constructor(
    db: Kysely<Schema>,
    blobs: FileBlobStore,
    private readonly raw: Database.Database,
    walFile: string | null,
    private readonly checkpointer: Checkpointer | null,
    file: string,
  ) {
    super('sqlite', db, blobs, { writers: 1, pipelineCommits: false, textSearch: new SqliteTextSearchRepo(db, file) });
    this.walSync = walFile ? new SyncCoalescer(() => this.syncWal(walFile)) : null;
  }

  private readonly walSync: SyncCoalescer | null;
  private walSyncs = 0;

  /** The WAL's descriptor, kept open: SQLite keeps the same file (truncating, never replacing it) while connected. */
  private walHandle: FileHandle | null = null;

  private async syncWal(walFile: string): Promise<void> {
    this.walHandle ??= await open(walFile, 'r');
    this.walSyncs++;
    const t = performance.now();
    try {
      await this.walHandle.datasync();
      this.noteSyncMs(performance.now() - t);
    } catch (err) {
      // Should the file have been replaced after all, sync it by name once and start over.
      await this.walHandle.close().catch(() => undefined);
      this.walHandle = null;
      await fsyncPath(walFile, true);
      if ((err as NodeJS.ErrnoException).code !== 'EBADF') throw err;
    }
  }

  override async close(): Promise<void> {
    await this.checkpointer?.close();
    await super.close();
    await this.walHandle?.close().catch(() => undefined);
    this.walHandle = null;
  }

  protected override async durable(lone = false): Promise<void> {
    if (!this.walSync) return;
    if (lone && !this.walSync.busy && this.walHandle && this.syncMs < INLINE_SYNC_MAX_MS && !this.loop.busierThan(INLINE_SYNC_MAX_LOOP_BUSY)) this.syncWalInline(this.walHandle);
    else await this.walSync.request();
    this.checkpointer?.nudge();
  }

  /**
   * A lone writer's sync, on the loop: handing a fast sync to the thread pool and back costs more
   * than the sync (one client appending one message at a time ran at about half the rate). Only
   * while recent syncs are fast (`syncMs`), so a slow disk never stalls the loop; any other caller
   * shares the coalesced sync on the thread pool.
   */
  private syncWalInline(handle: FileHandle): void {
    const t = performance.now();
    this.walSyncs++;
    fdatasyncSync(handle.fd);
    const ms = performance.now() - t;
    this.noteSyncMs(ms);
    this.loop.discount(ms);
  }

  private readonly loop = new LoopLoad(LOOP_WINDOW_MS);

  /** Recent sync time, moving average, in ms (both paths feed it). */
  private syncMs = 0;
  private noteSyncMs(ms: number): void {
    this.syncMs = this.syncMs * 0.8 + ms * 0.2;
  }

  override commitStats(): { batches: number; jobs: number; syncs: number } {
    const stats = super.commitStats();
    return this.walSync ? { ...stats, syncs: this.walSyncs } : stats;
  }

  static async open(opts: { file: string; blobDir: string; blobGraceMs?: number; commitSync?: 'wal-fdatasync' | 'full' }): Promise<SqliteStore> {
    mkdirSync(path.dirname(opts.file), { recursive: true });
    const raw = new Database(opts.file);
    raw.pragma('journal_mode = WAL');
    const syncInline = opts.commitSync === 'full';
    raw.pragma(`synchronous = ${syncInline ? 'FULL' : 'NORMAL'}`);
    if (!syncInline) raw.pragma('wal_autocheckpoint = 0');
    raw.pragma('foreign_keys = ON');
    raw.pragma('busy_timeout = 10000');
    // 64 MiB of page cache (the default is 2 MiB): index-heavy bulk writes such as a directory
    // import stop re-reading B-tree pages from the OS.
    raw.pragma('cache_size = -65536');
    raw.pragma('temp_store = MEMORY');
    const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(raw) }) });
    const blobs = new FileBlobStore(opts.blobDir, opts.blobGraceMs);
    await blobs.init();
    const checkpointer = syncInline ? null : new Checkpointer(opts.file);
    const store = new SqliteStore(db, blobs, raw, syncInline ? null : `${opts.file}-wal`, checkpointer, opts.file);
    try {
      await store.migrate();
    } catch (err) {
      await store.close().catch(() => undefined);
      throw err;
    }
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
