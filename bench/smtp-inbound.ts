/**
 * Inbound SMTP benchmark (issue 3): Postfix's smtp-source (20 sessions, 10 KB messages) against
 * Wardpost's MX with durable local delivery, and against Postfix itself (Debian's package, a
 * private instance delivering to Maildir) on the same machine in the same run, alternating.
 * Every message counted was acknowledged with 250 and is checked to be stored afterwards.
 *
 *   npm run bench:smtp   (WARDPOST_BENCH_MESSAGES=3000, WARDPOST_BENCH_ROUNDS=2; run as root for Postfix)
 *
 * Goal in the issue: at least 2x Postfix's messages/s.
 */
import { ANY_FREE_PORTS } from '../src/config/config.js';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../src/store/open.js';
import { fsyncRate } from './disk.js';

const MESSAGES = Number(process.env.WARDPOST_BENCH_MESSAGES ?? 3000);
const ROUNDS = Number(process.env.WARDPOST_BENCH_ROUNDS ?? 2);
const WARMUP = 500;
const SESSIONS = 20;
const SIZE = 10 * 1024;
const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/cli/main.js');
const PASSWORD = 'Correct-Horse-Battery-9';

interface Row {
  server: string;
  seconds: number;
  perSec: number;
  stored: number;
  fsyncs: number;
}

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/** Runs smtp-source and returns the wall time in seconds (it exits non-zero on any refusal). */
function smtpSource(port: number, to: string, messages = MESSAGES): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('smtp-source', ['-s', String(SESSIONS), '-l', String(SIZE), '-m', String(messages), '-f', 'bench@example.org', '-t', to, `127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code === 0) resolve(seconds);
      else reject(new Error(`smtp-source exited with ${code}: ${err.trim()}`));
    });
  });
}

async function wardpost(): Promise<Row> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wp-bench-smtp-'));
  const env = {
    ...process.env,
    WARDPOST_DATA_DIR: dataDir,
    WARDPOST_LOG_LEVEL: 'warn',
    ...ANY_FREE_PORTS,
  };
  // WARDPOST_BENCH_SERVE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/p" profiles the server.
  const nodeArgs = (process.env.WARDPOST_BENCH_SERVE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, CLI, 'serve'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /smtp\s+smtp:\/\/[^:]+:(\d+) \(MX\)/.exec(out);
        if (m && /TLS certificate/.test(out)) resolve(Number(m[1]));
      });
      child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
    const created = spawnSync(process.execPath, [CLI, 'user', 'create', 'bob@wardpost.test', '--org', 'national', '--name', 'Bob Bench', '--password-stdin'], { env, input: PASSWORD });
    if (created.status !== 0) throw new Error(`user create failed: ${created.stderr}`);
    // Warm up (JIT, caches, connections) the same way for both servers; then measure.
    await smtpSource(port, 'bob@wardpost.test', WARMUP);
    const fsyncs = fsyncRate(dataDir, 1, 'overwrite');
    const seconds = await smtpSource(port, 'bob@wardpost.test');
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    const store = await openStore({ kind: 'sqlite', file: path.join(dataDir, 'wardpost.sqlite') }, dataDir);
    const bob = (await store.accounts.resolve('bob@wardpost.test'))!;
    const stored = await store.messages.count((await store.mailboxes.byName(bob.id, 'INBOX'))!.id);
    await store.close();
    return { server: 'Wardpost (sqlite, group commit)', seconds, perSec: MESSAGES / seconds, stored: stored - WARMUP, fsyncs };
  } finally {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A private Postfix instance (its own config, queue and Maildir) on a free port. */
async function postfix(): Promise<Row> {
  const root = mkdtempSync(path.join(tmpdir(), 'pf-bench-'));
  chmodSync(root, 0o755);
  const etc = path.join(root, 'etc');
  for (const d of ['etc', 'queue', 'data', 'mail']) mkdirSync(path.join(root, d));
  const uid = spawnSync('id', ['-u', 'postfix']).stdout.toString().trim();
  const gid = spawnSync('id', ['-g', 'postfix']).stdout.toString().trim();
  spawnSync('chown', ['postfix:postfix', path.join(root, 'mail'), path.join(root, 'data')]);
  const port = 20000 + Math.floor(Math.random() * 20000);
  writeFileSync(
    path.join(etc, 'main.cf'),
    [
      'compatibility_level = 3.6',
      `queue_directory = ${root}/queue`,
      `data_directory = ${root}/data`,
      'mail_owner = postfix',
      'setgid_group = postdrop',
      'myhostname = pfbench.localdomain',
      'mydestination =',
      'inet_interfaces = 127.0.0.1',
      'inet_protocols = ipv4',
      'mynetworks = 127.0.0.0/8',
      'alias_maps =',
      'alias_database =',
      'virtual_mailbox_domains = bench.test',
      `virtual_mailbox_base = ${root}/mail`,
      'virtual_mailbox_maps = static:bob/',
      `virtual_uid_maps = static:${uid}`,
      `virtual_gid_maps = static:${gid}`,
      'virtual_minimum_uid = 1',
      'smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination',
      `maillog_file_prefixes = ${root}`,
      `maillog_file = ${root}/maillog`,
      'default_process_limit = 100',
      '',
    ].join('\n'),
  );
  const master = readFileSync('/etc/postfix/master.cf', 'utf8')
    .replace(/^smtp\s+inet\s.*$/m, `${port}      inet  n       -       n       -       -       smtpd`)
    .replace(/^#?postlog\s.*$/m, 'postlog   unix-dgram n  -       n       -       1       postlogd');
  writeFileSync(path.join(etc, 'master.cf'), master);
  copyFileSync('/etc/postfix/dynamicmaps.cf', path.join(etc, 'dynamicmaps.cf'));
  const start = spawnSync('postfix', ['-c', etc, 'start'], { encoding: 'utf8' });
  try {
    if (start.status !== 0) throw new Error(`postfix start failed (${start.status}): ${start.stderr} ${readLog(root)}`);
    await waitFor(() => spawnSync('sh', ['-c', `ss -ltn | grep -q '127.0.0.1:${port} '`]).status === 0, 10_000, 'postfix to listen');
    await smtpSource(port, 'bob@bench.test', WARMUP);
    const fsyncs = fsyncRate(root, 1, 'overwrite');
    const seconds = await smtpSource(port, 'bob@bench.test');
    const maildir = path.join(root, 'mail', 'bob', 'new');
    const count = () => {
      try {
        return readdirSync(maildir).length;
      } catch {
        return 0;
      }
    };
    await waitFor(() => count() >= MESSAGES + WARMUP, 120_000, 'Postfix to deliver to Maildir');
    return { server: 'Postfix 3 (Debian, Maildir)', seconds, perSec: MESSAGES / seconds, stored: count() - WARMUP, fsyncs };
  } finally {
    spawnSync('postfix', ['-c', etc, 'stop']);
    await sleep(500);
    rmSync(root, { recursive: true, force: true });
  }
}

function readLog(root: string): string {
  try {
    return readFileSync(path.join(root, 'maillog'), 'utf8').slice(-2000);
  } catch {
    return '';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(fn: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function main(): Promise<void> {
  const missing = ['smtp-source', 'postfix'].filter((c) => !has(c));
  if (missing.length) {
    console.error(`bench/smtp-inbound needs ${missing.join(' and ')} (apt-get install postfix)`);
    process.exit(1);
  }
  const canPostfix = process.getuid?.() === 0;
  if (!canPostfix) console.error('not root: Postfix cannot be started, only Wardpost is measured');
  const rows: Row[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    rows.push(await wardpost());
    if (canPostfix) rows.push(await postfix());
  }
  const cells = [['server', 'messages', 'sessions', 'size', 'seconds', 'msg/s', 'stored', 'disk fsync/s'], ...rows.map((x) => [x.server, String(MESSAGES), String(SESSIONS), '10 KB', x.seconds.toFixed(2), x.perSec.toFixed(0), String(x.stored), x.fsyncs.toFixed(0)])];
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(cells[0]!));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const c of cells.slice(1)) console.log(line(c));
  const mean = (name: string) => {
    const xs = rows.filter((x) => x.server.startsWith(name)).map((x) => x.perSec);
    return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
  };
  if (canPostfix) console.log(`\nWardpost / Postfix: ${(mean('Wardpost') / mean('Postfix')).toFixed(2)}x (goal: 2x)`);
}

await main();
