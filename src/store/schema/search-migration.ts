/**
 * 0012_imap_search, two IMAP needs:
 *
 * `mailboxes.recent_uid`: the first UID no session has yet been told is \Recent (RFC 3501 section
 * 2.3.2); a read-write SELECT claims everything from it up to UIDNEXT with a compare-and-set.
 *
 * And a persistent substring index of message text (IMAP SEARCH TEXT/BODY, JMAP text
 * filters), so no search has to read every body and nothing is rebuilt when a process starts.
 *
 * Delivery is not slowed by indexing: a trigger on `message_meta` (one small insert) queues each new
 * body in `text_index_queue`; `core/mail/text-index.ts` drains the queue in batches off the delivery
 * path, and a search drains what is left first, so results are always complete.
 *
 * - SQLite: a contentless FTS5 table with the trigram tokenizer (substring matching is what IMAP's
 *   SEARCH asks for), keyed by the `message_meta` rowid, columns body and headers. Since 0016 it
 *   lives in a file of its own with no queue (`store/sqlite/text-index-file.ts`).
 * - PostgreSQL: pg_trgm GIN indexes (they answer ILIKE '%...%'): one on `message_meta.search_text`
 *   (kept by PostgreSQL itself) and one on `message_text_headers`, which the drain fills.
 */
import { sql, type Kysely } from 'kysely';
import type { DialectName } from './migrations.js';

export async function searchStep(db: Kysely<unknown>, d: DialectName): Promise<void> {
  await db.schema.alterTable('mailboxes').addColumn('recent_uid', 'bigint', (c) => c.notNull().defaultTo(1)).execute();
  await db.schema.createTable('text_index_queue').addColumn('blob_hash', 'text', (c) => c.primaryKey()).execute();
  if (d === 'sqlite') {
    await sql`create virtual table message_text using fts5(body, headers, tokenize = 'trigram', content = '', contentless_delete = 1, detail = 'column')`.execute(db);
    await sql`create trigger message_meta_text_queue after insert on message_meta begin
      insert or ignore into text_index_queue (blob_hash) values (new.blob_hash);
    end`.execute(db);
  } else {
    // The extension is per database; several schemas (test runs, tenants) share it, so it lives in
    // one place and is named with its schema. The lock serialises concurrent first migrations.
    await sql`select pg_advisory_xact_lock(hashtext('wardpost_pg_trgm'))`.execute(db);
    let ext = await sql<{ nspname: string }>`select n.nspname from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'`.execute(db);
    if (!ext.rows.length) {
      await sql`create extension pg_trgm schema public`.execute(db);
      ext = await sql<{ nspname: string }>`select n.nspname from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'`.execute(db);
    }
    const ops = sql.raw(`${quoteIdent(ext.rows[0]!.nspname)}.gin_trgm_ops`);
    await db.schema
      .createTable('message_text_headers')
      .addColumn('blob_hash', 'text', (c) => c.primaryKey())
      .addColumn('headers', 'text', (c) => c.notNull())
      .execute();
    await sql`create index message_meta_search_trgm on message_meta using gin (search_text ${ops})`.execute(db);
    await sql`create index message_text_headers_trgm on message_text_headers using gin (headers ${ops})`.execute(db);
    await sql`create function wp_queue_text() returns trigger language plpgsql as $$
      begin
        insert into text_index_queue (blob_hash) values (new.blob_hash) on conflict do nothing;
        return new;
      end $$`.execute(db);
    await sql`create trigger message_meta_text_queue after insert on message_meta for each row execute function wp_queue_text()`.execute(db);
  }
  // Bodies stored before this step are indexed by the same drain.
  await sql`insert into text_index_queue (blob_hash) select blob_hash from message_meta`.execute(db);
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
