/**
 * The real server in-process on free ports, on either store engine (SQLite in a fresh folder, or
 * a fresh PostgreSQL database), with a tiny JMAP client over real HTTP (fetch): Basic or the web
 * session cookie with its CSRF header.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe } from 'node:test';
import pg from 'pg';
import type { RunningServer } from '../../../src/app/serve.js';
import { SYSTEM_ACTOR } from '../../../src/core/actor.js';
import { PG_URL, REQUIRE_PEERS, postgresProblem } from '../../helpers/engines.js';
import { rfc822 } from '../../helpers/messages.js';
import { startQuietServer } from '../../helpers/server.js';

export const PASSWORD = 'Correct-Horse-Battery-9';
export const USING = ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail', 'urn:ietf:params:jmap:submission', 'urn:ietf:params:jmap:vacationresponse', 'urn:ietf:params:jmap:sieve'];

export type Engine = 'sqlite' | 'postgres';

export interface JmapFixture {
  engine: Engine;
  server: RunningServer;
  base: string;
  imapPort: number;
  submissionPort: number;
  mxPort: number;
  user(local: string): Promise<JmapClient>;
  deliver(to: string, opts?: Parameters<typeof rfc822>[0], folder?: string): Promise<number>;
  stop(): Promise<void>;
}

type Json = Record<string, unknown>;
export type MethodResponse = [string, Json, string];

export class JmapClient {
  constructor(
    readonly f: JmapFixture,
    readonly address: string,
    readonly id: number,
    private readonly auth: Record<string, string> = { authorization: `Basic ${Buffer.from(`${address}:${PASSWORD}`).toString('base64')}` },
  ) {}

  get accountId(): string {
    return `a${this.id}`;
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...this.auth, ...extra };
  }

  async raw(method: string, p: string, body?: string | Buffer, extra: Record<string, string> = {}) {
    const res = await fetch(`${this.f.base}${p}`, { method, headers: this.headers(extra), ...(body !== undefined ? { body } : {}), redirect: 'manual' });
    return res;
  }

  async session(): Promise<Json> {
    const res = await this.raw('GET', '/jmap/session');
    if (res.status !== 200) throw new Error(`session: ${res.status} ${await res.text()}`);
    return (await res.json()) as Json;
  }

  /** Subjects of the messages in a folder (by role or name), newest first. */
  async subjects(folder: string): Promise<string[]> {
    const mb = await this.mailboxes();
    const q = await this.call('Email/query', { filter: { inMailbox: mb[folder] } });
    const g = await this.call('Email/get', { ids: q.ids, properties: ['subject'] });
    return (g.list as Json[]).map((e) => String(e.subject));
  }

  /** Sends one request; returns the method responses. */
  async request(calls: [string, Json, string][], using = USING): Promise<MethodResponse[]> {
    const res = await this.raw('POST', '/jmap/api', JSON.stringify({ using, methodCalls: calls }), { 'content-type': 'application/json' });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`api: ${res.status} ${text}`);
    return (JSON.parse(text) as { methodResponses: MethodResponse[] }).methodResponses;
  }

  /** Calls one method and returns its arguments (throws on an error response). */
  async call(name: string, args: Json): Promise<Json> {
    const [r] = await this.request([[name, { accountId: this.accountId, ...args }, 'c']]);
    if (r![0] === 'error') throw new Error(`${name}: ${JSON.stringify(r![1])}`);
    return r![1];
  }

  async mailboxes(): Promise<Record<string, string>> {
    const r = await this.call('Mailbox/get', { ids: null });
    return Object.fromEntries((r.list as Json[]).map((m) => [String(m.role ?? m.name), String(m.id)]));
  }
}

async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `wp_jmap_${process.pid}_${Date.now().toString(36)}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`create database ${name}`);
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

/** Polls `fn` until it returns a value (mail arriving through the queue, rules running after commit). */
export async function eventually<T>(fn: () => Promise<T | null | undefined>, what: string, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startJmapFixture(engine: Engine, env: Record<string, string> = {}): Promise<JmapFixture> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wp-jmap-'));
  const db = engine === 'postgres' ? await freshDatabase() : null;
  const { server } = await startQuietServer({ WARDPOST_DATA_DIR: dataDir, ...(db ? { WARDPOST_DATABASE_URL: db.url } : {}), ...env });
  const services = server.platform.services;
  const f: JmapFixture = {
    engine,
    server,
    base: server.urls.webmail!.replace(/\/$/, ''),
    imapPort: Number(/:(\d+) /.exec(server.urls.imap!)![1]),
    submissionPort: Number(/:(\d+) /.exec(server.urls.submission!)![1]),
    mxPort: Number(/:(\d+) /.exec(server.urls.smtp!)![1]),
    async user(local) {
      const address = `${local}@wardpost.test`;
      const a = await services.accounts.create({ address, orgSlug: 'national', name: `Test ${local.replace(/[^a-z]/gi, '') || 'user'}`, password: PASSWORD }, SYSTEM_ACTOR);
      return new JmapClient(f, address, a.id);
    },
    async deliver(to, opts = {}, folder) {
      const r = await services.delivery.deliver({ source: Readable.from([rfc822({ to, ...opts })]), recipients: [to], folder });
      return r.copies[0]!.uid;
    },
    async stop() {
      await server.stop();
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return f;
}

/** Declares a suite once per engine (PostgreSQL skipped with the reason unless peers are required). */
export function forBothEngines(title: string, suite: (engine: Engine) => void): void {
  describe(`${title} [sqlite]`, () => suite('sqlite'));
  describe(`${title} [postgres]`, async () => {
    const problem = await postgresProblem();
    if (problem && !REQUIRE_PEERS) {
      process.stderr.write(`skipping PostgreSQL suite: ${problem}\n`);
      return describe.skip(problem, () => undefined);
    }
    if (problem) throw new Error(problem);
    suite('postgres');
  });
}
