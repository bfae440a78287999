/**
 * Versioned schema migrations, run at start-up by Kysely's Migrator (which records applied
 * versions and takes a lock, so several cluster nodes starting at once apply each step once).
 * One list for both engines; the few dialect differences (identity columns, binary type) are
 * chosen by the `Dialect` argument. Never edit a released step: add a new one.
 */
import { type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { adminStep } from './admin-migration.js';
import { authStep } from './auth-migration.js';
import { calendarStep } from './calendar-migration.js';
import { directoryPhotoStep } from './directory-photo-migration.js';
import { directoryStep } from './directory-migration.js';
import { jmapStep } from './jmap-migration.js';
import { searchStep } from './search-migration.js';
import { transportStep } from './transport-migration.js';
import { smsStep } from './sms-migration.js';
import { smsInboundPartsStep } from './sms-parts-migration.js';
import { textIndexFileStep } from './text-file-migration.js';
import { blobSweepIndexStep } from './blob-sweep-migration.js';
import { messageListIndexesStep } from './list-index-migration.js';

export type DialectName = 'sqlite' | 'postgres';

type Step = (db: Kysely<unknown>, dialect: DialectName) => Promise<void>;

function idType(d: DialectName) {
  return d === 'postgres' ? ('bigserial' as const) : ('integer' as const);
}

const initial: Step = async (db, d) => {
  const id = idType(d);
  const idCol = (c: import('kysely').ColumnDefinitionBuilder) => (d === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());

  await db.schema
    .createTable('orgs')
    .addColumn('id', id, idCol)
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'bigint', (c) => c.references('orgs.id'))
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('organisation'))
    .addColumn('national_code', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('orgs_parent').on('orgs').column('parent_id').execute();

  await db.schema
    .createTable('org_domains')
    .addColumn('domain', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'bigint', (c) => c.notNull().references('orgs.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('accounts')
    .addColumn('id', id, idCol)
    .addColumn('org_id', 'bigint', (c) => c.notNull().references('orgs.id'))
    .addColumn('address', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('given_name', 'text', (c) => c.notNull())
    .addColumn('family_name', 'text', (c) => c.notNull())
    .addColumn('job_title', 'text')
    .addColumn('mobile', 'text')
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('quota_bytes', 'bigint', (c) => c.notNull())
    .addColumn('used_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('password_hash', 'text')
    .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('accounts_org').on('accounts').column('org_id').execute();

  await db.schema
    .createTable('aliases')
    .addColumn('address', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('aliases_account').on('aliases').column('account_id').execute();

  await db.schema
    .createTable('mailboxes')
    .addColumn('id', id, idCol)
    .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('special_use', 'text')
    .addColumn('uidvalidity', 'bigint', (c) => c.notNull())
    .addColumn('uidnext', 'bigint', (c) => c.notNull().defaultTo(1))
    .addColumn('highestmodseq', 'bigint', (c) => c.notNull().defaultTo(1))
    .addColumn('message_count', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('size_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('subscribed', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('mailboxes_account_name', ['account_id', 'name'])
    .execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', id, idCol)
    .addColumn('mailbox_id', 'bigint', (c) => c.notNull().references('mailboxes.id'))
    .addColumn('uid', 'bigint', (c) => c.notNull())
    .addColumn('modseq', 'bigint', (c) => c.notNull())
    .addColumn('blob_hash', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('internal_date', 'bigint', (c) => c.notNull())
    .addColumn('flags', 'text', (c) => c.notNull().defaultTo(''))
    .addUniqueConstraint('messages_mailbox_uid', ['mailbox_id', 'uid'])
    .execute();
  await db.schema.createIndex('messages_mailbox_modseq').on('messages').columns(['mailbox_id', 'modseq']).execute();
  await db.schema.createIndex('messages_blob').on('messages').column('blob_hash').execute();

  await db.schema
    .createTable('message_meta')
    .addColumn('blob_hash', 'text', (c) => c.primaryKey())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('from_text', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .addColumn('message_id', 'text')
    .addColumn('index_json', 'text', (c) => c.notNull())
    .addColumn('search_text', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('blobs')
    .addColumn('hash', 'text', (c) => c.primaryKey())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('refcount', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('data', d === 'postgres' ? 'bytea' : 'blob')
    .execute();
  await db.schema.createIndex('blobs_unreferenced').on('blobs').columns(['refcount', 'created_at']).execute();

  if (d === 'postgres') {
    // Cluster mode keeps message bodies in PostgreSQL, in chunks so they stream in and out.
    await db.schema
      .createTable('blob_chunks')
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('data', 'bytea', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('blob_chunks_pk', ['hash', 'seq'])
      .execute();
  }

  await db.schema
    .createTable('audit_log')
    .addColumn('id', id, idCol)
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('actor_account_id', 'bigint')
    .addColumn('org_id', 'bigint')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('detail', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema.createIndex('audit_org_at').on('audit_log').columns(['org_id', 'at']).execute();
};

/**
 * Sharing: shared team mailboxes are accounts of kind 'shared'; folder rights (RFC 4314 letters)
 * per grantee; send-as / send-on-behalf grants per address owner. One model for every door.
 */
const sharing: Step = async (db) => {
  await db.schema.alterTable('accounts').addColumn('kind', 'text', (c) => c.notNull().defaultTo('person')).execute();
  await db.schema
    .createTable('mailbox_acl')
    .addColumn('mailbox_id', 'bigint', (c) => c.notNull().references('mailboxes.id').onDelete('cascade'))
    .addColumn('grantee_account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
    .addColumn('rights', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('mailbox_acl_pk', ['mailbox_id', 'grantee_account_id'])
    .execute();
  await db.schema.createIndex('mailbox_acl_grantee').on('mailbox_acl').column('grantee_account_id').execute();
  await db.schema
    .createTable('send_grants')
    .addColumn('owner_account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
    .addColumn('grantee_account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('send_grants_pk', ['owner_account_id', 'grantee_account_id', 'mode'])
    .execute();
  await db.schema.createIndex('send_grants_grantee').on('send_grants').column('grantee_account_id').execute();
};

/** IMAP (and JMAP changes): UIDs expunged per mailbox with the MODSEQ of their removal, for QRESYNC VANISHED. */
const imap: Step = async (db) => {
  await db.schema
    .createTable('expunged_messages')
    .addColumn('mailbox_id', 'bigint', (c) => c.notNull())
    .addColumn('uid', 'bigint', (c) => c.notNull())
    .addColumn('modseq', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('expunged_mailbox_modseq').on('expunged_messages').columns(['mailbox_id', 'modseq']).execute();
  await db.schema
    .createTable('shared_subscriptions')
    .addColumn('account_id', 'bigint', (c) => c.notNull())
    .addColumn('mailbox_id', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('shared_subscriptions_pk', ['account_id', 'mailbox_id'])
    .execute();
};

/**
 * The ordered list of schema versions. Names sort in application order; add a step at the end,
 * in a file of its own when it is large.
 */
const STEPS: Record<string, Step> = {
  '0001_initial': initial,
  '0002_sharing': sharing,
  '0003_transport': transportStep,
  '0004_imap': imap,
  '0005_directory': directoryStep,
  '0006_auth': authStep,
  '0007_admin': adminStep,
  '0008_jmap': jmapStep,
  '0009_calendar': calendarStep,
  '0010_sms': smsStep,
  '0012_imap_search': searchStep,
  '0013_directory_photo': directoryPhotoStep,
  '0014_sms_inbound_parts': smsInboundPartsStep,
  '0015_message_list_indexes': messageListIndexesStep,
  '0016_text_index_file': textIndexFileStep,
  '0017_blob_sweep_index': blobSweepIndexStep,
};

export function migrationProvider(dialect: DialectName): MigrationProvider {
  return {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const [name, step] of Object.entries(STEPS)) out[name] = { up: (db) => step(db, dialect) };
      return out;
    },
  };
}
