/**
 * The administration API over real HTTP: sign-in with TOTP, the authorisation matrix (an admin of
 * one organisation can neither read nor change another's), helpdesk limits, lockout, API token
 * scopes, app passwords, CSRF and the audit log's scope.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AdminApi, type CallOptions, type Session } from '../../helpers/admin-api.js';
import { runCli } from '../../helpers/cli.js';
import { startServe, type ServerProcess } from '../../helpers/server.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'wardpost-admin-'));
const env = { WARDPOST_DATA_DIR: dataDir };
const PW = 'Clinic-Rota-Blue-2026';
let srv: ServerProcess;

let api: AdminApi;
const call = (method: string, p: string, opts: CallOptions = {}) => api.call(method, p, opts);
const login = (address: string, code?: string) => api.login(address, code);

const cli = async (args: string[], input?: string) => {
  const r = await runCli(args, { env, ...(input ? { input } : {}) });
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
};

const S: Record<string, Session> = {};

before(async () => {
  await cli(['org', 'create', 'north', '--name', 'North', '--kind', 'region']);
  await cli(['org', 'create', 'trust-a', '--name', 'Trust A', '--parent', 'north', '--kind', 'trust']);
  await cli(['org', 'create', 'site-a1', '--name', 'Site A1', '--parent', 'trust-a', '--kind', 'site']);
  await cli(['org', 'create', 'trust-b', '--name', 'Trust B', '--parent', 'north', '--kind', 'trust']);
  for (const [addr, org, role, name] of [
    ['nat@wardpost.test', 'trust-a', 'national-admin', 'Nadia National'],
    ['admin.a@wardpost.test', 'trust-a', 'org-admin', 'Alan Admin'],
    ['admin.b@wardpost.test', 'trust-b', 'org-admin', 'Bea Admin'],
    ['help.a@wardpost.test', 'trust-a', 'helpdesk', 'Hal Help'],
    ['user.a@wardpost.test', 'site-a1', 'user', 'Ula User'],
    ['user.b@wardpost.test', 'trust-b', 'user', 'Ubo User'],
    ['locked@wardpost.test', 'trust-b', 'user', 'Lou Locked'],
  ]) {
    await cli(['user', 'create', addr!, '--org', org!, '--name', name!, '--role', role!, '--password-stdin'], PW);
  }
  srv = await startServe({ ...env });
  api = new AdminApi(srv.httpUrl, PW);
  for (const a of ['nat', 'admin.a', 'admin.b', 'help.a']) S[a] = await api.adminSession(`${a}@wardpost.test`);
  S['user.a'] = await login('user.a@wardpost.test');
});
after(async () => {
  await srv?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('administration API', () => {
  const matrix: [string, string, Record<string, number>][] = [
    // actor, target, expected status per operation (the plain user first: resets end the target's sessions)
    ['user.a', 'user.b', { get: 403, suspend: 403, reset: 403, quota: 403 }],
    ['nat', 'user.a', { get: 200, suspend: 200, reset: 200, quota: 200 }],
    ['nat', 'user.b', { get: 200, suspend: 200, reset: 200, quota: 200 }],
    ['admin.a', 'user.a', { get: 200, suspend: 200, reset: 200, quota: 200 }],
    ['admin.a', 'user.b', { get: 404, suspend: 403, reset: 403, quota: 403 }],
    ['admin.b', 'user.a', { get: 404, suspend: 403, reset: 403, quota: 403 }],
    ['admin.b', 'user.b', { get: 200, suspend: 200, reset: 200, quota: 200 }],
    ['help.a', 'user.a', { get: 200, suspend: 403, reset: 200, quota: 403 }],
    ['help.a', 'user.b', { get: 404, suspend: 403, reset: 403, quota: 403 }],
  ];
  for (const [actor, targetName, expect] of matrix) {
    it(`${actor} on ${targetName}: ${JSON.stringify(expect)}`, async () => {
      const t = `/api/v1/accounts/${targetName}@wardpost.test`;
      const session = S[actor]!;
      const got = {
        get: (await call('GET', t, { session })).status,
        suspend: (await call('POST', `${t}/suspend`, { session })).status,
        reset: (await call('POST', `${t}/reset-password`, { session })).status,
        quota: (await call('PUT', `${t}/quota`, { session, body: { quota: '3G' } })).status,
      };
      assert.deepEqual(got, expect);
      if (expect.suspend === 200) await call('POST', `${t}/restore`, { session });
    });
  }

  it('lists only the accounts an admin administers, and its own scope of the audit log', async () => {
    const a = await call('GET', '/api/v1/accounts', { session: S['admin.a'] });
    const addrs = (a.body.items as { address: string }[]).map((x) => x.address);
    assert.ok(addrs.includes('user.a@wardpost.test'));
    assert.ok(!addrs.includes('user.b@wardpost.test'));
    assert.equal((await call('GET', '/api/v1/accounts?org=trust-b', { session: S['admin.a'] })).status, 403);
    const audit = await call('GET', '/api/v1/audit', { session: S['admin.a'] });
    const targets = (audit.body.items as { target: string }[]).map((x) => x.target);
    assert.ok(targets.includes('user.a@wardpost.test'));
    assert.ok(!targets.includes('user.b@wardpost.test'), 'no entries of another organisation');
  });

  it('requires two-step sign-in for administrators, and a CSRF token on session changes', async () => {
    const plain = await login('admin.b@wardpost.test').catch(() => null);
    assert.equal(plain, null, 'an admin with MFA on cannot sign in without the code');
    const r = await call('POST', '/api/v1/accounts/user.a@wardpost.test/suspend', { session: S['admin.a'], csrf: false });
    assert.equal(r.status, 403);
    assert.match(String(r.body.message), /csrf/i);
  });

  it('creates accounts with a one-time password, refusing other organisations and bad fields', async () => {
    const ok = await call('POST', '/api/v1/accounts', { session: S['admin.a'], body: { address: 'new.a@wardpost.test', org: 'site-a1', name: 'Nia New' } });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.ok((ok.body.oneTimePassword as string).length >= 20);
    assert.equal((ok.body.account as { mustChangePassword: boolean }).mustChangePassword, true);
    assert.equal((await call('POST', '/api/v1/accounts', { session: S['admin.a'], body: { address: 'new.b@wardpost.test', org: 'trust-b', name: 'Nob New' } })).status, 403);
    const bad = await call('POST', '/api/v1/accounts', { session: S['admin.a'], body: { address: 'x@wardpost.test', org: 'site-a1', name: 'X Y', role: 'emperor' } });
    assert.equal(bad.status, 400);
    assert.match(String(bad.body.message), /role/);
  });

  it('locks an account out after repeated failures, with a clear wait', async () => {
    let last = 0;
    for (let i = 0; i < 7; i++) last = (await call('POST', '/api/v1/auth/login', { body: { address: 'locked@wardpost.test', password: 'Wrong-Password-99' } })).status;
    assert.equal(last, 429);
    const right = await call('POST', '/api/v1/auth/login', { body: { address: 'locked@wardpost.test', password: PW } });
    assert.equal(right.status, 429, 'even the right password waits out the lock');
    assert.match(String(right.body.message), /try again in \d+ s/);
    assert.equal((await call('POST', '/api/v1/accounts/locked@wardpost.test/unlock', { session: S['admin.b'] })).status, 200);
    assert.equal((await call('POST', '/api/v1/auth/login', { body: { address: 'locked@wardpost.test', password: PW } })).status, 200);
  });

  it('scopes API tokens and needs app passwords for clients once MFA is on', async () => {
    const t = await call('POST', '/api/v1/auth/tokens', { session: S.nat, body: { name: 'reporting', scopes: ['admin:read'] } });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    const bearer = { authorization: `Bearer ${t.body.secret as string}` };
    assert.equal((await call('GET', '/api/v1/accounts', { headers: bearer })).status, 200);
    assert.equal((await call('POST', '/api/v1/accounts/user.b@wardpost.test/suspend', { headers: bearer })).status, 403);
    await call('DELETE', `/api/v1/auth/tokens/${t.body.id as number}`, { session: S.nat });
    assert.equal((await call('GET', '/api/v1/accounts', { headers: bearer })).status, 401, 'a revoked token stops working');

    const basic = (pw: string) => ({ authorization: `Basic ${Buffer.from(`admin.a@wardpost.test:${pw}`).toString('base64')}` });
    assert.equal((await call('GET', '/api/v1/auth/me', { headers: basic(PW) })).status, 401, 'the account password alone is not enough for clients');
    const app = await call('POST', '/api/v1/auth/app-passwords', { session: S['admin.a'], body: { name: 'Thunderbird' } });
    assert.equal(app.status, 200);
    assert.equal((await call('GET', '/api/v1/auth/me', { headers: basic(app.body.secret as string) })).status, 200);
  });

  it('makes a reset password one-time: the person must change it', async () => {
    const reset = await call('POST', '/api/v1/accounts/user.a@wardpost.test/reset-password', { session: S['admin.a'] });
    assert.equal(reset.status, 200);
    const otp = reset.body.oneTimePassword as string;
    const basic = (pw: string) => ({ authorization: `Basic ${Buffer.from(`user.a@wardpost.test:${pw}`).toString('base64')}` });
    const before = await call('GET', '/api/v1/auth/me', { headers: basic(otp) });
    assert.equal((before.body.account as { mustChangePassword: boolean }).mustChangePassword, true);
    assert.equal((await call('POST', '/api/v1/auth/password', { headers: basic(otp), body: { current: 'Wrong-One-1234', new: 'Brand-New-Phrase-2027' } })).status, 401);
    const weak = await call('POST', '/api/v1/auth/password', { headers: basic(otp), body: { current: otp, new: 'short' } });
    assert.equal(weak.status, 400);
    assert.match(String(weak.body.message), /too weak/);
    assert.equal((await call('POST', '/api/v1/auth/password', { headers: basic(otp), body: { current: otp, new: 'Brand-New-Phrase-2027' } })).status, 200);
    const after = await call('GET', '/api/v1/auth/me', { headers: basic('Brand-New-Phrase-2027') });
    assert.equal((after.body.account as { mustChangePassword: boolean }).mustChangePassword, false);
  });

  it('documents every route in the OpenAPI file', async () => {
    const doc = (await call('GET', '/api/openapi.json')).body as { paths: Record<string, unknown> };
    for (const p of ['/api/v1/auth/login', '/api/v1/accounts', '/api/v1/accounts/{address}/reset-password', '/api/v1/orgs', '/api/v1/audit']) assert.ok(doc.paths[p], p);
  });
});
