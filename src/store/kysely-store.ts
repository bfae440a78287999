/**
 * The engine-independent Store: repositories over Kysely, transactions, and group commit.
 * Engines (sqlite/, postgres/) construct it with their dialect-specific Kysely instance and blob store.
 */
import { Migrator, sql, type Kysely } from 'kysely';
import { BlobAccess } from './blobs/blob-access.js';
import type { BlobStore } from './blobs/types.js';
import { bindRepos } from './repos/index.js';
import { KyselyTextSearchRepo } from './repos/text-search.js';
import { migrationProvider } from './schema/migrations.js';
import type { Database } from './schema/tables.js';
import type { EngineName, Repos, Store } from './types.js';
import { prepared } from './prepared.js';

// Each caller of a group commit runs inside its own savepoint, so one caller's failure undoes only
// its own writes. Compiled once (prepared.ts): these run three times per caller.
const rawQuery = (db: Kysely<Database>, text: ReturnType<typeof sql.raw>) => ({ compile: () => text.compile(db) });
const SAVEPOINT = prepared((db) => rawQuery(db, sql.raw('savepoint wp_group')));
const RELEASE = prepared((db) => rawQuery(db, sql.raw('release savepoint wp_group')));
const ROLLBACK_TO = prepared((db) => rawQuery(db, sql.raw('rollback to savepoint wp_group')));

interface GroupJob {
  fn: (tx: Repos) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export interface KyselyStoreOptions {
  /** Largest body kept inline in the `blobs` row (bytes). */
  inlineMax?: number;
  /** Most callers sharing one commit. */
  maxBatch?: number;
  /** How many group-commit transactions may run at once (1 for SQLite's single writer). */
  writers?: number;
  /** Errors worth re-running a whole batch for (deadlock, serialisation failure). */
  isRetryable?: (err: unknown) => boolean;
  /** Start the next batch's transaction while this one's durability sync runs (default true). */
  pipelineCommits?: boolean;
  /** The engine's own text index, where it has one (SQLite's file and worker); else the shared one. */
  textSearch?: KyselyTextSearchRepo;
}

export abstract class KyselyStore implements Store {
  readonly orgs;
  readonly accounts;
  readonly mailboxes;
  readonly messages;
  readonly messageMeta;
  readonly blobRefs;
  readonly audit;
  readonly sharing;
  readonly directory;
  readonly auth;
  readonly transport;
  readonly mailState;
  readonly jmap;
  readonly calendar;
  readonly sms;
  readonly webhooks;
  readonly admin;
  readonly blobs: BlobAccess;
  /** The search role: its own transactions, engine-specific SQL (see repos/text-search.ts). */
  readonly textSearch: KyselyTextSearchRepo;
  private queue: GroupJob[] = [];
  private stats = { batches: 0, jobs: 0 };
  private syncing = 0;
  private activeWriters = 0;
  private readonly maxBatch: number;
  private readonly writers: number;
  private readonly isRetryable: (err: unknown) => boolean;
  private readonly pipelineCommits: boolean;

  protected constructor(
    readonly engine: EngineName,
    protected readonly db: Kysely<Database>,
    byteStore: BlobStore,
    opts: KyselyStoreOptions = {},
  ) {
    this.blobs = new BlobAccess(db, byteStore, opts.inlineMax);
    this.textSearch = opts.textSearch ?? new KyselyTextSearchRepo(db);
    const repos = bindRepos(db);
    this.orgs = repos.orgs;
    this.accounts = repos.accounts;
    this.mailboxes = repos.mailboxes;
    this.messages = repos.messages;
    this.messageMeta = repos.messageMeta;
    this.blobRefs = repos.blobRefs;
    this.audit = repos.audit;
    this.sharing = repos.sharing;
    this.directory = repos.directory;
    this.auth = repos.auth;
    this.transport = repos.transport;
    this.mailState = repos.mailState;
    this.jmap = repos.jmap;
    this.calendar = repos.calendar;
    this.sms = repos.sms;
    this.webhooks = repos.webhooks;
    this.admin = repos.admin;
    this.maxBatch = opts.maxBatch ?? 256;
    this.writers = opts.writers ?? 1;
    this.isRetryable = opts.isRetryable ?? (() => false);
    this.pipelineCommits = opts.pipelineCommits ?? true;
  }

