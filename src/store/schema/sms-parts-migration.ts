/**
 * Parts of concatenated inbound SMS, kept in the store until the last part arrives: the SMSC has
 * been told each part is received, so a restart between parts must not lose the earlier ones.
 */
import type { Kysely } from 'kysely';

export async function smsInboundPartsStep(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sms_inbound_parts')
    .addColumn('message_key', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('from_number', 'text', (c) => c.notNull())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('sms_inbound_parts_pk', ['message_key', 'seq'])
    .execute();
  await db.schema.createIndex('sms_inbound_parts_received').on('sms_inbound_parts').column('received_at').execute();
}
