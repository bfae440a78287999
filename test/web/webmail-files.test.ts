/**
 * Webmail's files at / from the real `wardpost serve`: the app with its security headers, client
 * routes as index.html, hashed assets cached for long, and every other door (/admin/, /api, /jmap,
 * /dav, /.well-known, /healthz) still answered by its own handler, never by a webmail page.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import { registerWebmail } from '../../src/protocols/http/static.js';
import { startServe, type ServerProcess } from '../helpers/server.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'wardpost-webmail-files-'));
let srv: ServerProcess;

before(async () => {
  srv = await startServe({ WARDPOST_DATA_DIR: dataDir });
});

after(async () => {
  await srv?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const get = async (p: string, init?: RequestInit) => {
  const r = await fetch(`${srv.httpUrl}${p}`, init);
  return { r, body: await r.text() }; // every body is read, so the server's shutdown is not delayed
};

describe('webmail files at /', () => {
  it('serves the app with a strict policy: no script but its own, mail frames may not run scripts', async () => {
    const { r, body } = await get('/');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(r.headers.get('cache-control'), 'no-cache');
    const csp = r.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self';/);
    assert.doesNotMatch(csp, /script-src[^;]*unsafe/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /object-src 'none'/);
    assert.equal(r.headers.get('x-frame-options'), 'DENY');
    assert.match(body, /<title>Wardpost mail<\/title>/);
    const asset = /\/assets\/[^"]+\.js/.exec(body)?.[0];
    assert.ok(asset, body);
    assert.doesNotMatch(asset, /^\/admin\//);
    const js = await get(asset);
    assert.equal(js.r.status, 200);
    assert.match(js.r.headers.get('cache-control') ?? '', /max-age=31536000, immutable/);
    assert.match(js.r.headers.get('content-type') ?? '', /javascript/);
  });

  it('answers client routes with the app, and a missing asset with 404', async () => {
    const root = (await get('/')).body;
    assert.equal((await get('/mailbox/inbox')).body, root);
    assert.equal((await get('/settings/out-of-office?x=1')).body, root);
    const missing = await get('/assets/nothing-here.js');
    assert.equal(missing.r.status, 404);
    // Not a page of the app: a plain 404, not the app with a 200.
    assert.equal((await get('/no-such-page')).r.status, 404);
    assert.equal((await get('/wp-login.php')).r.status, 404);
  });

  it('leaves the other doors alone: admin portal, API, JMAP, DAV, well-known, health', async () => {
    const root = (await get('/')).body;
    const admin = await get('/admin/');
    assert.equal(admin.r.status, 200);
    assert.match(admin.body, /Wardpost administration/);
    assert.match(admin.body, /\/admin\/assets\//);
    const health = await get('/healthz');
    assert.equal(health.r.status, 200);
    assert.match(health.body, /"status":"ok"/);
    const me = await get('/api/v1/auth/me');
    assert.equal(me.r.status, 401);
    assert.equal((await get('/api/openapi.json')).r.status, 200);
    for (const p of ['/api/v1/no-such-thing', '/api/nothing', '/jmap/no-such-thing', '/dav/nothing/here', '/.well-known/nothing', '/autodiscover/x']) {
      const x = await get(p);
      assert.notEqual(x.body, root, `${p} must not be a webmail page`);
      assert.ok(x.r.status === 404 || x.r.status === 401, `${p}: ${x.r.status}`);
    }
    const carddav = await get('/.well-known/carddav', { redirect: 'manual' });
    assert.notEqual(carddav.body, root);
    assert.ok(carddav.r.status >= 300 && carddav.r.status < 400, `carddav well-known: ${carddav.r.status}`);
  });

  it('never serves a file from outside its build folder', async () => {
    for (const evil of ['/..%2f..%2f..%2fpackage.json', '/assets/..%2f..%2f..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/%2e%2e/package.json', '/assets/%2e%2e/index.html%00.js']) {
      const x = await get(evil);
      assert.doesNotMatch(x.body, /"name": "wardpost"/, `${evil} must not leave the build folder`);
    }
  });

  it('answers 503 naming the build command when webmail is not built', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'wardpost-nomail-'));
    const app = Fastify();
    registerWebmail(app, { dir: empty });
    try {
      const r = await app.inject({ method: 'GET', url: '/' });
      assert.equal(r.statusCode, 503);
      assert.match(r.body, /Webmail has not been built yet: run npm run build/);
      const api = await app.inject({ method: 'GET', url: '/api/v1/whatever' });
      assert.equal(api.statusCode, 404);
    } finally {
      await app.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
