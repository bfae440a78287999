/**
 * Worker thread that keeps the text index file (text-index-file.ts) up to date: on each request it
 * indexes every `message_meta` row past its progress mark, a few hundred per transaction, and
 * answers how many it took. Reads the database on a read-only connection of its own (a WAL
 * reader never blocks the writer) and is the index file's only writer.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { indexedUpTo, openTextIndexFile } from './text-index-file.js';

export interface TextIndexRequest {
  id: number;
}

export type TextIndexReply = { id: number; indexed: number } | { id: number; error: string };

export interface TextIndexWorkerData {
  mailFile: string;
  textFile: string;
  /** The module (URL) and export of the header-text function (`HeaderTextExtractor`). */
  headerModule: string;
  headerExport: string;
}

/** Bodies per transaction: larger batches make fewer, larger FTS5 segments; nobody waits on this writer. */
const BATCH = 256;

const data = workerData as TextIndexWorkerData;
const headerText = (await import(data.headerModule))[data.headerExport] as (indexJson: string) => string;
const mail = new Database(data.mailFile, { readonly: true, fileMustExist: true });
mail.pragma('busy_timeout = 10000');
const text = openTextIndexFile(data.textFile);

const pending = mail.prepare('select rowid as id, search_text as body, index_json as json from message_meta where rowid > ? order by rowid limit ?');
const insert = text.prepare('insert into message_text (rowid, body, headers) values (?, ?, ?)');
const advance = text.prepare('update text_progress set last_rowid = ? where id = 1');

// A database restored from an older copy beside a newer index: its rowids would be taken again by
// new bodies, which the mark would skip. Start the index over.
/** The progress mark: read once, then this thread (the file's only writer) keeps it with each batch. */
let mark = indexedUpTo(text);
const newest = Number(mail.prepare('select coalesce(max(rowid), 0) from message_meta').pluck().get());
if (mark > newest) {
  text.exec('delete from message_text; update text_progress set last_rowid = 0 where id = 1');
  mark = 0;
}

const indexBatch = text.transaction((rows: { id: number; body: string; json: string }[]) => {
  for (const r of rows) insert.run(r.id, r.body, headerText(r.json));
  advance.run(rows[rows.length - 1]!.id);
});

function catchUp(): number {
  let total = 0;
  for (;;) {
    const rows = pending.all(mark, BATCH) as { id: number; body: string; json: string }[];
    if (!rows.length) return total;
    indexBatch(rows);
    mark = rows[rows.length - 1]!.id;
    total += rows.length;
  }
}

parentPort!.on('message', (req: TextIndexRequest | 'close') => {
  if (req === 'close') {
    text.close();
    mail.close();
    parentPort!.close();
    return;
  }
  let reply: TextIndexReply;
  try {
    reply = { id: req.id, indexed: catchUp() };
  } catch (err) {
    reply = { id: req.id, error: (err as Error).message };
  }
  parentPort!.postMessage(reply);
});
