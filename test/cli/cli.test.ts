/** The command line of CONTRACT.md, driven as a user would, on a fresh data folder. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'wardpost-cli-'));
const env = { WARDPOST_DATA_DIR: dataDir };
const cli = (args: string[], input?: string) => runCli(args, { env, ...(input !== undefined ? { input } : {}) });
const PW = 'Clinic-Rota-Blue-2026';

after(() => rmSync(dataDir, { recursive: true, force: true }));

/** A failure is one line on stderr and a non-zero exit. */
function assertFailure(r: { code: number | null; stderr: string }, pattern: RegExp) {
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, pattern);
  assert.equal(r.stderr.trim().split('\n').length, 1, `one line expected, got: ${r.stderr}`);
}

describe('wardpost CLI', () => {
  it('creates organisations in a tree', async () => {
    const r1 = await cli(['org', 'create', 'north', '--name', 'North Region', '--kind', 'region']);
    assert.equal(r1.code, 0, r1.stderr);
    const r2 = await cli(['org', 'create', 'rxh', '--name', 'Royal Example Hospital', '--parent', 'north', '--domain', 'rxh.nhs.example', '--json']);
    assert.equal(r2.code, 0, r2.stderr);
    const org = JSON.parse(r2.stdout);
    assert.equal(org.slug, 'rxh');
    assert.equal(org.parentSlug, 'north');
    assert.deepEqual(org.domains, ['rxh.nhs.example']);
    const list = JSON.parse((await cli(['org', 'list', '--json'])).stdout);
    assert.deepEqual(list.map((o: { slug: string }) => o.slug), ['north', 'rxh']);
    const text = (await cli(['org', 'list'])).stdout;
    assert.match(text, /^SLUG\s+NAME/);
  });

  it('creates a user with the password from standard input', async () => {
    const r = await cli(['user', 'create', 'jane.smith@wardpost.test', '--org', 'rxh', '--name', 'Jane Smith', '--quota', '1G', '--mobile', '+447700900123', '--password-stdin'], `${PW}\n`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /created jane\.smith@wardpost\.test in rxh/);
    const show = JSON.parse((await cli(['user', 'show', 'jane.smith@wardpost.test', '--json'])).stdout);
    assert.equal(show.displayName, 'Jane Smith');
    assert.equal(show.quotaBytes, 1024 ** 3);
    assert.equal(show.mobile, '+447700900123');
    assert.equal(show.role, 'user');
    assert.equal(show.status, 'active');
    const list = JSON.parse((await cli(['user', 'list', '--org', 'rxh', '--json'])).stdout);
    assert.deepEqual(list.map((a: { address: string }) => a.address), ['jane.smith@wardpost.test']);
  });

  it('creates an org-admin in the organisation domain', async () => {
    const r = await cli(['user', 'create', 'admin@rxh.nhs.example', '--org', 'rxh', '--name', 'Ravi Patel', '--role', 'org-admin', '--password-stdin', '--json'], PW);
    assert.equal(r.code, 0, r.stderr);
    const a = JSON.parse(r.stdout);
    assert.equal(a.role, 'org-admin');
    assert.deepEqual(a.aliases, ['admin@wardpost.test']);
  });

  it('suspends, restores and changes passwords', async () => {
    const s = await cli(['user', 'suspend', 'jane.smith@wardpost.test', '--json']);
    assert.equal(s.code, 0, s.stderr);
    assert.equal(JSON.parse(s.stdout).status, 'suspended');
    const r = await cli(['user', 'restore', 'jane.smith@wardpost.test']);
    assert.equal(r.code, 0, r.stderr);
    const p = await cli(['user', 'passwd', 'jane.smith@wardpost.test', '--password-stdin'], 'Brand-New-Phrase-2027\n');
    assert.equal(p.code, 0, p.stderr);
  });

  it('refuses bad input with one line and changes nothing', async () => {
    const before = (await cli(['user', 'list', '--json'])).stdout;
    const orgsBefore = (await cli(['org', 'list', '--json'])).stdout;
    assertFailure(await cli(['user', 'create', 'sam@wardpost.test', '--org', 'nowhere', '--name', 'Sam Jones', '--password-stdin'], PW), /organisation "nowhere" does not exist/);
    assertFailure(await cli(['user', 'create', 'jane.smith@wardpost.test', '--org', 'rxh', '--name', 'Jane Smith', '--password-stdin'], PW), /already in use/);
    assertFailure(await cli(['user', 'create', 'sam@wardpost.test', '--org', 'rxh', '--name', 'Sam Jones', '--password-stdin'], 'password'), /password too weak/);
    assertFailure(await cli(['user', 'create', 'not an address', '--org', 'rxh', '--name', 'Sam Jones', '--password-stdin'], PW), /not a mail address|invalid local part/);
    assertFailure(await cli(['user', 'create', 'sam@elsewhere.example', '--org', 'rxh', '--name', 'Sam Jones', '--password-stdin'], PW), /neither the national domain/);
    assertFailure(await cli(['org', 'create', 'rxh', '--name', 'Again']), /already exists/);
    assertFailure(await cli(['org', 'create', 'child', '--name', 'Child', '--parent', 'missing']), /parent organisation "missing" does not exist/);
    assertFailure(await cli(['user', 'passwd', 'jane.smith@wardpost.test', '--password-stdin'], 'weak'), /password too weak/);
    assertFailure(await cli(['user', 'show', 'ghost@wardpost.test']), /no account has the address/);
    assertFailure(await cli(['user', 'suspend', 'ghost@wardpost.test']), /no account has the address/);
    assert.equal((await cli(['user', 'list', '--json'])).stdout, before);
    assert.equal((await cli(['org', 'list', '--json'])).stdout, orgsBefore);
  });

  it('reports an unknown command or missing option as usage errors', async () => {
    const r = await cli(['user', 'create', 'x@wardpost.test']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /required option/);
    const u = await cli(['frobnicate']);
    assert.notEqual(u.code, 0);
  });

  it('refuses a bad configuration value, naming the variable', async () => {
    const r = await runCli(['org', 'list'], { env: { ...env, WARDPOST_HTTP_PORT: 'eighty' } });
    assertFailure(r, /WARDPOST_HTTP_PORT/);
  });
});
