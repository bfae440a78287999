/**
 * Local delivery benchmark: messages per second into a mailbox, 10 KB and 1 MB bodies, one at a
 * time and 32 at once, on both engines, beside the disk's own fsync rate measured in the same run.
 *
 *   npm run bench:delivery            (WARDPOST_BENCH_SECONDS=5 per cell by default)
 *
 * Goal (issue 2): embedded delivery of small messages reaches at least half of
 * fsync rate x batch size, where batch size is callers per group commit measured here.
 */
import { mkdtempSync, openSync, writeSync, fdatasyncSync, closeSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import pg from 'pg';
import { InProcessEventBus } from '../src/core/events/bus.js';
import { createServices } from '../src/core/services.js';
import { cliActor } from '../src/core/actor.js';
import { openStore, type DatabaseSetting, type StoreOptions } from '../src/store/open.js';

const SECONDS = Number(process.env.WARDPOST_BENCH_SECONDS ?? 5);
const PG_URL = process.env.WARDPOST_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const benchRoot = path.resolve('.bench-tmp');

/**
 * The disk's fdatasync rate for 4 KiB writes: `append` grows the file each time, as a write-ahead
 * log (SQLite's WAL, a mail queue file) does, which costs a journal commit of the size change;
 * `overwrite` rewrites blocks in place (the cheapest case a disk can offer).
 */
function fsyncRate(dir: string, seconds = SECONDS, mode: 'append' | 'overwrite' = 'append'): number {
  const file = path.join(dir, 'fsync-probe');
  const fd = openSync(file, 'w');
  const buf = Buffer.alloc(4096, 7);
  let n = 0;
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    writeSync(fd, buf, 0, buf.length, mode === 'append' ? n * 4096 : (n % 256) * 4096);
    fdatasyncSync(fd);
    n++;
  }
  closeSync(fd);
  rmSync(file);
  return n / seconds;
}

function message(bytes: number, i: number): Buffer {
  const head = `From: bench@example.org\r\nTo: bench@wardpost.test\r\nSubject: bench ${i}\r\nMessage-ID: <${i}.${Date.now()}@bench>\r\n\r\n`;
  const line = `${i} the quick brown fox jumps over the lazy dog 0123456789 abcdefghijklmnop\r\n`;
  return Buffer.from(head + line.repeat(Math.ceil((bytes - head.length) / line.length)));
}

interface Cell {
  engine: string;
  size: string;
  concurrency: number;
  msgs: number;
  perSec: number;
  mbPerSec: number;
  batch: number;
  /** The disk's fsync rate measured just before this cell (shared virtual disks drift). */
  fsyncs: number;
}

async function run(engine: string, database: DatabaseSetting, dataDir: string, bytes: number, concurrency: number, opts: StoreOptions = {}): Promise<Cell> {
  const fsyncs = fsyncRate(dataDir, 1);
  const store = await openStore(database, dataDir, opts);
  const services = createServices(store, new InProcessEventBus(), { nationalDomain: 'wardpost.test' });
  const slug = `bench-${engine.replace(/\W+/g, '-')}-${bytes}-${concurrency}`;
  await services.orgs.create({ slug, name: 'Bench' }, cliActor('bench'));
  const address = `${slug}@wardpost.test`;
  await services.accounts.create({ address, orgSlug: slug, name: 'Bench Mark', password: null, quota: 0 }, cliActor('bench'));
  const before = store.commitStats();
  let n = 0;
  let i = 0;
  const end = Date.now() + SECONDS * 1000;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        const body = message(bytes, i++);
        await services.delivery.deliver({ source: Readable.from([body]), recipients: [address] });
        n++;
      }
    }),
  );
  const secs = (Date.now() - started) / 1000;
  const after = store.commitStats();
  await store.close();
  return {
    engine,
    size: bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MB` : `${bytes / 1024} KB`,
    concurrency,
    msgs: n,
    perSec: n / secs,
    mbPerSec: (n * bytes) / secs / 1024 / 1024,
    batch: (after.jobs - before.jobs) / Math.max(1, after.batches - before.batches),
    fsyncs,
  };
}

async function main() {
  rmSync(benchRoot, { recursive: true, force: true });
  const dataDir = mkdtempSync(`${benchRoot}-`);
  const fsyncs = fsyncRate(dataDir);
  const overwrites = fsyncRate(dataDir, SECONDS, 'overwrite');
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
      cells.push(await run('sqlite', sqlite, dataDir, bytes, c));
      cells.push(await run('sqlite (WAL sync off-loop)', sqlite, dataDir, bytes, c, { commitSync: 'wal-fdatasync' }));
      if (pgOk) cells.push(await run('postgres', { kind: 'postgres', url: PG_URL, schema }, dataDir, bytes, c));
    }
  }
  if (pgOk) {
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
  rmSync(dataDir, { recursive: true, force: true });

  const rows = [['engine', 'body', 'concurrency', 'messages', 'msg/s', 'MB/s', 'callers/commit', 'disk fsync/s (peer)']];
  for (const c of cells) rows.push([c.engine, c.size, String(c.concurrency), String(c.msgs), c.perSec.toFixed(0), c.mbPerSec.toFixed(1), c.batch.toFixed(1), c.fsyncs.toFixed(0)]);
  rows.push(['disk (peer)', '4 KiB append+fdatasync', '1', '', fsyncs.toFixed(0), '', '1', fsyncs.toFixed(0)]);
  rows.push(['disk (peer)', '4 KiB overwrite+fdatasync', '1', '', overwrites.toFixed(0), '', '1', overwrites.toFixed(0)]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  console.log(`\nLocal delivery, ${SECONDS}s per cell, on this machine:\n`);
  for (const r of rows) console.log(`  ${r.map((v, i) => v.padEnd(widths[i]!)).join('  ')}`);
  const small = cells.filter((c) => c.engine === 'sqlite' && c.size === '10 KB');
  console.log('\nGoal: embedded 10 KB delivery >= 0.5 x fsync rate (append, measured before the cell) x callers per commit');
  for (const c of small) {
    const goal = 0.5 * c.fsyncs * c.batch;
    console.log(`  concurrency ${String(c.concurrency).padEnd(3)} ${c.perSec.toFixed(0)} msg/s vs goal ${goal.toFixed(0)} (${c.fsyncs.toFixed(0)} fsync/s x ${c.batch.toFixed(1)} / 2): ${c.perSec >= goal ? 'met' : 'NOT met'}`);
  }
}

await main();
