/**
 * Webmail benchmark in Debian's Chromium: how soon the inbox of a signed-in user is on screen, and
 * how soon a jump to the middle of a 100,000-message folder shows its rows, on the real server
 * (JMAP) in this process. Prints one table: median and worst of RUNS page loads.
 *
 *   npm run bench:webmail      (WARDPOST_BENCH_MESSAGES=100000, WARDPOST_BENCH_RUNS=7 by default)
 *
 * Goal (issue 7): first paint of the inbox under one second on this machine. There is no peer web
 * client installed here to measure beside it, so the goal stands in the peer's column.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pino } from 'pino';
import { chromium } from 'playwright-core';
import { startServer } from '../src/app/serve.js';
import { ANY_FREE_PORTS, loadConfig } from '../src/config/config.js';

const N = Number(process.env.WARDPOST_BENCH_MESSAGES ?? 100_000);
const RUNS = Number(process.env.WARDPOST_BENCH_RUNS ?? 7);
const USER = 'bench.reader@wardpost.test';
const PASSWORD = 'Quiet-Harbour-Lamp-42';
const CLI = path.resolve('dist/src/cli/main.js');
const root = mkdtempSync(path.resolve('.bench-webmail-'));
const env = { ...process.env, ...ANY_FREE_PORTS, WARDPOST_DATA_DIR: root, WARDPOST_LOG_LEVEL: 'warn' };

const cli = (args: string[], input = '') => {
  const r = spawnSync(process.execPath, [CLI, ...args], { env, input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`wardpost ${args.join(' ')}: ${r.stderr}`);
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  cli(['org', 'create', 'bench', '--name', 'Bench Trust', '--kind', 'trust']);
  cli(['user', 'create', USER, '--org', 'bench', '--name', 'Bea Reader', '--quota', '50G', '--password-stdin'], PASSWORD);
  // The banner is for people starting a server; this table is the output here.
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  const server = await startServer(loadConfig(env), pino({ level: 'warn' })).finally(() => (process.stdout.write = write));
  try {
    const t0 = Date.now();
    let next = 0;
    const deliverOne = async () => {
      for (let i = next++; i < N; i = next++) {
        const date = new Date(Date.UTC(2024, 0, 1) + i * 60_000);
        const body = `From: Sender ${i % 500} <sender${i % 500}@example.org>\r\nTo: ${USER}\r\nSubject: Bench message ${i} about ward ${i % 40}\r\nDate: ${date.toUTCString()}\r\nMessage-ID: <bench-${i}@example.org>\r\n\r\nLine of text for message ${i}.\r\n`;
        await server.platform.services.delivery.deliver({ source: Readable.from([Buffer.from(body)]), recipients: [USER], internalDate: date, ...(i % 3 ? { flags: ['\\Seen'] } : {}) });
      }
    };
    await Promise.all(Array.from({ length: 32 }, deliverOne));
    process.stderr.write(`seeded ${N} messages in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);

    const base = server.urls.webmail!.replace(/\/$/, '');
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const login = await page.request.post(`${base}/api/v1/auth/login`, { data: { address: USER, password: PASSWORD } });
    if (!login.ok()) throw new Error(`sign-in failed: ${login.status()}`);

    const paint: number[] = [];
    const fcp: number[] = [];
    const jump: number[] = [];
    for (let run = 0; run < RUNS + 1; run++) {
      await page.goto(`${base}/`);
      await page.waitForFunction(() => performance.getEntriesByName('wardpost:inbox-painted').length > 0, undefined, { timeout: 30_000 });
      const m = await page.evaluate(() => ({ inbox: performance.getEntriesByName('wardpost:inbox-painted')[0]!.startTime, fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? 0 }));
      // Jump to the middle of the folder: time until that row shows a message, not a placeholder.
      const list = page.getByRole('listbox');
      const started = Date.now();
      await list.evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
      await page.locator(`[role=option][aria-posinset="${Math.floor(N / 2) + 2}"] .row__subject`).waitFor({ timeout: 30_000 });
      const jumped = Date.now() - started;
      if (run === 0) continue; // the first load warms caches on both sides
      paint.push(m.inbox);
      fcp.push(m.fcp);
      jump.push(jumped);
    }
    await browser.close();

    const row = (what: string, xs: number[], goal: string) => `| ${what.padEnd(46)} | ${`${Math.round(median(xs))} ms`.padStart(8)} | ${`${Math.round(Math.max(...xs))} ms`.padStart(8)} | ${goal.padEnd(10)} |`;
    console.log(`\nWebmail in Chromium, inbox of ${N.toLocaleString('en-GB')} messages, ${server.platform.store.engine} store, ${RUNS} loads\n`);
    console.log(`| ${'measure'.padEnd(46)} | ${'median'.padStart(8)} | ${'worst'.padStart(8)} | ${'goal'.padEnd(10)} |`);
    console.log(`| ${'-'.repeat(46)} | ${'-'.repeat(8)} | ${'-'.repeat(8)} | ${'-'.repeat(10)} |`);
    console.log(row('first contentful paint (navigation start)', fcp, '-'));
    console.log(row('inbox rows on screen (navigation start)', paint, '< 1000 ms'));
    console.log(row('jump to the middle: its rows on screen', jump, '-'));
  } finally {
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  rmSync(root, { recursive: true, force: true });
  process.exit(1);
});
