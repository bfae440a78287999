/** `wardpost serve`: first start, health and metrics, clean shutdown, refusal of bad configuration. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { runCli } from '../helpers/cli.js';
import { PG_URL, REQUIRE_PEERS, postgresProblem } from '../helpers/engines.js';
import { startServe } from '../helpers/server.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'wardpost-serve-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

describe('wardpost serve (embedded)', () => {
  it('first start creates data, certificate and a national admin printed once', async () => {
    const srv = await startServe({ WARDPOST_DATA_DIR: dataDir });
    try {
      const out = srv.output();
      assert.match(out, /address:\s+admin@wardpost\.test/);
      assert.match(out, /one-time password .*: \S{20,}/);
      assert.ok(existsSync(path.join(dataDir, 'wardpost.sqlite')));
      assert.ok(existsSync(path.join(dataDir, 'tls', 'cert.pem')));
      assert.ok(existsSync(path.join(dataDir, 'tls', 'key.pem')));

      const health = await fetch(`${srv.httpUrl}/healthz`);
      assert.equal(health.status, 200);
      assert.equal(((await health.json()) as { status: string }).status, 'ok');
      const metrics = await (await fetch(`${srv.httpUrl}/metrics`)).text();
      assert.match(metrics, /^wardpost_store_up 1$/m);
      assert.match(metrics, /wardpost_process_/);
      const missing = await fetch(`${srv.httpUrl}/no-such-page`);
      assert.equal(missing.status, 404);

      // The printed one-time password works and must be changed.
      const pw = /one-time password .*: (\S+)/.exec(out)![1]!;
      const show = JSON.parse((await runCli(['user', 'show', 'admin@wardpost.test', '--json'], { env: { WARDPOST_DATA_DIR: dataDir } })).stdout);
      assert.equal(show.role, 'national-admin');
      assert.equal(show.mustChangePassword, true);
      assert.ok(pw.length >= 20);
    } finally {
      assert.equal(await srv.stop('SIGTERM'), 0, 'SIGTERM shuts down cleanly with exit 0');
    }
  });

  it('a second start reuses everything and prints no password', async () => {
    const srv = await startServe({ WARDPOST_DATA_DIR: dataDir });
    try {
      assert.doesNotMatch(srv.output(), /one-time password/);
      assert.equal((await fetch(`${srv.httpUrl}/healthz`)).status, 200);
    } finally {
      assert.equal(await srv.stop('SIGINT'), 0);
    }
  });

  for (const [name, value] of [
    ['WARDPOST_HTTP_PORT', '99999'],
    ['WARDPOST_LOG_LEVEL', 'loud'],
    ['WARDPOST_DATABASE_URL', 'mysql://localhost/x'],
    ['WARDPOST_NATIONAL_DOMAIN', 'not a domain'],
    ['WARDPOST_BIND', 'everywhere'],
    ['WARDPOST_LDAPS_PORT', 'ldaps'],
    ['WARDPOST_WEBHOOK_ALLOW_PRIVATE', 'http://10.0.0.1/'],
  ] as const) {
    it(`refuses to start with ${name}=${value}, naming it`, async () => {
      const r = await runCli(['serve'], { env: { WARDPOST_DATA_DIR: dataDir, [name]: value } });
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(name));
    });
  }
});

describe('wardpost serve (PostgreSQL cluster mode)', async () => {
  const problem = await postgresProblem();
  if (problem && !REQUIRE_PEERS) return void it.skip(problem);
  it('starts on PostgreSQL selected by WARDPOST_DATABASE_URL', async () => {
    if (problem) throw new Error(problem);
    const schema = `wp_serve_${process.pid}`;
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`drop schema if exists ${schema} cascade; create schema ${schema}`);
    const url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    const pgDataDir = mkdtempSync(path.join(tmpdir(), 'wardpost-serve-pg-'));
    try {
      const srv = await startServe({ WARDPOST_DATA_DIR: pgDataDir, WARDPOST_DATABASE_URL: url });
      try {
        assert.match(srv.output(), /postgres store/);
        assert.equal((await fetch(`${srv.httpUrl}/healthz`)).status, 200);
        const rows = await c.query(`select address from ${schema}.accounts`);
        assert.deepEqual(rows.rows.map((r) => r.address), ['admin@wardpost.test']);
      } finally {
        assert.equal(await srv.stop(), 0);
      }
    } finally {
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
      rmSync(pgDataDir, { recursive: true, force: true });
    }
  });
});
