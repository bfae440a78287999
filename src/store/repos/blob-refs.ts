import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema/tables.js';
import type { BlobRefRepo } from '../types.js';
import { prepared } from '../prepared.js';

// Once per delivery: compiled once (see prepared.ts).
const ADD_REFS = prepared((db, hash: string, size: number, count: number, now: number, inline: Buffer | null) =>
  db
    .insertInto('blobs')
    .values({ hash, size, refcount: count, created_at: now, data: inline })
    .onConflict((oc) => oc.column('hash').doUpdateSet({ refcount: sql`blobs.refcount + ${count}` })),
);

export class KyselyBlobRefRepo implements BlobRefRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async addRefs(hash: string, size: number, count: number, inline: Buffer | null = null) {
    await ADD_REFS.run(this.db, hash, size, count, Date.now(), inline);
  }

  async removeRefs(hash: string, count: number) {
    // created_at is reset when the count reaches zero so the sweeper's grace period starts then.
    await this.db
      .updateTable('blobs')
      .set({
        refcount: sql`refcount - ${count}`,
        created_at: sql`case when refcount - ${count} <= 0 then ${Date.now()} else created_at end`,
      })
      .where('hash', '=', hash)
      .execute();
  }

  async refcount(hash: string) {
    const row = await this.db.selectFrom('blobs').select('refcount').where('hash', '=', hash).executeTakeFirst();
    return row === undefined ? undefined : Number(row.refcount);
  }

  async unreferenced(olderThan: number, limit: number) {
    const rows = await this.db
      .selectFrom('blobs')
      .select((eb) => ['hash', eb('data', 'is not', null).as('inline')])
      // Literal, not a parameter: the partial index blobs_unreferenced (migration 0017) is for `refcount <= 0`.
      .where(sql<boolean>`refcount <= 0`)
      .where('created_at', '<', olderThan)
      .limit(limit)
      .execute();
    return rows.map((r) => ({ hash: r.hash, inline: Boolean(r.inline) }));
  }

  async forget(hash: string) {
    await this.db.deleteFrom('blobs').where('hash', '=', hash).where('refcount', '<=', 0).execute();
  }
}
