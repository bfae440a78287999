/**
 * Schema step 0009_calendar: calendar collections (and the plain WebDAV collections a client may
 * make beside them), their objects (one iCalendar resource each, with the columns queries need:
 * time span, UID, organiser, the appointment fields SMS reminders read), a change log per
 * collection for sync tokens (RFC 6578), grants (RFC 4314 letters, as for folders) and WebDAV
 * dead properties.
 */
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';

export async function calendarStep(db: Kysely<unknown>, d: 'sqlite' | 'postgres'): Promise<void> {
  const id = d === 'postgres' ? ('bigserial' as const) : ('integer' as const);
  const idCol = (c: ColumnDefinitionBuilder) => (d === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());

  await db.schema
    .createTable('calendars')
    .addColumn('id', id, idCol)
    .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
    /** Path below the account's calendar home: "default", "inbox", "team/rota" (plain collections nest). */
    .addColumn('path', 'text', (c) => c.notNull())
    /** calendar, inbox (RFC 6638 scheduling inbox) or collection (plain WebDAV, MKCOL). */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('color', 'text')
    .addColumn('timezone', 'text')
    .addColumn('components', 'text', (c) => c.notNull().defaultTo('VEVENT,VTODO'))
    /** none, or auto (a room or equipment: accept invitations when free, decline conflicts). */
    .addColumn('booking', 'text', (c) => c.notNull().defaultTo('none'))
    /** Bumped by every change of the collection or its members: the ctag and sync token. */
    .addColumn('sync_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('calendars_account_path', ['account_id', 'path'])
    .execute();

  await db.schema
    .createTable('calendar_objects')
    .addColumn('id', id, idCol)
    .addColumn('calendar_id', 'bigint', (c) => c.notNull().references('calendars.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('uid', 'text')
    /** VEVENT, VTODO or VJOURNAL; null for a plain WebDAV resource. */
    .addColumn('component', 'text')
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('etag', 'text', (c) => c.notNull())
    /** UTC ms of the first start and last end over every instance; null end = recurs forever. */
    .addColumn('first_start', 'bigint')
    .addColumn('last_end', 'bigint')
    .addColumn('recurring', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('organizer', 'text')
    .addColumn('patient_mobile', 'text')
    .addColumn('reminder_policy', 'text')
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('calendar_objects_name', ['calendar_id', 'name'])
    .execute();
  await db.schema.createIndex('calendar_objects_uid').on('calendar_objects').columns(['calendar_id', 'uid']).execute();
  await db.schema.createIndex('calendar_objects_span').on('calendar_objects').columns(['calendar_id', 'first_start']).execute();
  await db.schema.createIndex('calendar_objects_patient').on('calendar_objects').columns(['patient_mobile', 'first_start']).execute();

  await db.schema
    .createTable('calendar_changes')
    .addColumn('calendar_id', 'bigint', (c) => c.notNull().references('calendars.id').onDelete('cascade'))
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('deleted', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('calendar_changes_pk', ['calendar_id', 'seq'])
    .execute();

  await db.schema
    .createTable('calendar_acl')
    .addColumn('calendar_id', 'bigint', (c) => c.notNull().references('calendars.id').onDelete('cascade'))
    .addColumn('grantee_account_id', 'bigint', (c) => c.notNull().references('accounts.id'))
    .addColumn('rights', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('calendar_acl_pk', ['calendar_id', 'grantee_account_id'])
    .execute();
  await db.schema.createIndex('calendar_acl_grantee').on('calendar_acl').column('grantee_account_id').execute();

  await db.schema
    .createTable('dav_properties')
    .addColumn('calendar_id', 'bigint', (c) => c.notNull().references('calendars.id').onDelete('cascade'))
    /** "" for the collection itself. */
    .addColumn('object_name', 'text', (c) => c.notNull())
    .addColumn('ns', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    /** The property's content as XML (its child nodes, serialised with their namespaces). */
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('dav_properties_pk', ['calendar_id', 'object_name', 'ns', 'name'])
    .execute();
}
