/**
 * 0015_message_list_indexes: the two look-ups of a web client opening a folder, each one index walk.
 * - A page, newest first: `ORDER BY internal_date, uid` needs `uid` in the index too, or the engine
 *   sorts every message of the folder with the same date, and without statistics SQLite chose to.
 * - The copies of a page's bodies in the viewer's folders (`blob_hash IN (...) AND mailbox_id IN
 *   (...)`): with `blob_hash` alone indexed, SQLite walked the whole folder by `mailbox_id` (25 ms at
 *   100,000 messages) rather than probing 50 hashes. Filtering by hash alone is no answer either: a
 *   message sent to all staff shares one body across a million folders.
 * Each new index starts with the columns of the one it replaces, so every older query keeps its index.
 */
import type { Kysely } from 'kysely';

export async function messageListIndexesStep(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('messages_mailbox_date_uid').on('messages').columns(['mailbox_id', 'internal_date', 'uid']).execute();
  await db.schema.dropIndex('messages_mailbox_date').execute();
  await db.schema.createIndex('messages_blob_mailbox').on('messages').columns(['blob_hash', 'mailbox_id']).execute();
  await db.schema.dropIndex('messages_blob').execute();
}
