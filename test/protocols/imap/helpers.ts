/** Starts the real server in-process (ports 0, fresh data folder) with a few accounts for IMAP tests. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunningServer } from '../../../src/app/serve.js';
import { startQuietServer } from '../../helpers/server.js';
import { SYSTEM_ACTOR } from '../../../src/core/actor.js';
import { rfc822 } from '../../helpers/messages.js';
import { Readable } from 'node:stream';

export const PASSWORD = 'Correct-Horse-Battery-9';
export const PYTHON = '/usr/bin/python3';
export const REQUIRE_PEERS = process.env.WARDPOST_REQUIRE_PEERS === '1';

export interface ImapFixture {
  server: RunningServer;
  dataDir: string;
  host: string;
  port: number;
  tlsPort: number;
  certFile: string;
  /** Creates a person account in `org` ('national' by default) with PASSWORD. */
  user(local: string, org?: string): Promise<{ address: string; id: number }>;
  deliver(to: string, opts?: Parameters<typeof rfc822>[0], folder?: string): Promise<number>;
  stop(): Promise<void>;
}

export async function startImapFixture(): Promise<ImapFixture> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wp-imap-'));
  const { server, config } = await startQuietServer({ WARDPOST_DATA_DIR: dataDir });
  const port = Number(/:(\d+) /.exec(server.urls.imap!)![1]);
  const tlsPort = Number(/:(\d+)$/.exec(server.urls.imaps!)![1]);
  const services = server.platform.services;
  const orgs = new Set<string>(['national']);
  return {
    server,
    dataDir,
    host: '127.0.0.1',
    port,
    tlsPort,
    certFile: config.tls.certFile,
    async user(local, org = 'national') {
      if (!orgs.has(org)) {
        await services.orgs.create({ slug: org, name: `Org ${org}`, kind: 'trust' }, SYSTEM_ACTOR).catch(() => services.orgs.create({ slug: org, name: `Org ${org}` }, SYSTEM_ACTOR));
        orgs.add(org);
      }
      const address = `${local}@wardpost.test`;
      const a = await services.accounts.create({ address, orgSlug: org, name: `Test ${local.replace(/[^a-z]/gi, '') || 'user'}`, password: PASSWORD }, SYSTEM_ACTOR);
      return { address, id: a.id };
    },
    async deliver(to, opts = {}, folder) {
      const r = await services.delivery.deliver({ source: Readable.from([rfc822({ to, ...opts })]), recipients: [to], folder });
      return r.copies[0]!.uid;
    },
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs a Python script with the system python3 (imaplib); resolves with stdout, rejects with stderr. */
export function python(script: string, env: Record<string, string>, timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ['-c', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`python exited ${code}:\n${err}\n${out}`));
    });
  });
}

/** Says whether a peer command exists; with WARDPOST_REQUIRE_PEERS=1 a missing peer throws. */
export function havePeer(file: string, pkg: string): string | undefined {
  if (existsSync(file)) return undefined;
  const msg = `${file} is missing (apt-get install ${pkg})`;
  if (REQUIRE_PEERS) throw new Error(msg);
  return msg;
}
