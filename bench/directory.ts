/**
 * Directory benchmark: import of a generated national directory and search latency, on both
 * store engines.
 *
 *   npm run build && node dist/bench/directory.js        (WARDPOST_BENCH_PEOPLE=1200000 by default)
 *
 * Query shapes (issue 5): 2-, 3- and 5-character prefixes and two-word queries, national and
 * organisation-scoped; p50 and p99 over many random queries. Goal: p99 under 20 ms everywhere on
 * the embedded engine. (LDAP searches/s beside OpenLDAP are measured by bench/ldap.ts.)
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import pg from 'pg';
import { cliActor } from '../src/core/actor.js';
import { DirectoryImporter } from '../src/core/directory/csv-import.js';
import { DirectoryService } from '../src/core/directory/directory-service.js';
import { syntheticDirectory } from '../src/core/directory/synthetic.js';
import type { SearchQuery } from '../src/core/directory/types.js';
import { InProcessEventBus } from '../src/core/events/bus.js';
import { createServices } from '../src/core/services.js';
import { openStore, type DatabaseSetting } from '../src/store/open.js';

const PEOPLE = Number(process.env.WARDPOST_BENCH_PEOPLE ?? 1_200_000);
const QUERIES = Number(process.env.WARDPOST_BENCH_QUERIES ?? 400);
const PG_URL = process.env.WARDPOST_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
// WARDPOST_BENCH_ENGINES=sqlite (or postgres) measures one engine, e.g. under --trace-gc.
const ENGINES = (process.env.WARDPOST_BENCH_ENGINES ?? 'sqlite,postgres').split(',');

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function writeCsv(file: string): Promise<{ names: [string, string][]; trusts: string[] }> {
  const out = createWriteStream(file);
  const names: [string, string][] = [];
  const trusts: string[] = [];
  let i = 0;
  for (const line of syntheticDirectory({ people: PEOPLE, seed: 1 })) {
    if (i++ % 997 === 5 && line.includes(',person,')) {
      const [, , given, family] = line.split(',');
      names.push([given!, family!]);
    }
    if (line.includes(',trust')) trusts.push(line.split(',')[0]!);
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { names, trusts };
}

interface Row {
  engine: string;
  shape: string;
  scope: string;
  p50: number;
  p99: number;
  avgHits: number;
  /** Longest garbage-collection pause while the row ran (ms), and the slowest query. */
  gcMax: number;
  slowest: string;
}

/** Garbage-collection pauses as they happen, so a tail can be told from a GC pause. */
const gcPauses: number[] = [];
new PerformanceObserver((list) => {
  // Not the bench's own global.gc() after the index load (forced), which reports on a later turn.
  for (const e of list.getEntries()) {
    const flags = (e as { detail?: { flags?: number } }).detail?.flags ?? 0;
    if (!(flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED)) gcPauses.push(e.duration);
  }
}).observe({ entryTypes: ['gc'] });

