/**
 * Schema step 0003_transport: the outbound queue (one row per recipient, bodies in the blob
 * store), DKIM keys per sending domain, and distribution lists with their members.
 */
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';

export async function transportStep(db: Kysely<unknown>, d: 'sqlite' | 'postgres'): Promise<void> {
  const id = d === 'postgres' ? ('bigserial' as const) : ('integer' as const);
  const idCol = (c: ColumnDefinitionBuilder) => (d === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());

  await db.schema
    .createTable('outbound_queue')
    .addColumn('id', id, idCol)
    /** Recipients of one message to one domain share a key and travel in one SMTP session. */
    .addColumn('message_key', 'text', (c) => c.notNull())
    .addColumn('blob_hash', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sender', 'text', (c) => c.notNull())
    .addColumn('sender_account_id', 'bigint')
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('domain', 'text', (c) => c.notNull())
    .addColumn('dkim_domain', 'text')
    /** queued, sent, failed (permanent refusal) or expired. */
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('queued'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('last_attempt_at', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('remote_host', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema.createIndex('outbound_queue_due').on('outbound_queue').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('outbound_queue_message').on('outbound_queue').column('message_key').execute();

  await db.schema
    .createTable('dkim_keys')
    .addColumn('domain', 'text', (c) => c.primaryKey())
    .addColumn('selector', 'text', (c) => c.notNull())
    .addColumn('algorithm', 'text', (c) => c.notNull())
    .addColumn('private_key', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('distribution_lists')
    .addColumn('address', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'bigint', (c) => c.notNull().references('orgs.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('distribution_list_members')
    .addColumn('list_address', 'text', (c) => c.notNull().references('distribution_lists.address').onDelete('cascade'))
    .addColumn('member', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('distribution_list_members_pk', ['list_address', 'member'])
    .execute();
}
