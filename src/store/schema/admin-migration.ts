/**
 * Schema step 0007_admin: soft-deletion of accounts with a retention period, and webhooks for
 * account events with their durable delivery queue.
 */
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { DialectName } from './migrations.js';

export async function adminStep(db: Kysely<unknown>, d: DialectName): Promise<void> {
  const id = d === 'postgres' ? ('bigserial' as const) : ('integer' as const);
  const idCol = (c: ColumnDefinitionBuilder) => (d === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());

  // A deleted account keeps its row, mail and address until purge_after; then the sweeper purges it.
  await db.schema.alterTable('accounts').addColumn('deleted_at', 'bigint').execute();
  await db.schema.alterTable('accounts').addColumn('purge_after', 'bigint').execute();
  await db.schema.createIndex('accounts_purge').on('accounts').columns(['status', 'purge_after']).execute();

  await db.schema
    .createTable('webhooks')
    .addColumn('id', id, idCol)
    .addColumn('org_id', 'bigint', (c) => c.notNull().references('orgs.id'))
    .addColumn('url', 'text', (c) => c.notNull())
    /** The HMAC key: kept as is, since signing needs it (it is shown once, at registration). */
    .addColumn('secret', 'text', (c) => c.notNull())
    /** JSON array of event names. */
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhooks_org').on('webhooks').column('org_id').execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', id, idCol)
    .addColumn('webhook_id', 'bigint', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    /** pending, delivered or failed (gave up after the last retry). */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('last_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('webhook_deliveries_hook').on('webhook_deliveries').columns(['webhook_id', 'id']).execute();

}
