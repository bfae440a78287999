/**
 * Directory photos through every door of the real server: uploaded with the JSON API (own entry
 * only, unless an administrator), served as a URL in JSON, as PHOTO in CardDAV's vCard and as
 * jpegPhoto to Debian's ldapsearch.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../helpers/cli.js';
import { startServe, type ServerProcess } from '../../helpers/server.js';
import { HAVE_LDAPSEARCH, REQUIRE_PEERS, parseLdif } from '../ldap/helpers.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'wardpost-photo-'));
const env = { WARDPOST_DATA_DIR: dataDir };
const PW = 'Clinic-Rota-Blue-2026';
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(3000), Buffer.from([0xff, 0xd9])]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(500)]);
let srv: ServerProcess;
let ldapUrl = '';

const basic = (user: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${PW}`).toString('base64')}` });
async function call(method: string, p: string, user: string, body?: unknown) {
  const res = await fetch(`${srv.httpUrl}${p}`, { method, headers: { ...basic(user), ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
async function entryOf(user: string, q: string): Promise<{ id: number; photoUrl: string | null }> {
  const r = await call('GET', `/api/v1/directory/search?q=${encodeURIComponent(q)}`, user);
  return (r.body.entries as { id: number; photoUrl: string | null }[])[0]!;
}

before(async () => {
  writeFileSync(path.join(dataDir, 'dir.csv'), ['key,kind,given_name,family_name,organisation,visibility,parent,org_kind,display_name', 'rxh,organisation,,,,national,,trust,Royal Example Hospital'].join('\n'));
  assert.equal((await runCli(['directory', 'import', path.join(dataDir, 'dir.csv')], { env })).code, 0);
  for (const [addr, name, role] of [
    ['ann@wardpost.test', 'Ann Lee', 'user'],
    ['bob@wardpost.test', 'Bob Ray', 'user'],
    ['ada@wardpost.test', 'Ada Boss', 'org-admin'],
  ]) {
    const r = await runCli(['user', 'create', addr!, '--org', 'rxh', '--name', name!, '--role', role!, '--password-stdin'], { env, input: PW });
    assert.equal(r.code, 0, r.stderr);
  }
  srv = await startServe({ ...env });
  ldapUrl = /ldap\s+(ldap:\/\/[^/\s]+)/.exec(srv.output())![1]!;
});
after(async () => {
  await srv?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('directory photos', () => {
  it('lets an account set its own photo, serves it with an ETag, and shows its URL in JSON', async () => {
    const ann = await entryOf('bob@wardpost.test', 'ann lee');
    assert.equal(ann.photoUrl, null);
    const put = await call('PUT', `/api/v1/directory/entries/${ann.id}/photo`, 'ann@wardpost.test', { data: JPEG.toString('base64') });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const url = put.body.photoUrl as string;
    assert.match(url, new RegExp(`^/api/v1/directory/entries/${ann.id}/photo\\?v=`));
    assert.equal((await entryOf('bob@wardpost.test', 'ann lee')).photoUrl, url);
    const img = await fetch(`${srv.httpUrl}${url}`, { headers: basic('bob@wardpost.test') });
    assert.equal(img.status, 200);
    assert.equal(img.headers.get('content-type'), 'image/jpeg');
    assert.deepEqual(Buffer.from(await img.arrayBuffer()), JPEG);
    const again = await fetch(`${srv.httpUrl}${url}`, { headers: { ...basic('bob@wardpost.test'), 'if-none-match': img.headers.get('etag')! } });
    assert.equal(again.status, 304);
  });

  it("refuses another user's entry (forbidden), an administrator without a two-step session, and what is not JPEG or PNG", async () => {
    const ann = await entryOf('bob@wardpost.test', 'ann lee');
    const bob = await call('PUT', `/api/v1/directory/entries/${ann.id}/photo`, 'bob@wardpost.test', { data: PNG.toString('base64') });
    assert.equal(bob.status, 403);
    const ada = await call('PUT', `/api/v1/directory/entries/${ann.id}/photo`, 'ada@wardpost.test', { data: PNG.toString('base64') });
    assert.equal(ada.status, 403);
    assert.match(JSON.stringify(ada.body), /two-step/);
    const gif = await call('PUT', `/api/v1/directory/entries/${ann.id}/photo`, 'ann@wardpost.test', { data: Buffer.from('GIF89a....').toString('base64') });
    assert.equal(gif.status, 400);
    const big = await call('PUT', `/api/v1/directory/entries/${ann.id}/photo`, 'ann@wardpost.test', { data: Buffer.concat([JPEG, Buffer.alloc(300_000)]).toString('base64') });
    assert.equal(big.status, 400);
    // The photo in place is unchanged by the refused writes.
    const img = await fetch(`${srv.httpUrl}${(await entryOf('bob@wardpost.test', 'ann lee')).photoUrl}`, { headers: basic('bob@wardpost.test') });
    assert.deepEqual(Buffer.from(await img.arrayBuffer()), JPEG);
  });

  it('puts the photo in the CardDAV vCard (PHOTO) and changes the card ETag with it', async () => {
    const ann = await entryOf('bob@wardpost.test', 'ann lee');
    const cardUrl = `${srv.httpUrl}/dav/addressbooks/bob@wardpost.test/directory/${ann.id}.vcf`;
    const res = await fetch(cardUrl, { headers: basic('bob@wardpost.test') });
    assert.equal(res.status, 200);
    const card = (await res.text()).replace(/\r\n /g, '');
    assert.ok(card.includes(`PHOTO;ENCODING=b;TYPE=JPEG:${JPEG.toString('base64')}`), card.slice(0, 400));
    const etag1 = res.headers.get('etag');
    assert.equal((await call('PUT', `/api/v1/directory/entries/${ann.id}/photo`, 'ann@wardpost.test', { data: PNG.toString('base64') })).status, 200);
    const res2 = await fetch(cardUrl, { headers: basic('bob@wardpost.test') });
    const card2 = (await res2.text()).replace(/\r\n /g, '');
    assert.ok(card2.includes(`PHOTO;ENCODING=b;TYPE=PNG:${PNG.toString('base64')}`));
    assert.notEqual(res2.headers.get('etag'), etag1);
  });

  it('sends jpegPhoto to ldapsearch when asked for, and (jpegPhoto=*) finds who has one', { skip: !HAVE_LDAPSEARCH && !REQUIRE_PEERS ? 'ldapsearch (ldap-utils) is not installed' : false }, async () => {
    const ldap = (filter: string, attrs: string[]) =>
      new Promise<string>((resolve, reject) =>
        execFile('ldapsearch', ['-x', '-LLL', '-o', 'ldif-wrap=no', '-H', ldapUrl, '-D', 'bob@wardpost.test', '-w', PW, '-b', 'dc=wardpost,dc=test', filter, ...attrs], { env: { ...process.env, LDAPNOINIT: '1' } }, (err, out, errOut) =>
          err ? reject(new Error(errOut)) : resolve(out),
        ),
      );
    const withPhoto = parseLdif(await ldap('(sn=lee)', ['cn', 'jpegPhoto']));
    assert.equal(withPhoto.length, 1);
    assert.deepEqual(withPhoto[0]!.attrs.cn, ['Ann Lee']);
    const raw = await ldap('(sn=lee)', ['jpegPhoto']);
    assert.ok(raw.replace(/\s/g, '').includes(`jpegPhoto::${PNG.toString('base64')}`), raw.slice(0, 300));
    assert.equal(parseLdif(await ldap('(sn=lee)', ['cn']))[0]!.attrs.jpegPhoto, undefined);
    const having = parseLdif(await ldap('(jpegPhoto=*)', ['cn']));
    assert.deepEqual(having.map((e) => e.attrs.cn![0]), ['Ann Lee']);
  });

  it('removes the photo (DELETE): no URL, 404 for the image', async () => {
    const ann = await entryOf('bob@wardpost.test', 'ann lee');
    const url = ann.photoUrl!;
    const del = await call('DELETE', `/api/v1/directory/entries/${ann.id}/photo`, 'ann@wardpost.test');
    assert.equal(del.status, 200);
    assert.equal(del.body.photoUrl, null);
    assert.equal((await fetch(`${srv.httpUrl}${url}`, { headers: basic('bob@wardpost.test') })).status, 404);
  });
});
