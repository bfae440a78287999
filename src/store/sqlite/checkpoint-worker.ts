/**
 * Worker thread that checkpoints the SQLite WAL into the database file on its own connection, so
 * the copy and its two syncs (WAL before, database after) never stall the event loop that serves
 * clients. Runs one checkpoint per request and answers with SQLite's counters.
 * See checkpointer.ts for when it is asked.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface CheckpointRequest {
  mode: 'PASSIVE' | 'RESTART';
}

export interface CheckpointReply {
  /** Frames in the WAL, and how many of them are now in the database file (sqlite3_wal_checkpoint_v2). */
  log: number;
  checkpointed: number;
  busy: boolean;
  error?: string;
}

const { file } = workerData as { file: string };
const db = new Database(file);
// NORMAL: a checkpoint syncs the WAL before copying and the database file after, which is what
// makes it safe for the writer to start the WAL over afterwards.
db.pragma('synchronous = NORMAL');
// Never wait: a RESTART checkpoint holds the writer lock while it waits for readers, and the main
// thread, itself waiting on that lock (its busy handler blocks its event loop), may be the reader.
// Busy now means "try again at the next nudge".
db.pragma('busy_timeout = 0');
db.pragma('wal_autocheckpoint = 0');

parentPort!.on('message', (req: CheckpointRequest | 'close') => {
  if (req === 'close') {
    db.close();
    parentPort!.close();
    return;
  }
  let reply: CheckpointReply;
  try {
    const [row] = db.pragma(`wal_checkpoint(${req.mode})`) as { busy: number; log: number; checkpointed: number }[];
    reply = { log: row?.log ?? 0, checkpointed: row?.checkpointed ?? 0, busy: !!row?.busy };
  } catch (err) {
    reply = { log: 0, checkpointed: 0, busy: true, error: (err as Error).message };
  }
  parentPort!.postMessage(reply);
});