  /** Brings the schema to the newest version. Throws with the failing step's name. */
  async migrate(schema?: string): Promise<void> {
    // With a PostgreSQL schema, Kysely must look for its own tables in that schema only: without
    // it, a kysely_migration_lock in another schema of the same database counts as ours.
    // Steps written on parallel branches can land in a different order than their names sort;
    // a database that already ran a later-named step still gets an earlier-named one it lacks.
    const migrator = new Migrator({
      db: this.db,
      provider: migrationProvider(this.engine),
      allowUnorderedMigrations: true,
      ...(schema ? { migrationTableSchema: schema } : {}),
    });
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error');
      throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * Resolves once everything committed so far is on stable storage. PostgreSQL is durable at
   * COMMIT, so the default does nothing; the SQLite engine syncs its WAL here. `lone` says that this
   * commit carried one caller and nobody else is waiting to write (the engine may then sync inline).
   */
  protected durable(_lone = false): Promise<void> {
    return Promise.resolve();
  }

  async transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T> {
    const result = await this.db.transaction().execute((trx) => fn(bindRepos(trx)));
    await this.durable();
    return result;
  }

  grouped<T>(fn: (tx: Repos) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.activeWriters < this.writers && this.queue.length) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.activeWriters++;
      // The writer slot is freed as soon as the batch has committed, so the next batch can run
      // its transaction while this one waits for its sync: commits and syncs are pipelined.
      void this.runBatch(batch, () => {
        this.activeWriters--;
        this.pump();
      });
    }
  }

  private async runBatch(batch: GroupJob[], committed: () => void): Promise<void> {
    let released = false;
    const release = () => {
      if (!released) {
        released = true;
        committed();
      }
    };
    try {
      await this.runBatchOnce(batch, release);
    } finally {
      release();
    }
  }

  private async runBatchOnce(batch: GroupJob[], committed: () => void): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
      try {
        await this.db.transaction().execute(async (trx) => {
          const repos = bindRepos(trx);
          if (batch.length === 1) {
            // Alone in its transaction: a failure rolls the whole transaction back, no savepoint needed.
            outcomes.push({ ok: true, value: await batch[0]!.fn(repos) });
            return;
          }
          for (const job of batch) {
            await SAVEPOINT.run(trx);
            try {
              const value = await job.fn(repos);
              await RELEASE.run(trx);
              outcomes.push({ ok: true, value });
            } catch (error) {
              if (this.isRetryable(error)) throw error;
              await ROLLBACK_TO.run(trx);
              await RELEASE.run(trx);
              outcomes.push({ ok: false, error });
            }
          }
        });
      } catch (err) {
        if (this.isRetryable(err) && attempt < 5) continue;
        committed();
        // A lone caller's own failure rolled back its transaction: nothing was written, no sync needed.
        for (const job of batch) job.reject(err);
        return;
      }
      // Pipelined engines free the writer now, so the next batch commits while this one syncs.
      // Otherwise the writer waits for the sync: the callers arriving meanwhile form the next
      // batch, one commit per sync, and each commit carries as many callers as the disk's pace allows.
      if (this.pipelineCommits) committed();
      this.syncing++;
      try {
        await this.durable(batch.length === 1 && this.queue.length === 0);
      } catch (err) {
        // Committed but not known to be on disk: nobody may be told "done".
        for (const job of batch) job.reject(err);
        return;
      } finally {
        this.syncing--;
      }
      this.stats.batches++;
      this.stats.jobs += batch.length;
      batch.forEach((job, i) => {
        const o = outcomes[i]!;
        if (o.ok) job.resolve(o.value);
        else job.reject(o.error);
      });
      return;
    }
  }

  commitStats(): { batches: number; jobs: number; syncs: number } {
    return { ...this.stats, syncs: this.stats.batches };
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  abstract integrityCheck(): Promise<string[]>;

  async close(): Promise<void> {
    // Let queued group commits finish before the connection goes.
    while (this.queue.length || this.activeWriters || this.syncing) await new Promise((r) => setTimeout(r, 5));
    await this.textSearch.close();
    await this.db.destroy();
  }
}
