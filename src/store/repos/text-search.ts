/**
 * The persistent text index behind one interface (schema in `schema/search-migration.ts`). This is
 * the store's search role: the one repository whose SQL differs by engine, because substring
 * indexes do. This class is PostgreSQL's (pg_trgm) and the reading of stored text both engines
 * share; SQLite's FTS5 index lives in a file of its own (`sqlite/text-search.ts`).
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema/tables.js';
import type { HeaderTextExtractor, TextSearchRepo } from '../types.js';

/** Trigrams used to narrow one search: more cost more and narrow little further. */
const MAX_TRIGRAMS = 24;

/** An FTS5 query: every trigram of the needle (up to a bound), all required. */
export function trigramQuery(needle: string, column: 'body' | null): string | null {
  const chars = Array.from(needle);
  if (chars.length < 3) return null;
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= chars.length && grams.size < MAX_TRIGRAMS; i++) grams.add(chars.slice(i, i + 3).join(''));
  const all = [...grams].map((g) => `"${g.replace(/"/g, '""')}"`).join(' AND ');
  return column ? `${column} : (${all})` : all;
}

export class KyselyTextSearchRepo implements TextSearchRepo {
  constructor(protected readonly db: Kysely<Database>) {}

  async drain(limit: number, headerText: HeaderTextExtractor): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      // Several nodes may drain one queue: each takes rows the others have not locked.
      const rows = await trx
        .selectFrom('text_index_queue')
        .innerJoin('message_meta', 'message_meta.blob_hash', 'text_index_queue.blob_hash')
        .select(['text_index_queue.blob_hash', 'message_meta.index_json'])
        .orderBy('text_index_queue.blob_hash')
        .limit(limit)
        .forUpdate('text_index_queue')
        .skipLocked()
        .execute();
      if (!rows.length) return 0;
      // The body's trigrams are PostgreSQL's own work (an index on message_meta.search_text).
      for (const r of rows) {
        await trx.insertInto('message_text_headers').values({ blob_hash: r.blob_hash, headers: headerText(r.index_json) }).onConflict((oc) => oc.column('blob_hash').doNothing()).execute();
      }
      await trx.deleteFrom('text_index_queue').where('blob_hash', 'in', rows.map((r) => r.blob_hash)).execute();
      return rows.length;
    });
  }

  async pending() {
    const r = await this.db.selectFrom('text_index_queue').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async candidates(mailboxId: number, needle: string, headers: boolean): Promise<{ uids: number[]; exact: boolean } | null> {
    // pg_trgm answers ILIKE from the index and rechecks every row itself: the result is exact.
    const pattern = `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = await sql<{ uid: number }>`
      select m.uid from messages m
      join message_meta mm on mm.blob_hash = m.blob_hash
      ${headers ? sql`left join message_text_headers h on h.blob_hash = m.blob_hash` : sql``}
      where m.mailbox_id = ${mailboxId}
        and (mm.search_text ilike ${pattern} ${headers ? sql`or h.headers ilike ${pattern}` : sql``})
      order by m.uid`.execute(this.db);
    return { uids: rows.rows.map((r) => Number(r.uid)), exact: true };
  }

  async texts(mailboxId: number, uids: readonly number[]) {
    if (!uids.length) return [];
    const rows = await this.db
      .selectFrom('messages')
      .innerJoin('message_meta', 'message_meta.blob_hash', 'messages.blob_hash')
      .select(['messages.uid', 'message_meta.search_text', 'message_meta.index_json'])
      .where('messages.mailbox_id', '=', mailboxId)
      .where('messages.uid', 'in', [...uids])
      .orderBy('messages.uid')
      .execute();
    return rows.map((r) => ({ uid: Number(r.uid), body: r.search_text, headers: r.index_json }));
  }

  /** Stops whatever the engine runs for its index. */
  async close(): Promise<void> {}
}
