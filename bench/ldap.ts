/**
 * LDAP benchmark: Wardpost's read-only directory door beside OpenLDAP (Debian's slapd, mdb back
 * end, the same entries loaded with slapadd), same machine, same run, same client. Prints a table.
 *
 *   npm run build && node dist/bench/ldap.js     (WARDPOST_BENCH_LDAP_PEOPLE=100000, _QUERIES=2000)
 *
 * 2,000 queries a shape: with 400 each measurement lasted a fifth of a second and moved by 20-40%
 * from run to run.
 *
 * WARDPOST_BENCH_LDAP_SHAPES=given,address runs only the shapes whose names contain one of these
 * words (for profiling one shape: see WARDPOST_BENCH_SERVE_NODE_ARGS below).
 *
 * Wardpost runs as `wardpost serve` in its own process; the client binds as a national
 * administrator there (who may see organisation-only entries, as slapd without ACLs shows
 * everything; hidden entries are left out of slapd's copy). Every query asks for at most 50
 * entries (sizelimit 50) and the address-book attributes. Shapes are address-book searches; each
 * runs one request at a time on 1 connection, then on 4 connections at once. Result counts are
 * compared query by query: a server that answers differently is reported, not hidden.
 */
import { ANY_FREE_PORTS } from '../src/config/config.js';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { cliActor } from '../src/core/actor.js';
import { DirectoryImporter } from '../src/core/directory/csv-import.js';
import { rowToEntry } from '../src/core/directory/records.js';
import { syntheticDirectory } from '../src/core/directory/synthetic.js';
import { InProcessEventBus } from '../src/core/events/bus.js';
import { createServices } from '../src/core/services.js';
import { Dit, isOrgEntry, orgEntry, personEntry, containerEntry, domainEntry, type LdapEntry } from '../src/protocols/ldap/entries.js';
import { openStore } from '../src/store/open.js';
import { BenchLdap } from './ldap-client.js';

