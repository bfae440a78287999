/**
 * JMAP benchmark: what a web client does to open a folder. One HTTP request with Email/query (one
 * folder, newest first, 50 ids, total) and Email/get of those 50 by back-reference (the list
 * properties), against a 100,000-message folder, on both store engines. Prints p50/p99.
 *
 *   npm run bench:jmap     (WARDPOST_BENCH_MESSAGES=100000, WARDPOST_BENCH_RUNS=300 by default)
 *
 * Also measured: the same page deep in the folder (position 50,000) and Mailbox/get (counts).
 * The goal is p99 under 50 ms for the first page. The issue names no peer for JMAP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pino } from 'pino';
import pg from 'pg';
import { ANY_FREE_PORTS, loadConfig } from '../src/config/config.js';
import { startServer } from '../src/app/serve.js';
import { SYSTEM_ACTOR } from '../src/core/actor.js';
import { indexBuffer } from '../src/core/mail/mime/index.js';
import { toMessageMeta } from '../src/core/mail/message-meta.js';

const N = Number(process.env.WARDPOST_BENCH_MESSAGES ?? 100_000);
const RUNS = Number(process.env.WARDPOST_BENCH_RUNS ?? 300);
const PG_URL = process.env.WARDPOST_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PASSWORD = 'Quiet-Harbour-Lamp-42';
const USER = 'bench@wardpost.test';
const LIST = ['id', 'threadId', 'mailboxIds', 'keywords', 'from', 'to', 'subject', 'receivedAt', 'preview', 'hasAttachment', 'size'];

function message(i: number): Buffer {
  return Buffer.from(
    [
      `From: "Sender ${i % 97}" <sender${i % 97}@example.org>`,
      `To: ${USER}`,
      `Subject: Ward report ${i} for bay ${i % 12}`,
      `Date: ${new Date(Date.UTC(2026, 0, 1) + i * 60_000).toUTCString()}`,
      `Message-ID: <bench-${i}@example.org>`,
      ...(i % 5 ? [`References: <bench-${i - (i % 5)}@example.org>`] : []),
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Observations for patient ${i}: stable overnight, obs every four hours, review at ward round.`,
      '',
    ].join('\r\n'),
  );
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

interface Timings {
  first: number[];
  deep: number[];
  mailboxes: number[];
  fillSeconds: number;
}

async function measure(engine: 'sqlite' | 'postgres'): Promise<Timings> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wp-bench-jmap-'));
  let dbName: string | null = null;
  const sqlOn = async (url: string, q: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(q).finally(() => c.end());
  };
  const admin = (q: string) => sqlOn(PG_URL, q);
  const env: Record<string, string> = { ...ANY_FREE_PORTS, WARDPOST_DATA_DIR: dataDir, WARDPOST_LOG_LEVEL: 'warn' };
  if (engine === 'postgres') {
    dbName = `wp_bench_jmap_${process.pid}`;
    await admin(`create database ${dbName}`);
    const u = new URL(PG_URL);
    u.pathname = `/${dbName}`;
    env.WARDPOST_DATABASE_URL = u.toString();
  }
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  const server = await startServer(loadConfig(env), pino({ level: 'warn' })).finally(() => (process.stdout.write = write));
  try {
    const svc = server.platform.services;
    const acct = await svc.accounts.create({ address: USER, orgSlug: 'national', name: 'Bench Mark', password: PASSWORD, quota: 0 }, SYSTEM_ACTOR);
    const t0 = Date.now();
    // The fill writes the rows delivery writes (parsed form, blob, UID and MODSEQ), a thousand per
    // transaction: delivering 100,000 messages one by one would take most of an hour here.
    const store = server.platform.store;
    const inbox0 = (await store.mailboxes.byName(acct.id, 'INBOX'))!;
    for (let start = 0; start < N; start += 1000) {
      const batch: { raw: Buffer; staged: Awaited<ReturnType<typeof store.blobs.put>>; index: ReturnType<typeof indexBuffer>; at: number }[] = [];
      for (let i = start; i < Math.min(N, start + 1000); i++) {
        const raw = message(i);
        const staged = await store.blobs.put(Readable.from([raw]));
        batch.push({ raw, staged, index: indexBuffer(raw), at: Date.UTC(2026, 0, 1) + i * 60_000 });
      }
      await store.transaction(async (tx) => {
        for (const m of batch) {
          await tx.messageMeta.put(toMessageMeta(m.staged.hash, m.index));
          const { uid, modseq } = await tx.mailboxes.allocate(inbox0.id, m.staged.size);
          await tx.messages.insert({ mailboxId: inbox0.id, uid, modseq, blobHash: m.staged.hash, size: m.staged.size, internalDate: m.at, flags: [] });
          await tx.blobRefs.addRefs(m.staged.hash, m.staged.size, 1, m.staged.inline);
        }
      });
    }
    const fillSeconds = (Date.now() - t0) / 1000;
    // PostgreSQL's autovacuum analyses a table within a minute or so of 100,000 new rows; the measuring
    // starts at once, so analyse now, or the planner works from the statistics of an empty table.
    if (engine === 'postgres') await sqlOn(env.WARDPOST_DATABASE_URL!, 'analyze');
    const base = server.urls.webmail!.replace(/\/$/, '');
    // Signed in as the web client is: the session cookie and its CSRF header.
    const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ address: USER, password: PASSWORD }) });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const { csrf } = (await login.json()) as { csrf: string };
    const accountId = `a${acct.id}`;
    const call = async (calls: unknown[]) => {
      const res = await fetch(`${base}/jmap/api`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' }, body: JSON.stringify({ using: ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail'], methodCalls: calls }) });
      const body = (await res.json()) as { methodResponses: [string, Record<string, unknown>, string][] };
      if (body.methodResponses.some((r) => r[0] === 'error')) throw new Error(JSON.stringify(body));
      return body.methodResponses;
    };
    const inbox = ((await call([['Mailbox/get', { accountId, ids: null }, 'm']]))[0]![1].list as { id: string; role: string | null }[]).find((m) => m.role === 'inbox')!.id;
    const page = (position: number) => [
      ['Email/query', { accountId, filter: { inMailbox: inbox }, sort: [{ property: 'receivedAt', isAscending: false }], position, limit: 50, calculateTotal: true }, 'q'],
      ['Email/get', { accountId, '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' }, properties: LIST }, 'g'],
    ];
    const check = await call(page(0));
    if ((check[0]![1].total as number) !== N || (check[1]![1].list as unknown[]).length !== 50) throw new Error(`unexpected result: ${JSON.stringify(check[0]![1]).slice(0, 200)}`);
    const time = async (calls: unknown[], runs: number) => {
      for (let i = 0; i < 20; i++) await call(calls);
      const out: number[] = [];
      for (let i = 0; i < runs; i++) {
        const s = process.hrtime.bigint();
        await call(calls);
        out.push(Number(process.hrtime.bigint() - s) / 1e6);
      }
      return out;
    };
    return {
      first: await time(page(0), RUNS),
      deep: await time(page(Math.floor(N / 2)), Math.max(50, RUNS / 3)),
      mailboxes: await time([['Mailbox/get', { accountId, ids: null }, 'm']], Math.max(20, RUNS / 10)),
      fillSeconds,
    };
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (dbName) await admin(`drop database if exists ${dbName} with (force)`);
  }
}

const rows: string[][] = [];
// WARDPOST_BENCH_ENGINES=sqlite (or postgres) measures one engine, e.g. under a profiler.
const ENGINES = (process.env.WARDPOST_BENCH_ENGINES ?? 'sqlite,postgres').split(',') as ('sqlite' | 'postgres')[];
for (const engine of ENGINES) {
  const r = await measure(engine);
  rows.push([engine, 'Email/query + Email/get, first 50', pct(r.first, 50).toFixed(1), pct(r.first, 99).toFixed(1), pct(r.first, 99) < 50 ? 'yes' : 'NO']);
  rows.push([engine, `same, at position ${Math.floor(N / 2)}`, pct(r.deep, 50).toFixed(1), pct(r.deep, 99).toFixed(1), '']);
  rows.push([engine, 'Mailbox/get (all folders, counts)', pct(r.mailboxes, 50).toFixed(1), pct(r.mailboxes, 99).toFixed(1), '']);
  process.stderr.write(`${engine}: filled ${N} messages in ${r.fillSeconds.toFixed(0)} s\n`);
}
const head = ['engine', `JMAP over HTTP, ${N.toLocaleString('en-GB')}-message folder`, 'p50 ms', 'p99 ms', 'p99 < 50 ms'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log([line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n'));