async function main() {
  const dir = mkdtempSync(path.resolve('.bench-tmp-dir-'));
  const csv = path.join(dir, 'directory.csv');
  const t0 = Date.now();
  const { names, trusts } = await writeCsv(csv);
  console.log(`generated ${PEOPLE.toLocaleString('en-GB')} people in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const engines: [string, DatabaseSetting][] = ENGINES.includes('sqlite') ? [['sqlite', { kind: 'sqlite', file: path.join(dir, 'bench.sqlite') }]] : [];
  const schema = `wp_bench_dir_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  if (ENGINES.includes('postgres')) {
    try {
      await admin.connect();
      await admin.query(`create schema ${schema}`);
      engines.push(['postgres', { kind: 'postgres', url: PG_URL, schema }]);
    } catch (e) {
      console.log(`PostgreSQL unavailable, skipped: ${(e as Error).message}`);
    }
  }

  const rows: Row[] = [];
  const loads: string[][] = [['engine', 'import', 'rows/s', 'rejected', 'index load', 'entries', 'heap + typed arrays after load']];
  for (const [engine, setting] of engines) {
    const store = await openStore(setting, dir);
    const services = createServices(store, new InProcessEventBus(), { nationalDomain: 'wardpost.test' });
    const importer = new DirectoryImporter(store, services.orgs, services.directory);
    const ti = Date.now();
    const summary = await importer.import(createReadStream(csv), {
      actor: cliActor('bench'),
      progressEvery: 100_000,
      onProgress: (p) => process.stderr.write(`  ${engine}: ${p.rows.toLocaleString('en-GB')} rows\n`),
    });
    const importSecs = (Date.now() - ti) / 1000;
    // A fresh service loads the index from the store, as a starting node does.
    const directory = new DirectoryService(store, new InProcessEventBus());
    const tl = Date.now();
    await directory.start();
    const loadSecs = (Date.now() - tl) / 1000;
    global.gc?.();
    loads.push([engine, `${importSecs.toFixed(0)} s`, (summary.rows / importSecs).toFixed(0), `${summary.rejected}${summary.rejections[0] ? ` (first: ${summary.rejections[0].reason})` : ''}`, `${loadSecs.toFixed(1)} s`, String(directory.size), `${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} + ${(process.memoryUsage().arrayBuffers / 2 ** 20).toFixed(0)} MiB`]);

    const viewer = { accountId: null, orgId: null, national: true };
    const shapes: [string, (g: string, f: string) => string][] = [
      ['2-char prefix', (_g, f) => f.slice(0, 2)],
      ['3-char prefix', (_g, f) => f.slice(0, 3)],
      ['5-char prefix', (_g, f) => f.slice(0, 5)],
      ['two words', (g, f) => `${f.slice(0, 4)} ${g.slice(0, 3)}`],
    ];
    // Warm up (JIT) before measuring.
    for (let i = 0; i < 200; i++) await directory.search(viewer, { text: names[i % names.length]![1].slice(0, 3) });
    for (const [shape, make] of shapes) {
      for (const scoped of [false, true]) {
        const times: number[] = [];
        let hits = 0;
        let slowest = { ms: 0, q: '' };
        gcPauses.length = 0;
        for (let i = 0; i < QUERIES; i++) {
          const [g, f] = names[i % names.length]!;
          const q: SearchQuery = { text: make(g, f), limit: 50, ...(scoped ? { scope: trusts[i % trusts.length]! } : {}) };
          const t = performance.now();
          const r = await directory.search(viewer, q);
          const ms = performance.now() - t;
          times.push(ms);
          if (ms > slowest.ms) slowest = { ms, q: `"${q.text}"${q.scope ? ` in ${q.scope}` : ''}` };
          hits += r.total;
        }
        // Observer callbacks run on a later turn: let the last pauses arrive.
        await new Promise((r) => setImmediate(r));
        rows.push({ engine, shape, scope: scoped ? 'one trust' : 'national', p50: pct(times, 50), p99: pct(times, 99), avgHits: hits / QUERIES, gcMax: Math.max(0, ...gcPauses), slowest: `${slowest.q} ${slowest.ms.toFixed(1)} ms` });
      }
    }
    directory.stop();
    await store.close();
  }
  if (engines.some(([e]) => e === 'postgres')) {
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
  rmSync(dir, { recursive: true, force: true });

  const print = (t: string[][]) => {
    const w = t[0]!.map((_, i) => Math.max(...t.map((r) => r[i]!.length)));
    for (const r of t) console.log(`  ${r.map((v, i) => v.padEnd(w[i]!)).join('  ')}`);
  };
  console.log(`\nDirectory of ${PEOPLE.toLocaleString('en-GB')} people: import and index load\n`);
  print(loads);
  console.log(`\nSearch latency (${QUERIES} queries per row, 50 results per page, including reading the page from the store)\n`);
  print([
    ['engine', 'query', 'scope', 'p50 ms', 'p99 ms', 'avg matches', 'goal p99 < 20 ms', 'longest GC pause ms', 'slowest query'],
    ...rows.map((r) => [r.engine, r.shape, r.scope, r.p50.toFixed(2), r.p99.toFixed(2), r.avgHits.toFixed(0), r.p99 < 20 ? 'met' : 'NOT met', r.gcMax.toFixed(1), r.slowest]),
  ]);
}

await main();
