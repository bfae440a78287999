/**
 * IMAP benchmark: Wardpost beside Dovecot (Debian's dovecot-imapd, Maildir) on the same machine,
 * the same corpus appended to both over IMAPS. Prints one table.
 *
 *   npm run bench:imap        (WARDPOST_BENCH_MESSAGES=10000, WARDPOST_BENCH_IDLE=1000 by default)
 *
 * Measures: LOGIN+SELECT, FETCH 1:* (FLAGS ENVELOPE), FETCH of 1,000 full bodies, UID SEARCH TEXT
 * (right after a server restart, and warm),
 * APPEND rate (one client, one message at a time), and resident memory per idle authenticated
 * connection (server processes only). Times are the median of 5 runs.
 */
import { ANY_FREE_PORTS } from '../src/config/config.js';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { BenchImap } from './imap-client.js';

const N = Number(process.env.WARDPOST_BENCH_MESSAGES ?? 10_000);
/** Idle connection counts; Dovecot (a process per connection) is measured at the first only. */
const IDLE = (process.env.WARDPOST_BENCH_IDLE ?? '1000,10000').split(',').map(Number);
const PASSWORD = 'Quiet-Harbour-Lamp-42';
const USER = 'bench@wardpost.test';
const root = mkdtempSync(path.resolve('.bench-imap-'));
// Dovecot's unprivileged processes must reach their files under it.
chmodSync(root, 0o755);
const CLI = path.resolve('dist/src/cli/main.js');

interface Target {
  name: string;
  port: number;
  /** Restarts the server with its data (cold searches; idle memory on a settled process). */
  restart: () => Promise<void>;
  pids: () => number[];
  stop(): void;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

function rssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(d), ...childrenOf(Number(d)));
    } catch {
      /* gone */
    }
  }
  return out;
}

