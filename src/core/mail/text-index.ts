/**
 * Substring search over stored message text (IMAP SEARCH TEXT/BODY, RFC 9051 section 6.4.4; JMAP
 * text filters) through the store's persistent trigram index (`store.textSearch`, migration
 * 0012_imap_search). Nothing is rebuilt when a process starts.
 *
 * Delivery writes nothing for the index (PostgreSQL: a trigger queues the body; SQLite: the index
 * knows how far into the bodies it has got). This indexer has the store index new bodies shortly
 * after deliveries, off their path, and every search first has it index whatever is left, so
 * results never miss a message. Candidates the index cannot prove are checked against the stored
 * text here, with Unicode case folding, so both engines answer the same.
 */
import type { EventBus } from '../events/bus.js';
import type { Store } from '../../store/types.js';
import { headerText, headerTextOf } from './header-text.js';

/**
 * Bodies indexed per transaction where the engine indexes on this thread (PostgreSQL): small, so
 * deliveries and reads wait at most a few ms for it. SQLite indexes on a worker thread of its own.
 */
const BATCH = 16;
/** Deliveries usually come in bursts: index once the burst has passed, or after this at the latest. */
const SETTLE_MS = 100;
const MAX_DELAY_MS = 1000;
/** Candidates checked per read of their stored text. */
const CHECK_CHUNK = 400;

export class TextIndex {
  private draining: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private firstQueuedAt = 0;
  private closed = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: Store,
    bus: EventBus,
  ) {
    this.unsubscribe = bus.subscribe('mail.delivered', () => this.schedule());
    // Whatever an earlier process (or the migration's backfill) left queued.
    this.schedule();
  }

  private schedule(): void {
    if (this.closed) return;
    const now = Date.now();
    if (!this.timer) this.firstQueuedAt = now;
    else if (now - this.firstQueuedAt >= MAX_DELAY_MS) return;
    else clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      // A failure here is not lost: the rows stay queued and the next search drains them itself,
      // where the error reaches the client.
      this.drain().catch(() => undefined);
    }, SETTLE_MS);
    this.timer.unref();
  }

  /**
   * Indexes everything queued; one drain at a time per process, concurrent callers share it. The
   * background stops at close; a search (`always`) still drains, so it never answers from half an index.
   */
  drain(always = false): Promise<void> {
    this.draining ??= (async () => {
      try {
        while ((always || !this.closed) && (await this.store.textSearch.drain(BATCH, headerText)) > 0) {
          // Let queued deliveries and reads run between batches.
          await new Promise((r) => setImmediate(r));
        }
      } finally {
        this.draining = null;
      }
    })();
    return this.draining;
  }

  /** UIDs of a folder whose body text (and, with `headers`, header text) contains `needle`, case-insensitively. */
  async search(mailboxId: number, needle: string, headers: boolean): Promise<number[]> {
    // A drain already running may have looked for new bodies before this search's caller committed
    // its last one: wait for it, then drain again, so the index covers everything committed so far.
    await this.draining?.catch(() => undefined);
    await this.drain(true);
    const found = await this.store.textSearch.candidates(mailboxId, needle, headers);
    if (found?.exact) return found.uids;
    const uids = found ? found.uids : await this.store.mailState.uids(mailboxId);
    const lower = needle.toLowerCase();
    const out: number[] = [];
    for (let i = 0; i < uids.length; i += CHECK_CHUNK) {
      for (const r of await this.store.textSearch.texts(mailboxId, uids.slice(i, i + CHECK_CHUNK))) {
        if (r.body.toLowerCase().includes(lower) || (headers && headerTextOf(r.headers).toLowerCase().includes(lower))) out.push(r.uid);
      }
    }
    return out;
  }

  /** Stops background indexing (at shutdown); waits for a batch in progress. */
  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
    await this.draining?.catch(() => undefined);
  }
}
