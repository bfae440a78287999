/**
 * Keeps the WAL from growing without stalling writers: the main connection never checkpoints
 * (wal_autocheckpoint = 0); after commits, this asks a worker thread (checkpoint-worker.ts) for a
 * PASSIVE checkpoint at most every `intervalMs`. A passive checkpoint never blocks the writer, but
 * under steady load commits keep landing during it and SQLite can then never start the WAL over;
 * once the WAL passes `restartBytes` the worker runs a RESTART checkpoint instead, which waits for
 * the writer's current transaction and makes the next one begin at the start of the file (a short
 * stall of the writer, once per `restartBytes` of writes).
 */
import { Worker } from 'node:worker_threads';
import type { CheckpointReply, CheckpointRequest } from './checkpoint-worker.js';

/** SQLite's default page size, which this project keeps. */
const PAGE_BYTES = 4096;

export interface CheckpointerOptions {
  intervalMs?: number;
  restartBytes?: number;
  onError?: (message: string) => void;
}

export class Checkpointer {
  private readonly worker: Worker;
  private running = false;
  private wanted = false;
  private timer: NodeJS.Timeout | null = null;
  private lastRun = 0;
  /** Frames in the WAL at the last checkpoint: how far it has grown since SQLite last started it over. */
  private walFrames = 0;
  private closed = false;
  private idle: (() => void) | null = null;
  private readonly intervalMs: number;
  private readonly restartBytes: number;
  /** Checkpoints run, for the benchmark and tests. */
  runs = 0;

  constructor(file: string, private readonly opts: CheckpointerOptions = {}) {
    this.intervalMs = opts.intervalMs ?? 250;
    this.restartBytes = opts.restartBytes ?? 64 * 1024 * 1024;
    this.worker = new Worker(new URL('./checkpoint-worker.js', import.meta.url), { workerData: { file } });
    this.worker.unref();
    this.worker.on('message', (r: CheckpointReply) => this.done(r));
    this.worker.on('error', (err) => {
      this.running = false;
      this.opts.onError?.(err.message);
    });
  }

  /** Something was committed: a checkpoint will follow, soon but not for every commit. */
  nudge(): void {
    if (this.closed) return;
    this.wanted = true;
    if (this.running || this.timer) return;
    const wait = this.lastRun + this.intervalMs - Date.now();
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.start();
      }, wait);
      this.timer.unref();
    } else {
      this.start();
    }
  }

  private start(): void {
    if (!this.wanted || this.running || this.closed) return;
    this.wanted = false;
    this.running = true;
    const req: CheckpointRequest = { mode: this.walFrames * PAGE_BYTES > this.restartBytes ? 'RESTART' : 'PASSIVE' };
    this.worker.postMessage(req);
  }

  private done(r: CheckpointReply): void {
    this.running = false;
    this.lastRun = Date.now();
    this.runs++;
    this.walFrames = r.log;
    if (r.error) this.opts.onError?.(r.error);
    if (this.idle) {
      this.idle();
      return;
    }
    if (this.wanted) this.nudge();
  }

  /** Lets a checkpoint in progress finish, then stops the worker. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    // Unreferenced, the worker would not keep the loop alive for the replies awaited here.
    this.worker.ref();
    if (this.running) await new Promise<void>((r) => (this.idle = r));
    const exited = new Promise((r) => this.worker.once('exit', r));
    this.worker.postMessage('close');
    await exited;
  }
}