const PEOPLE = Number(process.env.WARDPOST_BENCH_LDAP_PEOPLE ?? 100_000);
const QUERIES = Number(process.env.WARDPOST_BENCH_LDAP_QUERIES ?? 2000);
/** Each shape is measured this many times, the two servers alternating; the table shows medians. */
const RUNS = Number(process.env.WARDPOST_BENCH_LDAP_RUNS ?? 3);
const ONLY = (process.env.WARDPOST_BENCH_LDAP_SHAPES ?? '').split(',').filter(Boolean);
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);
const PASSWORD = 'Quiet-Harbour-Lamp-42';
const USER = 'bench.reader@wardpost.test';
const BASE = 'dc=wardpost,dc=test';
const ATTRS = ['cn', 'mail', 'telephoneNumber', 'title', 'o'];
const CLI = path.resolve('dist/src/cli/main.js');
const root = mkdtempSync(path.resolve('.bench-ldap-'));
const children: ChildProcess[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/** One entry as LDIF (base64 where RFC 2849 requires it); values equal but for case are kept once. */
function ldif(e: LdapEntry): string {
  const line = (k: string, v: string) => (/^[\x20-\x7e]*$/.test(v) && !/^[ :<]/.test(v) && !v.endsWith(' ') ? `${k}: ${v}` : `${k}:: ${Buffer.from(v).toString('base64')}`);
  const out = [line('dn', e.dn)];
  for (const a of e.attrs.values()) {
    const seen = new Set<string>();
    for (const v of a.values) {
      // slapd allows one structural class: a site or department is an organization there.
      if (a.type === 'objectClass' && v === 'organizationalUnit' && e.attrs.get('objectclass')!.values.includes('organization')) continue;
      if (seen.has(v.toLowerCase())) continue;
      seen.add(v.toLowerCase());
      out.push(line(a.type, v));
    }
    // slapd wants an entry's objectClass values together; extensibleObject admits every attribute.
    if (a.type === 'objectClass' && !a.values.includes('domain')) out.push('objectClass: extensibleObject');
  }
  return `${out.join('\n')}\n\n`;
}

async function prepareData(): Promise<{ ldifFile: string; surnames: string[]; givens: string[]; orgs: string[] }> {
  const dataDir = path.join(root, 'wardpost');
  mkdirSync(dataDir, { recursive: true });
  const store = await openStore({ kind: 'sqlite', file: path.join(dataDir, 'wardpost.sqlite') }, dataDir);
  const services = createServices(store, new InProcessEventBus(), { nationalDomain: 'wardpost.test' });
  const started = Date.now();
  const summary = await new DirectoryImporter(store, services.orgs, services.directory).import(Readable.from((function* () {
    for (const line of syntheticDirectory({ people: PEOPLE, seed: 7 })) yield `${line}\n`;
  })()), { actor: cliActor('bench') });
  process.stderr.write(`imported ${summary.added} entries in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  await services.orgs.create({ slug: 'bench', name: 'Bench Reader Org', kind: 'organisation' }, cliActor('bench'));
  await services.accounts.create({ address: USER, orgSlug: 'bench', name: 'Bench Reader', role: 'national-admin', password: PASSWORD }, cliActor('bench'));

  const dit = new Dit('wardpost.test');
  const tree = await services.directory.tree();
  const byId = new Map(tree.map((n) => [n.id, n]));
  const ldifFile = path.join(root, 'data.ldif');
  const out = createWriteStream(ldifFile);
  out.write(ldif(domainEntry(dit)) + ldif(containerEntry(dit, 'people')) + ldif(containerEntry(dit, 'organisations')));
  const surnames = new Set<string>();
  const givens = new Set<string>();
  const orgs = new Set<string>();
  let after = 0;
  for (;;) {
    const rows = await store.directory.scan(after, 5000);
    if (!rows.length) break;
    after = Number(rows[rows.length - 1]!.id);
    for (const r of rows) {
      if (r.visibility === 'hidden') continue;
      const node = r.org_id === null ? undefined : byId.get(Number(r.org_id));
      const e = rowToEntry(r, node ? { id: node.id, slug: node.slug, name: node.name } : null);
      const le = isOrgEntry(e) ? orgEntry(dit, e, node, node?.parentId == null ? undefined : byId.get(node.parentId)) : personEntry(dit, e);
      if (!isOrgEntry(e) && e.kind === 'person') {
        surnames.add(e.familyName);
        givens.add(e.givenName);
        if (node) orgs.add(node.slug);
      }
      if (!out.write(ldif(le))) await once(out, 'drain');
    }
  }
  out.end();
  await once(out, 'finish');
  await store.close();
  return { ldifFile, surnames: [...surnames].filter((s) => /^[A-Za-z]{4,}$/.test(s)), givens: [...givens].filter((s) => /^[A-Za-z]{3,}$/.test(s)), orgs: [...orgs] };
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

async function startSlapd(ldifFile: string): Promise<Server> {
  const dir = path.join(root, 'slapd');
  mkdirSync(path.join(dir, 'db'), { recursive: true });
  const conf = path.join(dir, 'slapd.conf');
  writeFileSync(
    conf,
    [
      'include /etc/ldap/schema/core.schema',
      'include /etc/ldap/schema/cosine.schema',
      'include /etc/ldap/schema/inetorgperson.schema',
      `pidfile ${dir}/slapd.pid`,
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      'sizelimit 500',
      'database mdb',
      'maxsize 8589934592',
      `suffix "${BASE}"`,
      `rootdn "cn=admin,${BASE}"`,
      `rootpw ${PASSWORD}`,
      `directory ${dir}/db`,
      'index objectClass eq',
      'index cn,sn,givenName,mail eq,sub',
      'index uid,o eq',
      '',
    ].join('\n'),
  );
  const started = Date.now();
  const add = spawnSync('slapadd', ['-q', '-f', conf, '-l', ldifFile], { encoding: 'utf8' });
  if (add.error) throw new Error(`cannot run slapadd (${add.error.message}): install OpenLDAP's server, apt-get install slapd (node scripts/peers.mjs as root does)`);
  if (add.status !== 0) throw new Error(`slapadd failed: ${add.stderr.slice(0, 2000)}`);
  process.stderr.write(`slapadd loaded the same entries in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  const port = await freePort();
  const child = spawn('slapd', ['-f', conf, '-h', `ldap://127.0.0.1:${port}/`, '-d', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  for (let i = 0; i < 100; i++) {
    try {
      (await BenchLdap.connect(port)).close();
      return { port, pid: child.pid! };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error('slapd did not start');
}

interface Server {
  port: number;
  pid: number;
}

async function startWardpost(): Promise<Server> {
  const port = await freePort();
  const env = { ...process.env, WARDPOST_DATA_DIR: path.join(root, 'wardpost'), ...ANY_FREE_PORTS, WARDPOST_LDAP_PORT: String(port), WARDPOST_LOG_LEVEL: 'warn' };
  // WARDPOST_BENCH_SERVE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/p" profiles the server.
  const nodeArgs = (process.env.WARDPOST_BENCH_SERVE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, CLI, 'serve'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`serve did not start:\n${out}`)), 120_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (/TLS certificate/.test(out)) {
        clearTimeout(t);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited (${code}):\n${out}`)));
  });
  return { port, pid: child.pid! };
}

interface Shape {
  name: string;
  queries: string[];
}

function shapes(data: { surnames: string[]; givens: string[]; orgs: string[] }): Shape[] {
  let seed = 11;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(a: T[]) => a[Math.floor(rand() * a.length)]!;
  const n = QUERIES;
  const mk = (f: () => string) => Array.from({ length: n }, f);
  return [
    { name: 'sn prefix, 3 chars', queries: mk(() => `(sn=${pick(data.surnames).slice(0, 3)}*)`) },
    { name: 'cn prefix, 2 chars', queries: mk(() => `(cn=${pick(data.givens).slice(0, 2)}*)`) },
    { name: 'given name + sn prefix', queries: mk(() => `(&(givenName=${pick(data.givens)})(sn=${pick(data.surnames).slice(0, 2)}*))`) },
    { name: 'address book (cn|sn|mail)', queries: mk(() => { const p = pick(data.surnames).slice(0, 4); return `(|(cn=${p}*)(sn=${p}*)(mail=${p}*))`; }) },
    { name: 'one organisation, sn prefix', queries: mk(() => `(&(o=${pick(data.orgs)})(sn=${pick(data.surnames).slice(0, 1)}*))`) },
    { name: 'surname equality', queries: mk(() => `(sn=${pick(data.surnames)})`) },
  ];
}

interface Run {
  perSec1: number;
  p50: number;
  p99: number;
  perSec4: number;
  /** Server CPU per search (ms), one connection and four. */
  cpu1: number;
  cpu4: number;
  counts: number[];
}

async function run({ port, pid }: Server, bind: [string, string], shape: Shape): Promise<Run> {
  const conns = await Promise.all(Array.from({ length: 4 }, () => BenchLdap.connect(port)));
  for (const c of conns) await c.bind(...bind);
  const one = conns[0]!;
  for (const q of shape.queries.slice(0, 30)) await one.search(BASE, q, 50, ATTRS); // warm-up
  const lat: number[] = [];
  const counts: number[] = [];
  let c0 = cpuMs(pid);
  let t0 = performance.now();
  for (const q of shape.queries) {
    const s = performance.now();
    const r = await one.search(BASE, q, 50, ATTRS);
    lat.push(performance.now() - s);
    counts.push(r.code === 0 || r.code === 4 ? r.entries : -r.code);
  }
  const perSec1 = shape.queries.length / ((performance.now() - t0) / 1000);
  const cpu1 = (cpuMs(pid) - c0) / shape.queries.length;
  c0 = cpuMs(pid);
  t0 = performance.now();
  await Promise.all(
    conns.map(async (c, k) => {
      for (let i = k; i < shape.queries.length; i += 4) await c.search(BASE, shape.queries[i]!, 50, ATTRS);
    }),
  );
  const perSec4 = shape.queries.length / ((performance.now() - t0) / 1000);
  const cpu4 = (cpuMs(pid) - c0) / shape.queries.length;
  for (const c of conns) c.close();
  return { perSec1, p50: pct(lat, 50), p99: pct(lat, 99), perSec4, cpu1, cpu4, counts };
}

/** The run whose figures are the medians of several (each figure's median taken on its own). */
function median(runs: Run[]): Run {
  const mid = (f: (r: Run) => number) => pct(runs.map(f), 50);
  return { perSec1: mid((r) => r.perSec1), p50: mid((r) => r.p50), p99: mid((r) => r.p99), perSec4: mid((r) => r.perSec4), cpu1: mid((r) => r.cpu1), cpu4: mid((r) => r.cpu4), counts: runs[0]!.counts };
}

async function main(): Promise<void> {
  const data = await prepareData();
  const slapd = await startSlapd(data.ldifFile);
  const wardpost = await startWardpost();
  // The first search loads the directory index.
  const warm = await BenchLdap.connect(wardpost.port);
  await warm.bind(USER, PASSWORD);
  const t = Date.now();
  await warm.search(BASE, '(sn=smith)', 1, ['cn']);
  process.stderr.write(`wardpost loaded its index in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
  warm.close();

  const rows: string[] = [];
  const fmt = (x: number) => x.toFixed(x < 10 ? 1 : 0);
  const ms = (x: number) => x.toFixed(2);
  for (const shape of shapes(data).filter((s) => !ONLY.length || ONLY.some((w) => s.name.includes(w)))) {
    const ws: Run[] = [];
    const os: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      ws.push(await run(wardpost, [USER, PASSWORD], shape));
      os.push(await run(slapd, [`cn=admin,${BASE}`, PASSWORD], shape));
    }
    const w = median(ws);
    const o = median(os);
    const differ = w.counts.filter((c, i) => c !== o.counts[i]).length;
    const avg = (xs: number[]) => (xs.reduce((a, b) => a + Math.max(0, b), 0) / xs.length).toFixed(1);
    rows.push(
      `| ${shape.name} | ${fmt(w.perSec1)} / ${fmt(w.perSec4)} | ${fmt(o.perSec1)} / ${fmt(o.perSec4)} | ${fmt(w.p50)} / ${fmt(w.p99)} | ${fmt(o.p50)} / ${fmt(o.p99)} | ${ms(w.cpu1)} / ${ms(w.cpu4)} | ${ms(o.cpu1)} / ${ms(o.cpu4)} | ${avg(w.counts)} / ${avg(o.counts)} | ${differ} |`,
    );
    process.stderr.write(`${shape.name} done\n`);
  }
  console.log(`\nLDAP searches, ${PEOPLE.toLocaleString('en-GB')} people, ${QUERIES} queries per shape, sizelimit 50, median of ${RUNS} runs (latency and CPU in ms; "1 / 4": one connection / four)\n`);
  console.log('| query shape | Wardpost /s | slapd /s | Wardpost p50 / p99 (1 conn) | slapd p50 / p99 (1 conn) | Wardpost CPU per search | slapd CPU per search | entries per query W / O | queries with different counts |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(r);
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const c of children) c.kill('SIGTERM');
    if (!process.env.WARDPOST_BENCH_KEEP) setTimeout(() => rmSync(root, { recursive: true, force: true }), 500);
  });
