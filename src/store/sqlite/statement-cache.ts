/**
 * Kysely's SQLite driver prepares every statement afresh; compiling SQL is a measurable share of a
 * delivery's cost. This wrapper hands Kysely the same prepared statement for the same SQL text
 * (bounded LRU), which is safe because better-sqlite3 statements are reusable and Kysely always
 * passes parameters at run time.
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
    prepare: (sql: string) => {
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
