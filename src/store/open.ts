/**
 * Chooses and opens the store engine for a database setting. This is the one place that names
 * concrete engines; everything else sees the Store interface.
 */
import path from 'node:path';
import type { Store } from './types.js';

export type DatabaseSetting = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; schema?: string };

export interface StoreOptions {
  /** How long a freshly written blob is safe from the sweeper (default one hour). */
  blobGraceMs?: number;
  /** SQLite only: sync inside each commit (default, synchronous=FULL) or the WAL off the event loop after it. */
  commitSync?: 'wal-fdatasync' | 'full';
}

export async function openStore(database: DatabaseSetting, dataDir: string, opts: StoreOptions = {}): Promise<Store> {
  if (database.kind === 'postgres') {
    const { PostgresStore } = await import('./postgres/postgres-store.js');
    return PostgresStore.open({ url: database.url, ...(database.schema ? { schema: database.schema } : {}), ...opts });
  }
  const { SqliteStore } = await import('./sqlite/sqlite-store.js');
  return SqliteStore.open({ file: database.file, blobDir: path.join(dataDir, 'blobs'), ...opts });
}
