/**
 * SQLite's text index, kept in a file of its own by a worker thread (text-index-file.ts,
 * text-index-worker.ts). This thread only asks the worker to catch up, reads the index on a
 * connection of its own, and maps the bodies it finds to a folder's UIDs in the main database.
 */
import { Worker } from 'node:worker_threads';
import { sql, type Kysely } from 'kysely';
import type Database from 'better-sqlite3';
import type { Database as Schema } from '../schema/tables.js';
import type { HeaderTextExtractor } from '../types.js';
import { KyselyTextSearchRepo, trigramQuery } from '../repos/text-search.js';
import { indexedUpTo, openTextIndexFile, textIndexFileOf } from './text-index-file.js';
import type { TextIndexReply, TextIndexRequest, TextIndexWorkerData } from './text-index-worker.js';

export class SqliteTextSearchRepo extends KyselyTextSearchRepo {
  private worker: Worker | null = null;
  private readonly waiting = new Map<number, { resolve: (n: number) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private closing = false;
  /** The index file, read here (the worker is its one writer). */
  private readonly reader: Database.Database;
  private readonly textFile: string;

  constructor(
    db: Kysely<Schema>,
    private readonly mailFile: string,
  ) {
    super(db);
    this.textFile = textIndexFileOf(mailFile);
    this.reader = openTextIndexFile(this.textFile);
  }

  /** Indexes everything committed so far on the worker; `limit` is the worker's own (see there). */
  override drain(_limit: number, headerText: HeaderTextExtractor): Promise<number> {
    // A background indexer may still ask after the store closed: no new worker then.
    if (this.closing) return Promise.reject(new Error('text index: the store is closed'));
    const worker = this.start(headerText);
    const id = ++this.nextId;
    return new Promise<number>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      // Referenced only while someone waits for an answer, so an idle worker never keeps a process alive.
      worker.ref();
      worker.postMessage({ id } satisfies TextIndexRequest);
    });
  }

  private start(headerText: HeaderTextExtractor): Worker {
    if (this.worker) return this.worker;
    const data: TextIndexWorkerData = { mailFile: this.mailFile, textFile: this.textFile, headerModule: headerText.module, headerExport: headerText.exportName };
    const worker = new Worker(new URL('./text-index-worker.js', import.meta.url), { workerData: data });
    worker.unref();
    worker.on('message', (r: TextIndexReply) => {
      const w = this.waiting.get(r.id);
      this.waiting.delete(r.id);
      // Not while closing: close() holds the worker referenced until it has exited.
      if (!this.waiting.size && !this.closing) worker.unref();
      if ('error' in r) w?.reject(new Error(`text index: ${r.error}`));
      else w?.resolve(r.indexed);
    });
    // A worker that failed is started again by the next request; nothing it had not committed is lost.
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const w of this.waiting.values()) w.reject(new Error(`text index: ${err.message}`));
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the indexing thread stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }

  override async pending(): Promise<number> {
    const r = await this.db
      .selectFrom('message_meta')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(sql<number>`rowid`, '>', indexedUpTo(this.reader))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  override async candidates(mailboxId: number, needle: string, headers: boolean): Promise<{ uids: number[]; exact: boolean } | null> {
    const query = trigramQuery(needle, headers ? null : 'body');
    if (!query) return null;
    const bodies = this.reader.prepare('select rowid from message_text where message_text match ?').pluck().all(query) as number[];
    if (!bodies.length) return { uids: [], exact: false };
    // INDEXED BY (body hash, folder) keeps each hit one look-up: left to itself the planner took the
    // (folder, date) index and scanned the whole folder per hit (18 s for 10,000 hits).
    const rows = await sql<{ uid: number }>`
      select m.uid from message_meta mm
      cross join messages m indexed by messages_blob_mailbox on m.blob_hash = mm.blob_hash
      where mm.rowid in (select value from json_each(${JSON.stringify(bodies)})) and m.mailbox_id = ${mailboxId}
      order by m.uid`.execute(this.db);
    // Trigrams present somewhere do not make a substring: the caller checks the text.
    return { uids: rows.rows.map((r) => Number(r.uid)), exact: false };
  }

  override async close(): Promise<void> {
    this.closing = true;
    const worker = this.worker;
    this.worker = null;
    if (worker) {
      worker.removeAllListeners('exit');
      worker.ref();
      const exited = new Promise((r) => worker.once('exit', r));
      worker.postMessage('close');
      await exited;
    }
    this.reader.close();
  }
}
