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
  /** SQLite only: sync the WAL off the event loop after each commit (default) or inside it (synchronous=FULL). */
  commitSync?: 'wal-fdatasync' | 'full';
}

export async function openStore(database: DatabaseSetting, dataDir: string, opts: StoreOptions = {}): Promise<Store> {
  if (database.kind === 'postgres') {
    const { PostgresStore } = await import('./postgres/postgres-store.js');
    const schema = database.schema ?? schemaInUrl(database.url);
    return PostgresStore.open({ url: database.url, ...(schema ? { schema } : {}), ...opts });
  }
  const { SqliteStore } = await import('./sqlite/sqlite-store.js');
  return SqliteStore.open({ file: database.file, blobDir: path.join(dataDir, 'blobs'), ...opts });
}

/**
 * A search_path set in the URL (`?options=-c search_path=NAME`) names the schema too, so the
 * migrator looks for its bookkeeping tables there and not in another schema of the database.
 */
function schemaInUrl(url: string): string | undefined {
  try {
    return /search_path=([A-Za-z_][A-Za-z0-9_]*)/.exec(new URL(url).searchParams.get('options') ?? '')?.[1];
  } catch {
    return undefined;
  }
}
