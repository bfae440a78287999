/**
 * 0008_jmap: what JMAP needs beyond IMAP's counters. Expunge records keep the body hash (JMAP
 * Email ids are per body, so Email/changes can name what was destroyed); a per-account folder log
 * (JMAP Mailbox/changes, and the bodies of deleted folders); a thread key per body; an index for
 * "newest first" listings; and the account's server-side rules (Sieve, vacation) with the
 * vacation reply memory of RFC 5230.
 */
import { sql, type Kysely } from 'kysely';
import type { DialectName } from './migrations.js';
import { threadKeyOfJson } from './thread-key.js';

export async function jmapStep(db: Kysely<unknown>, d: DialectName): Promise<void> {
  const id = d === 'postgres' ? ('bigserial' as const) : ('integer' as const);
  const idCol = (c: import('kysely').ColumnDefinitionBuilder) => (d === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());
  await db.schema.alterTable('expunged_messages').addColumn('blob_hash', 'text').execute();
  await db.schema.alterTable('message_meta').addColumn('thread_id', 'text').execute();
  await db.schema.createIndex('message_meta_thread').on('message_meta').column('thread_id').execute();
  await db.schema.createIndex('messages_mailbox_date').on('messages').columns(['mailbox_id', 'internal_date']).execute();
  await db.schema
    .createTable('mailbox_log')
    .addColumn('seq', id, idCol)
    .addColumn('account_id', 'bigint', (c) => c.notNull())
    .addColumn('mailbox_id', 'bigint', (c) => c.notNull())
    .addColumn('change', 'text', (c) => c.notNull())
    .addColumn('hashes', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('mailbox_log_account').on('mailbox_log').columns(['account_id', 'seq']).execute();
  await db.schema
    .createTable('mail_settings')
    .addColumn('account_id', 'bigint', (c) => c.primaryKey())
    .addColumn('sieve', 'text', (c) => c.notNull())
    .addColumn('vacation_json', 'text', (c) => c.notNull())
    .addColumn('identities_json', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('vacation_replies')
    .addColumn('account_id', 'bigint', (c) => c.notNull())
    .addColumn('sender', 'text', (c) => c.notNull())
    .addColumn('handle', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('vacation_replies_pk', ['account_id', 'sender', 'handle'])
    .execute();
  // Thread keys of bodies stored before this step, computed from their stored parsed form.
  const rows = await sql<{ blob_hash: string; index_json: string }>`select blob_hash, index_json from message_meta`.execute(db);
  for (const r of rows.rows) {
    await sql`update message_meta set thread_id = ${threadKeyOfJson(r.index_json, r.blob_hash)} where blob_hash = ${r.blob_hash}`.execute(db);
  }
}
