/**
 * 0017_blob_sweep_index: the sweeper's index holds only blobs nothing refers to any more. The
 * index on (refcount, created_at) it replaces took a write on every delivery, for rows the sweeper
 * never wants. The sweeper's queries say `refcount <= 0` literally, so both engines see that this
 * partial index answers them.
 */
import { sql, type Kysely } from 'kysely';

export async function blobSweepIndexStep(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('blobs_unreferenced').execute();
  await sql`create index blobs_unreferenced on blobs (created_at) where refcount <= 0`.execute(db);
}
