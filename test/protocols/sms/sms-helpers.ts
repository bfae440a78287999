/** The SMS test fixture: the real server in-process bound to the SMSC simulator, and an API caller. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunningServer } from '../../../src/app/serve.js';
import { SYSTEM_ACTOR } from '../../../src/core/actor.js';
import { readAll } from '../../helpers/messages.js';
import { startQuietServer } from '../../helpers/server.js';
import { SmscSimulator } from '../../helpers/smsc-simulator.js';

export const PASSWORD = 'Clinic-Rota-Blue-2026';

export interface SmsFixture {
  server: RunningServer;
  sim: SmscSimulator;
  http: string;
  submission: number;
  user(local: string, org?: string): Promise<string>;
  call(method: string, p: string, as: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Waits until SMS `id` (seen by `as`) has `status`. */
  waitStatus(id: number, as: string, status: string, ms?: number): Promise<Record<string, unknown>>;
  inbox(address: string): Promise<string[]>;
  /** Stops the server and starts it again on the same data (as a restarted process would). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

let n = 0;

export async function startSmsFixture(env: Record<string, string> = {}, sim = new SmscSimulator()): Promise<SmsFixture> {
  if (!sim.port) await sim.start();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wp-sms-'));
  // The SMSC simulator is the gateway unless the test names an HTTP provider instead.
  const smpp: Record<string, string> = env.WARDPOST_SMS_HTTP_URL ? {} : { WARDPOST_SMPP_URL: sim.url, WARDPOST_SMPP_SYSTEM_ID: 'wardpost', WARDPOST_SMPP_PASSWORD: 'secret', WARDPOST_SMPP_RECONNECT_MS: '50', WARDPOST_SMPP_THROUGHPUT: '2000' };
  const fullEnv = { WARDPOST_DATA_DIR: dataDir, ...smpp, WARDPOST_SMS_RETRY_MS: '200', ...env };
  let { server } = await startQuietServer(fullEnv);
  const urls = (s: RunningServer) => ({ http: s.urls.health!.replace(/\/healthz$/, ''), submission: Number(/:(\d+) /.exec(s.urls.submission!)![1]) });
  let { http, submission } = urls(server);
  const call = async (method: string, p: string, as: string, body?: unknown) => {
    const headers: Record<string, string> = { authorization: `Basic ${Buffer.from(`${as}:${PASSWORD}`).toString('base64')}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${fixture.http}${p}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };
  const fixture: SmsFixture = {
    get server() {
      return server;
    },
    sim,
    get http() {
      return http;
    },
    get submission() {
      return submission;
    },
    async user(local, org = 'national') {
      const address = `${local}@wardpost.test`;
      await server.platform.services.accounts.create({ address, orgSlug: org, name: `Sms Tester${++n}x ${local.replace(/[^a-z]/gi, '') || 'x'}`, password: PASSWORD }, SYSTEM_ACTOR);
      return address;
    },
    call,
    async waitStatus(id, as, status, ms = 15_000) {
      const until = Date.now() + ms;
      for (;;) {
        const r = await call('GET', `/api/v1/sms/${id}`, as);
        if (r.body.status === status) return r.body;
        if (Date.now() > until) throw new Error(`SMS ${id} is ${JSON.stringify(r.body)}, waited for ${status}`);
        await new Promise((res) => setTimeout(res, 30));
      }
    },
    async inbox(address) {
      const { store } = server.platform;
      const acct = await store.accounts.resolve(address);
      const mb = await store.mailboxes.byName(acct!.id, 'INBOX');
      const out: string[] = [];
      for (const m of await store.messages.list(mb!.id)) out.push((await readAll(store.blobs.get(m.blob_hash))).toString('utf8'));
      return out;
    },
    async restart() {
      await server.stop();
      ({ server } = await startQuietServer(fullEnv));
      ({ http, submission } = urls(server));
    },
    async stop() {
      await server.stop();
      await sim.kill();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return fixture;
}

/** Polls `fn` until it returns a truthy value. */
export async function eventually<T>(fn: () => Promise<T | undefined | null | false>, ms = 15_000, what = 'condition'): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}
