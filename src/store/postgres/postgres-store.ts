/**
 * Cluster engine: PostgreSQL through pg's pool. Many stateless nodes share it; blobs live in the
 * `blob_chunks` table. BIGINT columns are parsed to JS numbers (safe below 2^53: counters, sizes,
 * millisecond timestamps all are).
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { PgBlobStore } from '../blobs/pg-blob-store.js';
import { KyselyStore } from '../kysely-store.js';
import type { Database as Schema } from '../schema/tables.js';

const INT8_OID = 20;
const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected

export class PostgresStore extends KyselyStore {
  private constructor(db: Kysely<Schema>, blobGraceMs?: number) {
    super('postgres', db, new PgBlobStore(db, blobGraceMs), {
      writers: 4,
      isRetryable: (e) => RETRYABLE.has((e as { code?: string } | null)?.code ?? ''),
    });
  }

  /** Opens the pool; `schema` puts every table in that PostgreSQL schema (tests use a fresh one). */
  static async open(opts: { url: string; schema?: string; poolSize?: number; blobGraceMs?: number }): Promise<PostgresStore> {
    const types = {
      getTypeParser: ((oid: number, format?: string) =>
        oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    };
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolSize ?? 10,
      types,
      ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
    });
    // An idle pooled connection the server ends (restart, failover, pg_terminate_backend) makes
    // the pool emit 'error'; unhandled, that kills the process. The pool has already dropped the
    // client and the next query opens a fresh one, so there is nothing more to do here.
    pool.on('error', () => {});
    // Fail fast with the server's own reason rather than on the first query. The schema the
    // tables go in is the server's answer (a URL may set search_path through `options`), so
    // the migrator looks for its own tables there and not in another schema of the database.
    const client = await pool.connect();
    let schema = opts.schema;
    try {
      schema ??= (await client.query<{ s: string | null }>('select current_schema() as s')).rows[0]?.s ?? undefined;
    } finally {
      client.release();
    }
    const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
    const store = new PostgresStore(db, opts.blobGraceMs);
    await store.migrate(schema);
    return store;
  }

  async integrityCheck(): Promise<string[]> {
    const problems: string[] = [];
    const orphans = await sql<{ n: number }>`select count(*)::int as n from messages m left join mailboxes b on b.id = m.mailbox_id where b.id is null`.execute(this.db);
    if ((orphans.rows[0]?.n ?? 0) > 0) problems.push(`${orphans.rows[0]!.n} messages without a mailbox`);
    return problems;
  }
}
