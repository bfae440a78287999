/**
 * 0016_text_index_file: SQLite's text index moves out of the database into a file of its own,
 * kept by a worker thread (see `store/sqlite/text-index-file.ts`), which rebuilds it from
 * `message_meta` on first start. The in-database index, its queue trigger and queued rows go, so
 * a delivery writes nothing for the index. PostgreSQL keeps its queue (see 0012).
 */
import { sql, type Kysely } from 'kysely';
import type { DialectName } from './migrations.js';

export async function textIndexFileStep(db: Kysely<unknown>, d: DialectName): Promise<void> {
  if (d !== 'sqlite') return;
  await sql`drop trigger if exists message_meta_text_queue`.execute(db);
  await sql`drop table if exists message_text`.execute(db);
  await sql`delete from text_index_queue`.execute(db);
}
