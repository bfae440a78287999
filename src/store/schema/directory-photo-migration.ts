/**
 * Directory photos: the image apart from the entry (a search never reads it), and on the entry a
 * version tag of its photo (null: none), so every door knows there is one without reading it and a
 * new photo changes the entry's version (CardDAV sync, caches).
 */
import type { Kysely } from 'kysely';
import type { DialectName } from './migrations.js';

export async function directoryPhotoStep(db: Kysely<unknown>, d: DialectName): Promise<void> {
  await db.schema.alterTable('directory_entries').addColumn('photo_etag', 'text').execute();
  await db.schema
    .createTable('directory_photos')
    .addColumn('entry_id', 'bigint', (c) => c.primaryKey())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('data', d === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}
