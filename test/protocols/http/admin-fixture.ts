/**
 * Two organisations under one region, each with an administrator, people, a shared mailbox and a
 * list, served by the real server in this process (so tests can also run the hourly sweeper and
 * look at what IMAP and SMTP would see). Runs on the engine it is given.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SYSTEM_ACTOR } from '../../../src/core/actor.js';
import type { RunningServer } from '../../../src/app/serve.js';
import { AdminApi, type Session } from '../../helpers/admin-api.js';
import type { EngineFixture } from '../../helpers/engines.js';
import { startQuietServer } from '../../helpers/server.js';

export const PW = 'Clinic-Rota-Blue-2026';
export const D = 'wardpost.test';

export interface AdminFixture {
  server: RunningServer;
  api: AdminApi;
  S: Record<string, Session>;
  stop(): Promise<void>;
}

/** The environment that points a server at the engine's fresh store. */
async function engineEnv(engine: EngineFixture, dataDir: string): Promise<Record<string, string>> {
  const store = await engine.open();
  await store.close();
  const { database } = engine.setting();
  if (database.kind === 'sqlite') return { WARDPOST_DATA_DIR: dataDir, WARDPOST_DATABASE_URL: `sqlite:${database.file}` };
  return { WARDPOST_DATA_DIR: dataDir, WARDPOST_DATABASE_URL: `${database.url}?options=${encodeURIComponent(`-c search_path=${database.schema}`)}` };
}

export async function startAdminFixture(engine: EngineFixture, env: Record<string, string> = {}): Promise<AdminFixture> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wardpost-admin-res-'));
  // Webhook receivers in these tests listen on loopback, which only an operator's allow-list opens.
  const { server } = await startQuietServer({ ...(await engineEnv(engine, dataDir)), WARDPOST_WEBHOOK_ALLOW_PRIVATE: '127.0.0.1', ...env });
  const s = server.platform.services;
  await s.orgs.create({ slug: 'north', name: 'North', kind: 'region' }, SYSTEM_ACTOR);
  await s.orgs.create({ slug: 'trust-a', name: 'Trust A', parent: 'north', kind: 'trust', domains: ['trust-a.example'] }, SYSTEM_ACTOR);
  await s.orgs.create({ slug: 'site-a1', name: 'Site A1', parent: 'trust-a', kind: 'site' }, SYSTEM_ACTOR);
  await s.orgs.create({ slug: 'trust-b', name: 'Trust B', parent: 'north', kind: 'trust' }, SYSTEM_ACTOR);
  for (const [local, org, role, name] of [
    ['nat', 'north', 'national-admin', 'Nadia National'],
    ['admin.a', 'trust-a', 'org-admin', 'Alan Admin'],
    ['admin.b', 'trust-b', 'org-admin', 'Bea Admin'],
    ['help.a', 'trust-a', 'helpdesk', 'Hal Help'],
    ['user.a', 'site-a1', 'user', 'Ula User'],
    ['user.a2', 'trust-a', 'user', 'Ulf Second'],
    ['user.b', 'trust-b', 'user', 'Ubo User'],
    ['user.b2', 'trust-b', 'user', 'Uma Second'],
  ] as const) {
    await s.accounts.create({ address: `${local}@${D}`, orgSlug: org, name, role, password: PW }, SYSTEM_ACTOR);
  }
  for (const x of ['a', 'b']) {
    await s.accounts.create({ address: `team.${x}@${D}`, orgSlug: `trust-${x}`, name: `Team ${x.toUpperCase()}`, kind: 'shared', password: null }, SYSTEM_ACTOR);
    await s.lists.create({ address: `list.${x}@${D}`, orgSlug: `trust-${x}`, name: `List ${x.toUpperCase()}` }, SYSTEM_ACTOR);
    await s.lists.addMember(`list.${x}@${D}`, `user.${x}@${D}`, SYSTEM_ACTOR);
    await s.aliases.add(`user.${x}@${D}`, `fixed.${x}@${D}`, SYSTEM_ACTOR);
  }
  const http = /http:\/\/[^/]+/.exec(server.urls.admin!)![0];
  const api = new AdminApi(http, PW);
  const S: Record<string, Session> = {};
  for (const a of ['nat', 'admin.a', 'admin.b', 'help.a']) S[a] = await api.adminSession(`${a}@${D}`);
  for (const a of ['user.a', 'user.b']) S[a] = await api.login(`${a}@${D}`);
  return {
    server,
    api,
    S,
    async stop() {
      await server.stop();
      await engine.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
