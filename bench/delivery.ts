/**
 * Local delivery benchmark: messages per second into a mailbox, 10 KB and 1 MB bodies, one caller
 * and 32 concurrent callers, on both engines, beside the disk's own fsync rate measured in the same
 * run (before and after every cell; the mean of the two is the cell's peer figure).
 *
 *   npm run bench:delivery   (WARDPOST_BENCH_SECONDS=3 per run, WARDPOST_BENCH_RUNS=3 runs per cell; medians)
 *
 * Goal (issue 2): embedded delivery of small messages reaches at least half of fsync rate x batch
 * size. The batch size is not a setting: it is what group commit formed in the run, counted as
 * deliveries per durability sync (SQLite: fdatasyncs of the WAL; PostgreSQL: commits), which is at
 * least the deliveries per commit, so the goal is never made easier by committing often.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import pg from 'pg';
import { InProcessEventBus } from '../src/core/events/bus.js';
import { createServices } from '../src/core/services.js';
import { cliActor } from '../src/core/actor.js';
import { openStore, type DatabaseSetting, type StoreOptions } from '../src/store/open.js';
import { fsyncRate, median } from './disk.js';

const SECONDS = Number(process.env.WARDPOST_BENCH_SECONDS ?? 3);
const RUNS = Number(process.env.WARDPOST_BENCH_RUNS ?? 3);
const PG_URL = process.env.WARDPOST_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const benchRoot = path.resolve('.bench-tmp');

function message(bytes: number, i: number): Buffer {
  const head = `From: bench@example.org\r\nTo: bench@wardpost.test\r\nSubject: bench ${i}\r\nMessage-ID: <${i}.${Date.now()}@bench>\r\n\r\n`;
  const line = `${i} the quick brown fox jumps over the lazy dog 0123456789 abcdefghijklmnop\r\n`;
  return Buffer.from(head + line.repeat(Math.ceil((bytes - head.length) / line.length)));
}

interface Run {
  perSec: number;
  /** Process CPU (all threads) per delivery, microseconds. */
  cpuUs: number;
  perCommit: number;
  perSync: number;
  syncsPerSec: number;
  /** The disk's 4 KiB append+fdatasync rate around this run (mean of before and after). */
  fsyncs: number;
}

interface Cell extends Run {
  engine: string;
  size: string;
  concurrency: number;
  goal: number;
}

let cellNo = 0;

async function runOnce(engine: string, database: DatabaseSetting, dataDir: string, bytes: number, concurrency: number, opts: StoreOptions): Promise<Run> {
  const before = fsyncRate(dataDir, 1);
  const store = await openStore(database, dataDir, opts);
  const services = createServices(store, new InProcessEventBus(), { nationalDomain: 'wardpost.test' });
  const slug = `bench-${++cellNo}`;
  await services.orgs.create({ slug, name: 'Bench' }, cliActor('bench'));
  const address = `${slug}@wardpost.test`;
  await services.accounts.create({ address, orgSlug: slug, name: 'Bench Mark', password: null, quota: 0 }, cliActor('bench'));
  let i = 0;
  const deliverFor = async (ms: number) => {
    let n = 0;
    const end = Date.now() + ms;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (Date.now() < end) {
          await services.delivery.deliver({ source: Readable.from([message(bytes, i++)]), recipients: [address] });
          n++;
        }
      }),
    );
    return n;
  };
  await deliverFor(300); // warm-up: JIT, statement caches
  const stats0 = store.commitStats();
  const cpu0 = process.cpuUsage();
  const started = process.hrtime.bigint();
  const n = await deliverFor(SECONDS * 1000);
  const secs = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const stats = store.commitStats();
  await store.close();
  const after = fsyncRate(dataDir, 1);
  const jobs = stats.jobs - stats0.jobs;
  return {
    perSec: n / secs,
    cpuUs: (cpu.user + cpu.system) / n,
    perCommit: jobs / Math.max(1, stats.batches - stats0.batches),
    perSync: jobs / Math.max(1, stats.syncs - stats0.syncs),
    syncsPerSec: (stats.syncs - stats0.syncs) / secs,
    fsyncs: (before + after) / 2,
  };
}

