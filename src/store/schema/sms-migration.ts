/**
 * Schema step 0010_sms: the durable outbound SMS queue (one row per message, its SMSC message ids
 * per part for receipts), per-organisation settings, usage counters and the opt-out list, inbound
 * messages, and appointment reminders keyed by (event uid, occurrence, offset) so one is never
 * sent twice.
 */
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';

export async function smsStep(db: Kysely<unknown>, d: 'sqlite' | 'postgres'): Promise<void> {
  const id = d === 'postgres' ? ('bigserial' as const) : ('integer' as const);
  const idCol = (c: ColumnDefinitionBuilder) => (d === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());

  await db.schema
    .createTable('sms_settings')
    .addColumn('org_id', 'bigint', (c) => c.primaryKey().references('orgs.id'))
    .addColumn('sender_id', 'text')
    .addColumn('monthly_cap', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('reply_address', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sms_messages')
    .addColumn('id', id, idCol)
    .addColumn('org_id', 'bigint', (c) => c.notNull().references('orgs.id'))
    .addColumn('account_id', 'bigint')
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('reply_address', 'text')
    .addColumn('to_number', 'text', (c) => c.notNull())
    .addColumn('sender_id', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('encoding', 'text', (c) => c.notNull())
    .addColumn('parts', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('claim_token', 'text')
    .addColumn('delivered_parts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('batch_id', 'text')
    .addColumn('appointment_uid', 'text')
    .addColumn('appointment_occurrence', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema.createIndex('sms_messages_due').on('sms_messages').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('sms_messages_to').on('sms_messages').columns(['to_number', 'created_at']).execute();
  await db.schema.createIndex('sms_messages_org').on('sms_messages').columns(['org_id', 'id']).execute();
  await db.schema.createIndex('sms_messages_message_id').on('sms_messages').column('message_id').execute();
  await db.schema.createIndex('sms_messages_claim').on('sms_messages').column('claim_token').execute();

  await db.schema
    .createTable('sms_smsc_ids')
    .addColumn('smsc_id', 'text', (c) => c.primaryKey())
    .addColumn('sms_id', 'bigint', (c) => c.notNull().references('sms_messages.id'))
    .addColumn('part', 'integer', (c) => c.notNull())
    .addColumn('state', 'text')
    .execute();
  await db.schema.createIndex('sms_smsc_ids_sms').on('sms_smsc_ids').column('sms_id').execute();

  await db.schema
    .createTable('sms_optouts')
    .addColumn('org_id', 'bigint', (c) => c.notNull().references('orgs.id'))
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('sms_optouts_pk', ['org_id', 'number'])
    .execute();

  await db.schema
    .createTable('sms_usage_daily')
    .addColumn('org_id', 'bigint', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('messages', 'bigint', (c) => c.notNull())
    .addColumn('parts', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('sms_usage_daily_pk', ['org_id', 'day'])
    .execute();
  await db.schema
    .createTable('sms_usage_monthly')
    .addColumn('org_id', 'bigint', (c) => c.notNull())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('parts', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('sms_usage_monthly_pk', ['org_id', 'month'])
    .execute();

  await db.schema
    .createTable('sms_inbound')
    .addColumn('id', id, idCol)
    .addColumn('from_number', 'text', (c) => c.notNull())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('org_id', 'bigint')
    .addColumn('sms_id', 'bigint')
    .addColumn('action', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sms_reminders')
    .addColumn('event_uid', 'text', (c) => c.notNull())
    .addColumn('occurrence', 'text', (c) => c.notNull())
    .addColumn('offset_minutes', 'integer', (c) => c.notNull())
    .addColumn('org_id', 'bigint', (c) => c.notNull())
    .addColumn('to_number', 'text', (c) => c.notNull())
    .addColumn('send_at', 'bigint', (c) => c.notNull())
    .addColumn('appointment_start', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('sms_id', 'bigint')
    .addColumn('owner_account_id', 'bigint')
    .addColumn('fields_json', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('sms_reminders_pk', ['event_uid', 'occurrence', 'offset_minutes'])
    .execute();
  await db.schema.createIndex('sms_reminders_due').on('sms_reminders').columns(['status', 'send_at']).execute();
}
