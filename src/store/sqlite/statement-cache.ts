/**
 * Kysely's SQLite driver prepares every statement afresh; compiling SQL is a measurable share of a
 * delivery's cost. This wrapper hands Kysely the same prepared statement for the same SQL text
 * (bounded LRU), which is safe because better-sqlite3 statements are reusable and Kysely always
 * passes parameters at run time.
 *
 * Transactions begin IMMEDIATE (Kysely sends a plain deferred "begin"): a deferred transaction
 * reads first and asks for the write lock later, and SQLite does not run the busy handler for that
 * upgrade (it could deadlock), so while the checkpoint worker held the lock every such write failed
 * at once with "database is locked" (3% of a 1.2M-row directory import). IMMEDIATE takes the write
 * lock at BEGIN, where busy_timeout waits for it.
 */
import type Database from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

export function withStatementCache(db: Database.Database, max = 500): SqliteDatabase {
  const cache = new Map<string, Database.Statement>();
  return {
    close: () => {
      cache.clear();
      db.close();
    },
    prepare: (text: string) => {
      const sql = /^begin$/i.test(text) ? 'begin immediate' : text;
      let st = cache.get(sql);
      if (st) {
        cache.delete(sql);
      } else {
        st = db.prepare(sql);
        if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      }
      cache.set(sql, st);
      return st as unknown as SqliteStatement;
    },
  };
}
