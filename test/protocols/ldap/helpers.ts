/**
 * A small national directory behind the real LDAP listener (port 0), and Debian's ldapsearch to
 * drive it. Organisations and directory-only entries come from the CSV importer; two staff accounts
 * (one in a trust, one in a GP practice) are created through the account service and bind.
 */
import { execFile } from 'node:child_process';
import { Readable } from 'node:stream';
import { spawnSync } from 'node:child_process';
import { pino } from 'pino';
import selfsigned from 'selfsigned';
import { DirectoryImporter } from '../../../src/core/directory/csv-import.js';
import type { Services } from '../../../src/core/services.js';
import { startLdap, type LdapListener } from '../../../src/protocols/ldap/server.js';
import type { LdapLimits } from '../../../src/protocols/ldap/limits.js';
import type { Store } from '../../../src/store/types.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openStore } from '../../../src/store/open.js';
import type { EngineFixture } from '../../helpers/engines.js';
import { ACTOR, GOOD_PASSWORD, servicesFor } from '../../helpers/platform.js';

export const BASE = 'dc=wardpost,dc=test';
export const PASSWORD = GOOD_PASSWORD;
export const REQUIRE_PEERS = process.env.WARDPOST_REQUIRE_PEERS === '1';
export const HAVE_LDAPSEARCH = spawnSync('sh', ['-c', 'command -v ldapsearch'], { stdio: 'ignore' }).status === 0;

const HEADER = 'key,kind,given_name,family_name,display_name,job_title,role,specialty,department,organisation,site,email,phone_desk,phone_pager,registration,visibility,parent,org_kind,national_code';
export const DIRECTORY_CSV = [
  HEADER,
  'national,organisation,,,National Administration,,,,,,,,,,,national,,organisation,',
  'north,organisation,,,North Region,,,,,,,,,,,national,,region,Y60',
  'rxh,organisation,,,Royal Example Hospital,,,,,,,,,,,national,north,trust,RXH',
  'rxh-gen,site,,,Example General,,,,,,,,,,,national,rxh,site,RXH01',
  'gp1,organisation,,,Example Surgery,,,,,,,,,,,national,north,practice,A12345',
  'p1,person,John,Smith,,Consultant Cardiologist,Consultant,Cardiology,Cardiology,rxh-gen,Example General,john.smith@rxh.nhs.example,0113 000 0001,1234,GMC7654321,national,,,',
  'p2,person,Joanna,Smithers,,Staff Nurse,Nurse,,Ward 7,rxh,Example General,,,,,national,,,',
  'p3,person,Sian,Jones,,GP Partner,GP,General Practice,,gp1,,sian.jones@gp1.nhs.example,,,,national,,,',
  'p4,person,Secret,Agent,,Consultant,Consultant,Cardiology,,rxh,,secret.agent@rxh.nhs.example,,,,hidden,,,',
  'p5,person,Olive,Only,,Ward Clerk,Clerk,,,rxh-gen,,,,,,organisation,,,',
  "p6,person,Aoife,O'Brien,,Registrar,Registrar,Cardiology,,gp1,,,,,,national,,,",
  'p7,person,Smita,Patel,,Pharmacist,Pharmacist,,,rxh,,smita.patel@rxh.nhs.example,,,,national,,,',
  // An address unlike the name, with digits in it: (mail=...) must find it all the same.
  'p8,person,Bed,Bureau,,Bed Manager,Manager,,,rxh,,ops.desk42@rxh.nhs.example,,,,national,,,',
].join('\n');

export interface LdapFixture {
  services: Services;
  store: Store;
  ldap: LdapListener;
  url: string;
  /** With TLS: the LDAPS URL. */
  ldapsUrl?: string;
  /** Directory entry ids by CSV key (p1...) and by account ("jane", "gareth"). */
  ids: Record<string, number>;
  stop(): Promise<void>;
}

/** A self-signed certificate for 127.0.0.1, made once per test process. */
let testCert: Promise<{ cert: Buffer; key: Buffer }> | null = null;
export function testCertificate(): Promise<{ cert: Buffer; key: Buffer }> {
  testCert ??= selfsigned
    .generate([{ name: 'commonName', value: 'localhost' }], { keySize: 2048, algorithm: 'sha256', extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }] })
    .then((p) => ({ cert: Buffer.from(p.cert), key: Buffer.from(p.private) }));
  return testCert;
}

