/**
 * Directory: one row per findable thing: people (kept in step with accounts), people without a
 * mailbox, organisations, sites, departments, shared mailboxes, lists and outside partners.
 * `source_key` makes imports idempotent ("csv:<key>", "account:<id>", "org:<id>"); `content_hash`
 * lets a re-import of an unchanged row write nothing.
 */
import type { Kysely } from 'kysely';
import type { DialectName } from './migrations.js';

export async function directoryStep(db: Kysely<unknown>, d: DialectName): Promise<void> {
  await db.schema
    .createTable('directory_entries')
    .addColumn('id', d === 'postgres' ? 'bigserial' : 'integer', (c) => (d === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('source_key', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('account_id', 'bigint')
    .addColumn('org_id', 'bigint')
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('given_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('family_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('job_title', 'text')
    .addColumn('role', 'text')
    .addColumn('specialty', 'text')
    .addColumn('department', 'text')
    .addColumn('site', 'text')
    .addColumn('address', 'text')
    .addColumn('phone_desk', 'text')
    .addColumn('phone_mobile', 'text')
    .addColumn('phone_pager', 'text')
    .addColumn('email', 'text')
    .addColumn('registration', 'text')
    .addColumn('national_code', 'text')
    .addColumn('visibility', 'text', (c) => c.notNull().defaultTo('national'))
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('directory_account').on('directory_entries').column('account_id').execute();
  await db.schema.createIndex('directory_org').on('directory_entries').column('org_id').execute();
  await db.schema.createIndex('directory_email').on('directory_entries').column('email').execute();
  await db.schema.createIndex('directory_updated').on('directory_entries').column('updated_at').execute();
}
