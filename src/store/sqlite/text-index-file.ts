/**
 * The SQLite engine's text index lives in a file of its own beside the database
 * (`wardpost.sqlite` -> `wardpost.text.sqlite`), written by one worker thread on its own connections
 * (text-index-worker.ts). Two reasons, both measured on one client appending messages over IMAP: the
 * FTS5 work (every body cut into trigrams, segments merged) had cost ~0.2 ms of the event loop per
 * message, and its pages went into the main WAL, which every delivery's commit must sync.
 *
 * - `message_text`: contentless FTS5 with the trigram tokenizer (substring matching is what IMAP's
 *   SEARCH asks for), keyed by `message_meta`'s rowid, columns body and headers.
 * - `text_progress`: the highest `message_meta` rowid indexed, committed with the rows it covers.
 *
 * `message_meta` rows are never deleted and one writer assigns their rowids in commit order, so
 * "rowid > progress" is the queue, and nothing needs writing on the delivery path. The file is
 * derived data: it syncs lazily (a crash may lose a tail, indexed again since its progress went
 * with it), and one that cannot be opened is removed and rebuilt from the database.
 */
import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';

export function textIndexFileOf(dbFile: string): string {
  return dbFile.replace(/(\.sqlite3?|\.db)?$/, '.text.sqlite');
}

/** Opens the index file, creating its schema; an unreadable file is replaced by an empty one. */
export function openTextIndexFile(file: string): Database.Database {
  try {
    return prepare(file);
  } catch {
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
    return prepare(file);
  }
}

function prepare(file: string): Database.Database {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 10000');
    db.exec(`create virtual table if not exists message_text using fts5(body, headers, tokenize = 'trigram', content = '', contentless_delete = 1, detail = 'column');
      create table if not exists text_progress (id integer primary key check (id = 1), last_rowid integer not null);
      insert or ignore into text_progress (id, last_rowid) values (1, 0);`);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** The highest `message_meta` rowid the index covers. */
export function indexedUpTo(text: Database.Database): number {
  return Number(text.prepare('select last_rowid from text_progress where id = 1').pluck().get() ?? 0);
}