export async function startLdapFixture(engine: Pick<EngineFixture, 'open' | 'cleanup'>, limits: Partial<LdapLimits> = {}, opts: { tls?: boolean } = {}): Promise<LdapFixture> {
  const store = await engine.open();
  const { services } = servicesFor(store);
  await services.directory.start();
  const summary = await new DirectoryImporter(store, services.orgs, services.directory).import(Readable.from([DIRECTORY_CSV]), { actor: ACTOR });
  if (summary.rejected) throw new Error(`fixture CSV rejected: ${JSON.stringify(summary.rejections)}`);
  await services.accounts.create({ address: 'jane.smith@wardpost.test', orgSlug: 'rxh', name: 'Jane Smith', jobTitle: 'Consultant Radiologist', password: PASSWORD }, ACTOR);
  await services.accounts.create({ address: 'gareth.price@wardpost.test', orgSlug: 'gp1', name: 'Gareth Price', jobTitle: 'Practice Manager', password: PASSWORD }, ACTOR);
  await services.accounts.create({ address: 'nat.admin@wardpost.test', orgSlug: 'national', name: 'Nadia Admin', role: 'national-admin', password: PASSWORD }, ACTOR);
  const tls = opts.tls ? await testCertificate() : undefined;
  const ldap = await startLdap({ services, logger: pino({ level: 'silent' }), limits, ...(tls ? { tls } : {}) }, '127.0.0.1', { ldap: 0, ...(tls ? { ldaps: 0 } : {}) });
  // Account entries reach the index through events: wait until both are searchable.
  const nat = { accountId: null, orgId: null, national: true };
  const ids: Record<string, number> = {};
  for (let i = 0; i < 200; i++) {
    const r = await services.directory.search(nat, { limit: 200 });
    for (const e of r.entries) {
      if (e.email === 'jane.smith@wardpost.test') ids.jane = e.id;
      if (e.email === 'gareth.price@wardpost.test') ids.gareth = e.id;
      if (e.email === 'nat.admin@wardpost.test') ids.admin = e.id;
      if (e.givenName === 'Secret') ids.p4 = e.id;
      if (e.givenName === 'Olive') ids.p5 = e.id;
      if (e.givenName === 'John') ids.p1 = e.id;
    }
    if (ids.jane && ids.gareth && ids.admin) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  if (!ids.jane || !ids.gareth) throw new Error('account entries never reached the directory index');
  // Hidden entries never come out of a search: find its id in the store.
  const hidden = (await store.directory.scan(0, 1000)).find((r) => r.given_name === 'Secret');
  ids.p4 = Number(hidden!.id);
  return {
    services,
    store,
    ldap,
    url: `ldap://127.0.0.1:${ldap.port}`,
    ...(ldap.tlsPort !== null ? { ldapsUrl: `ldaps://127.0.0.1:${ldap.tlsPort}` } : {}),
    ids,
    async stop() {
      await ldap.close();
      services.directory.stop();
      await store.close();
      await engine.cleanup();
    },
  };
}

export interface LdapResult {
  code: number;
  stdout: string;
  stderr: string;
  entries: LdifEntry[];
}

export interface LdifEntry {
  dn: string;
  attrs: Record<string, string[]>;
}

/** Parses ldapsearch -LLL output (wrapping off); base64 values ("name:: ...") decoded. */
export function parseLdif(text: string): LdifEntry[] {
  const out: LdifEntry[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.split('\n').filter((l) => l && !l.startsWith('#'));
    if (!lines.length) continue;
    let dn: string | null = null;
    const attrs: Record<string, string[]> = {};
    for (const l of lines) {
      const m = /^([^:]+)(::?) ?(.*)$/.exec(l);
      if (!m) continue;
      const value = m[2] === '::' ? Buffer.from(m[3]!, 'base64').toString('utf8') : m[3]!;
      if (m[1] === 'dn') dn = value;
      else (attrs[m[1]!] ??= []).push(value);
    }
    if (dn !== null) out.push({ dn, attrs });
  }
  return out;
}

/**
 * Runs ldapsearch -x -LLL against the fixture; `bind` = [name, password]. Without `env` no
 * configuration is read (LDAPNOINIT); with it (LDAPTLS_REQCERT...), the environment applies.
 */
export function ldapsearch(fx: LdapFixture, opts: { bind?: [string, string]; base?: string; scope?: 'base' | 'one' | 'sub'; filter?: string; attrs?: string[]; extra?: string[]; url?: string; env?: Record<string, string> }): Promise<LdapResult> {
  const args = ['-x', '-LLL', '-o', 'ldif-wrap=no', '-o', 'nettimeout=10', '-H', opts.url ?? fx.url, '-b', opts.base ?? BASE, '-s', opts.scope ?? 'sub'];
  if (opts.bind) args.push('-D', opts.bind[0], '-w', opts.bind[1]);
  args.push(...(opts.extra ?? []), opts.filter ?? '(objectClass=*)', ...(opts.attrs ?? []));
  return new Promise((resolve) => {
    execFile('ldapsearch', args, { timeout: 30_000, env: opts.env ? { ...process.env, ...opts.env } : { ...process.env, LDAPNOINIT: '1' } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr, entries: parseLdif(stdout) });
    });
  });
}

export const JANE: [string, string] = ['jane.smith@wardpost.test', PASSWORD];
export const GARETH: [string, string] = ['gareth.price@wardpost.test', PASSWORD];
export const ADMIN: [string, string] = ['nat.admin@wardpost.test', PASSWORD];

/** The cn values of the entries, sorted. */
export const names = (r: LdapResult): string[] => r.entries.map((e) => e.attrs.cn?.[0] ?? e.attrs.o?.[0] ?? e.dn).sort();

/** The embedded engine in a fresh folder, for suites that test the protocol rather than the store. */
export function sqliteEngine(): Pick<EngineFixture, 'open' | 'cleanup'> {
  const dir = mkdtempSync(path.join(tmpdir(), 'wp-ldap-'));
  return {
    open: () => openStore({ kind: 'sqlite', file: path.join(dir, 'wardpost.sqlite') }, dir),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}