async function startWardpost(): Promise<Target> {
  const dataDir = path.join(root, 'wardpost');
  const env = { ...process.env, WARDPOST_DATA_DIR: dataDir, ...ANY_FREE_PORTS, WARDPOST_LOG_LEVEL: 'warn' };
  const launch = async () => {
    const proc: ChildProcess = spawn(process.execPath, [CLI, 'serve'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    const p = await new Promise<number>((resolve, reject) => {
      let out = '';
      proc.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /imaps:\/\/[^:]+:(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      proc.on('exit', (c) => reject(new Error(`wardpost exited ${c}: ${out}`)));
    });
    return { proc, p };
  };
  let { proc: child, p: port } = await launch();
  const r = spawnSync(process.execPath, [CLI, 'user', 'create', USER, '--org', 'national', '--name', 'Bench Mark', '--quota', '0', '--password-stdin'], { env, input: PASSWORD, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`user create: ${r.stderr}`);
  const target: Target = {
    name: 'Wardpost',
    port,
    pids: () => [child.pid!],
    stop: () => child.kill('SIGTERM'),
    restart: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      ({ proc: child, p: port } = await launch());
      target.port = port;
    },
  };
  return target;
}

async function startDovecot(): Promise<Target> {
  const dir = path.join(root, 'dovecot');
  for (const d of ['run', 'state', 'home']) mkdirSync(path.join(dir, d), { recursive: true });
  const port = await freePort();
  const uid = Number(spawnSync('id', ['-u', 'dovecot'], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'dovecot'], { encoding: 'utf8' }).stdout.trim());
  chownSync(path.join(dir, 'home'), uid, gid);
  writeFileSync(path.join(dir, 'passwd'), `${USER}:{PLAIN}${PASSWORD}\n`);
  const cert = path.join(root, 'wardpost', 'tls', 'cert.pem');
  const key = path.join(root, 'wardpost', 'tls', 'key.pem');
  writeFileSync(
    path.join(dir, 'dovecot.conf'),
    `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <${cert}
ssl_key = <${key}
auth_mechanisms = plain
first_valid_uid = ${uid}
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${dir}/home/%u
}
service imap-login {
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    port = ${port}
    ssl = yes
  }
  process_limit = 12000
}
service imap {
  process_limit = 12000
}
service anvil {
  client_limit = 15000
}
service auth {
  client_limit = 15000
}
protocol imap {
  mail_max_userip_connections = 20000
}
default_process_limit = 12000
default_client_limit = 12000
`,
  );
  const launch = async () => {
    const proc = spawn('/usr/sbin/dovecot', ['-F', '-c', path.join(dir, 'dovecot.conf')], { stdio: 'inherit' });
    for (let i = 0; i < 100; i++) {
      const ok = await new Promise<boolean>((r) => {
        const s = net.connect(port, '127.0.0.1', () => {
          s.destroy();
          r(true);
        });
        s.on('error', () => r(false));
      });
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    return proc;
  };
  let child = await launch();
  return {
    name: 'Dovecot',
    port,
    pids: () => [child.pid!, ...childrenOf(child.pid!)],
    stop: () => child.kill('SIGTERM'),
    restart: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      child = await launch();
    },
  };
}

/** The corpus: plain and multipart messages of 2-20 KB; one in 500 mentions the needle. */
function corpus(i: number): Buffer {
  const words = ['ward', 'patient', 'handover', 'clinic', 'referral', 'discharge', 'theatre', 'pharmacy', 'rota', 'audit'];
  const body = Array.from({ length: 20 + (i % 200) }, (_, k) => `${words[(i + k) % 10]} line ${k} of message ${i} lorem ipsum dolor sit amet`).join('\r\n');
  const needle = i % 500 === 7 ? '\r\nzebracrossing appears here\r\n' : '';
  const head = `From: "Sender ${i % 37}" <sender${i % 37}@example.org>\r\nTo: ${USER}\r\nSubject: Corpus message ${i}\r\nDate: Sat, 21 Nov 2026 10:00:00 +0000\r\nMessage-ID: <m${i}@example.org>\r\nMIME-Version: 1.0\r\n`;
  if (i % 4 === 0) {
    return Buffer.from(`${head}Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}${needle}\r\n--b${i}\r\nContent-Type: application/octet-stream; name="a${i}.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.alloc(600, i % 256).toString('base64')}\r\n--b${i}--\r\n`);
  }
  return Buffer.from(`${head}Content-Type: text/plain; charset=utf-8\r\n\r\n${body}${needle}\r\n`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(fn: () => Promise<unknown>, runs = 5): Promise<number> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return median(out);
}

async function session(t: Target): Promise<BenchImap> {
  const c = await BenchImap.connect(t.port);
  await c.cmd(`LOGIN ${USER} ${PASSWORD}`);
  return c;
}

async function measure(t: Target): Promise<Record<string, string>> {
  const res: Record<string, string> = {};
  // Progress on stderr: a run takes minutes on a shared machine.
  const note = (k: string) => process.stderr.write(`${t.name} ${k}: ${res[k]}\n`);
  // Load: APPEND rate over the first 1,000 messages from one client, then the rest from 8 clients.
  const first = Math.min(N, 1000);
  const c = await session(t);
  const t0 = performance.now();
  for (let i = 0; i < first; i++) await c.cmd('APPEND INBOX (\\Seen)', corpus(i));
  res.append = `${(first / ((performance.now() - t0) / 1000)).toFixed(0)} msg/s`;
  note('append');
  const loaders = await Promise.all(Array.from({ length: 8 }, () => session(t)));
  let next = first;
  await Promise.all(loaders.map(async (l) => {
    while (next < N) {
      const i = next++;
      await l.cmd('APPEND INBOX ()', corpus(i));
    }
    l.close();
  }));
  res.loginSelect = `${(await timed(async () => {
    const s = await session(t);
    await s.cmd('SELECT INBOX');
    s.close();
  })).toFixed(1)} ms`;
  note('loginSelect');
  const sel = await c.cmd('SELECT INBOX');
  if (!new RegExp(`\\* ${N} EXISTS`).test(sel)) throw new Error(`${t.name}: expected ${N} messages: ${sel.slice(0, 300)}`);
  res.fetchEnvelope = `${(await timed(() => c.cmd('FETCH 1:* (FLAGS ENVELOPE)'))).toFixed(0)} ms`;
  note('fetchEnvelope');
  res.fetchBodies = `${(await timed(() => c.cmd(`FETCH 1:${Math.min(1000, N)} (BODY.PEEK[])`))).toFixed(0)} ms`;
  note('fetchBodies');
  let hits = '';
  c.close();
  // A search right after a start (median of 3 starts): nothing may be rebuilt in memory first.
  const colds: number[] = [];
  for (let i = 0; i < 3; i++) {
    await t.restart();
    const fresh = await session(t);
    await fresh.cmd('SELECT INBOX');
    const cold = performance.now();
    await fresh.cmd('UID SEARCH TEXT zebracrossing');
    colds.push(performance.now() - cold);
    fresh.close();
  }
  res.searchTextFirst = `${median(colds).toFixed(1)} ms (${colds.map((x) => x.toFixed(0)).join(', ')})`;
  note('searchTextFirst');
  const warm = await session(t);
  await warm.cmd('SELECT INBOX');
  res.searchText = `${(await timed(async () => {
    hits = await warm.cmd('UID SEARCH TEXT zebracrossing');
  })).toFixed(1)} ms`;
  warm.close();
  note('searchText');
  const found = (/\* SEARCH([\d ]*)/.exec(hits)?.[1] ?? '').trim().split(/\s+/).filter(Boolean).length;
  if (found !== Math.floor((N - 8) / 500) + 1) throw new Error(`${t.name}: SEARCH found ${found}`);
  // Idle connections: resident memory of the server processes per authenticated connection,
  // measured on a freshly started server (a settled heap, nothing cached from the runs above).
  await t.restart();
  await session(t).then((s) => s.close());
  for (const n of t.name === 'Dovecot' ? IDLE.slice(0, 1) : IDLE) {
    await new Promise((r) => setTimeout(r, 1000));
    const before = t.pids().reduce((a, p) => a + rssKb(p), 0);
    const idle: BenchImap[] = [];
    for (let i = 0; i < n; i += 50) idle.push(...(await Promise.all(Array.from({ length: Math.min(50, n - i) }, () => session(t)))));
    await new Promise((r) => setTimeout(r, 2000));
    const after = t.pids().reduce((a, p) => a + rssKb(p), 0);
    res[`idle${n}`] = `${((after - before) / n).toFixed(1)} KB`;
    note(`idle${n}`);
    idle.forEach((s) => s.close());
  }
  return res;
}

async function main(): Promise<void> {
  const rows: [string, string][] = [
    ['LOGIN+SELECT', 'loginSelect'],
    ['FETCH 1:* (FLAGS ENVELOPE)', 'fetchEnvelope'],
    ['FETCH 1,000 full bodies', 'fetchBodies'],
    ['UID SEARCH TEXT, first after a restart (median of 3)', 'searchTextFirst'],
    ['UID SEARCH TEXT', 'searchText'],
    ['APPEND (one client)', 'append'],
    ...IDLE.map((n): [string, string] => [`memory per idle connection (${n} connections)`, `idle${n}`]),
  ];
  const wp = await startWardpost();
  const dc = await startDovecot();
  try {
    const ours = await measure(wp);
    const theirs = await measure(dc);
    console.log(`\nIMAP, ${N} messages, IMAPS on loopback, median of 5\n`);
    console.log(`| operation | Wardpost | Dovecot ${spawnSync('/usr/sbin/dovecot', ['--version'], { encoding: 'utf8' }).stdout.trim()} |`);
    console.log('| --- | --- | --- |');
    for (const [label, key] of rows) console.log(`| ${label} | ${ours[key] ?? 'n/a'} | ${theirs[key] ?? 'not run (a process per connection)'} |`);
  } finally {
    wp.stop();
    dc.stop();
    await new Promise((r) => setTimeout(r, 1000));
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
