/** /api/v1/directory through the real server, with visibility rules, and the OpenAPI document. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../helpers/cli.js';
import { startServe, type ServerProcess } from '../../helpers/server.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'wardpost-api-'));
const env = { WARDPOST_DATA_DIR: dataDir };
const PW = 'Clinic-Rota-Blue-2026';
let srv: ServerProcess;

const basic = (user: string, pw = PW) => ({ authorization: `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}` });
async function get(p: string, user?: string, pw?: string) {
  const res = await fetch(`${srv.httpUrl}${p}`, { headers: user ? basic(user, pw) : {} });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { entries?: { displayName: string }[]; total?: number } };
}

before(async () => {
  const csv = [
    'key,kind,given_name,family_name,job_title,organisation,visibility,parent,org_kind,display_name',
    'rxh,organisation,,,,,national,,trust,Royal Example Hospital',
    'gp1,organisation,,,,,national,,practice,Example Surgery',
    'd1,person,John,Smith,Consultant Cardiologist,rxh,national,,,',
    'd2,person,Olive,Only,Ward Clerk,rxh,organisation,,,',
    'd3,person,Secret,Agent,Consultant,rxh,hidden,,,',
  ].join('\n');
  writeFileSync(path.join(dataDir, 'dir.csv'), csv);
  const imp = await runCli(['directory', 'import', path.join(dataDir, 'dir.csv')], { env });
  assert.equal(imp.code, 0, imp.stderr + imp.stdout);
  for (const [addr, org, name] of [
    ['ann@wardpost.test', 'rxh', 'Ann Lee'],
    ['gus@wardpost.test', 'gp1', 'Gus Park'],
  ]) {
    const r = await runCli(['user', 'create', addr!, '--org', org!, '--name', name!, '--password-stdin'], { env, input: PW });
    assert.equal(r.code, 0, r.stderr);
  }
  srv = await startServe({ ...env });
});
after(async () => {
  await srv?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('directory JSON API', () => {
  it('refuses callers who have not signed in, or with a wrong password', async () => {
    assert.equal((await get('/api/v1/directory/search?q=smith')).status, 401);
    assert.equal((await get('/api/v1/directory/search?q=smith', 'ann@wardpost.test', 'wrong-password-1')).status, 401);
  });

  it('searches with prefixes and typos', async () => {
    const r = await get('/api/v1/directory/search?q=smi%20jo', 'gus@wardpost.test');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.entries!.map((e) => e.displayName), ['John Smith']);
    const t = await get('/api/v1/directory/search?q=smiht', 'gus@wardpost.test');
    assert.equal(t.body.entries![0]?.displayName, 'John Smith');
  });

  it('honours visibility: hidden never, organisation-only within the organisation', async () => {
    assert.equal((await get('/api/v1/directory/search?q=secret', 'ann@wardpost.test')).body.total, 0);
    assert.equal((await get('/api/v1/directory/search?q=olive', 'ann@wardpost.test')).body.total, 1);
    assert.equal((await get('/api/v1/directory/search?q=olive', 'gus@wardpost.test')).body.total, 0);
  });

  it('scopes by organisation and lists the tree', async () => {
    const scoped = await get('/api/v1/directory/search?org=gp1&kind=person', 'ann@wardpost.test');
    assert.deepEqual(scoped.body.entries!.map((e) => e.displayName), ['Gus Park']);
    const tree = await get('/api/v1/directory/organisations', 'ann@wardpost.test');
    assert.ok((tree.body.organisations as { slug: string }[]).some((o) => o.slug === 'gp1'));
  });

  it('answers bad parameters with 400 and a reason', async () => {
    const r = await get('/api/v1/directory/search?limit=9999', 'ann@wardpost.test');
    assert.equal(r.status, 400);
    assert.match(String(r.body.message), /limit/);
    assert.equal((await get('/api/v1/directory/entries/abc', 'ann@wardpost.test')).status, 400);
    assert.equal((await get('/api/v1/directory/entries/999999', 'ann@wardpost.test')).status, 404);
  });

  it('sees an account created by the CLI while the server runs', async () => {
    const r = await runCli(['user', 'create', 'zed.quinn@wardpost.test', '--org', 'rxh', '--name', 'Zed Quinn', '--password-stdin'], { env, input: PW });
    assert.equal(r.code, 0, r.stderr);
    let found = 0;
    for (let i = 0; i < 40 && !found; i++) {
      await new Promise((res) => setTimeout(res, 250));
      found = (await get('/api/v1/directory/search?q=quinn', 'ann@wardpost.test')).body.total ?? 0;
    }
    assert.equal(found, 1);
  });

  it('documents the routes in /api/openapi.json', async () => {
    const doc = (await (await fetch(`${srv.httpUrl}/api/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(doc.paths['/api/v1/directory/search']);
    assert.ok(doc.paths['/api/v1/directory/entries/{id}']);
  });
});