async function cell(engine: string, database: DatabaseSetting, dataDir: string, bytes: number, concurrency: number, opts: StoreOptions = {}): Promise<Cell> {
  const runs: Run[] = [];
  for (let r = 0; r < RUNS; r++) runs.push(await runOnce(engine, database, dataDir, bytes, concurrency, opts));
  const m = (f: (r: Run) => number) => median(runs.map(f));
  const out = { perSec: m((r) => r.perSec), cpuUs: m((r) => r.cpuUs), perCommit: m((r) => r.perCommit), perSync: m((r) => r.perSync), syncsPerSec: m((r) => r.syncsPerSec), fsyncs: m((r) => r.fsyncs) };
  return {
    engine,
    size: bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MB` : `${bytes / 1024} KB`,
    concurrency,
    ...out,
    // Goal per run, then its median: the disk drifts between runs.
    goal: m((r) => 0.5 * r.fsyncs * r.perSync),
  };
}

async function main() {
  rmSync(benchRoot, { recursive: true, force: true });
  const dataDir = mkdtempSync(`${benchRoot}-`);
  const cells: Cell[] = [];
  const sqlite: DatabaseSetting = { kind: 'sqlite', file: path.join(dataDir, 'bench.sqlite') };
  const schema = `wp_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  let pgOk = true;
  try {
    await admin.connect();
    await admin.query(`create schema ${schema}`);
  } catch (e) {
    pgOk = false;
    process.stderr.write(`PostgreSQL unavailable, its rows are skipped: ${(e as Error).message}\n`);
  }
  for (const bytes of [10 * 1024, 1024 * 1024]) {
    for (const c of [1, 32]) {
      cells.push(await cell('sqlite', sqlite, dataDir, bytes, c));
      if (bytes < 1024 * 1024) cells.push(await cell('sqlite, synchronous=FULL inline', sqlite, dataDir, bytes, c, { commitSync: 'full' }));
      if (pgOk) cells.push(await cell('postgres', { kind: 'postgres', url: PG_URL, schema }, dataDir, bytes, c));
    }
  }
  const append = fsyncRate(dataDir, SECONDS);
  const overwrite = fsyncRate(dataDir, SECONDS, 'overwrite');
  if (pgOk) {
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
  rmSync(dataDir, { recursive: true, force: true });

  const rows = [['engine', 'body', 'callers', 'msg/s', 'CPU us/msg', 'per commit', 'per sync', 'syncs/s', 'disk fsync/s', 'goal msg/s', 'goal']];
  for (const c of cells) {
    rows.push([c.engine, c.size, String(c.concurrency), c.perSec.toFixed(0), c.cpuUs.toFixed(0), c.perCommit.toFixed(1), c.perSync.toFixed(1), c.syncsPerSec.toFixed(0), c.fsyncs.toFixed(0), c.goal.toFixed(0), c.perSec >= c.goal ? 'met' : 'NOT met']);
  }
  rows.push(['disk: 4 KiB append+fdatasync', '', '', append.toFixed(0), '', '', '', '', '', '', '']);
  rows.push(['disk: 4 KiB overwrite+fdatasync', '', '', overwrite.toFixed(0), '', '', '', '', '', '', '']);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  console.log(`\nLocal delivery, median of ${RUNS} runs of ${SECONDS}s per cell, on this machine:\n`);
  const line = (r: string[]) => `| ${r.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(rows[0]!));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows.slice(1)) console.log(line(r));
  console.log('\ngoal msg/s = 0.5 x disk fsync/s (4 KiB append, around the run) x deliveries per sync (as formed in the run)');
}

await main();
