/** The directory's CardDAV address book through the real server, driven by vdirsyncer and raw DAV requests. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../helpers/cli.js';
import { startServe, type ServerProcess } from '../../helpers/server.js';

const dir = mkdtempSync(path.join(tmpdir(), 'wardpost-dav-'));
const env = { WARDPOST_DATA_DIR: path.join(dir, 'data') };
const PW = 'Clinic-Rota-Blue-2026';
const auth = { authorization: `Basic ${Buffer.from(`ann@wardpost.test:${PW}`).toString('base64')}` };
let srv: ServerProcess;

const HEADER = 'key,kind,given_name,family_name,job_title,organisation,visibility,parent,org_kind,display_name';
async function importRows(rows: string[]) {
  writeFileSync(path.join(dir, 'rows.csv'), [HEADER, ...rows].join('\n'));
  const r = await runCli(['directory', 'import', path.join(dir, 'rows.csv')], { env });
  assert.equal(r.code, 0, r.stderr + r.stdout);
}

function vdirsyncer(...args: string[]) {
  const r = spawnSync('vdirsyncer', ['-c', path.join(dir, 'vdirsyncer.conf'), ...args], { input: 'y\n', encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `vdirsyncer ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout + r.stderr;
}

const localCards = () => {
  const d = path.join(dir, 'contacts', 'directory');
  return readdirSync(d).map((f) => readFileSync(path.join(d, f), 'utf8'));
};

before(async () => {
  await importRows(['rxh,organisation,,,,,national,,trust,Royal Example Hospital', 'gp1,organisation,,,,,national,,practice,Example Surgery', 'c1,person,Carla,Cardio,Consultant Cardiologist,rxh,national,,,', 'c2,person,Gina,Elsewhere,GP Partner,gp1,national,,,', 'c3,person,Hugo,Hidden,Porter,rxh,hidden,,,']);
  const u = await runCli(['user', 'create', 'ann@wardpost.test', '--org', 'rxh', '--name', 'Ann Lee', '--password-stdin'], { env, input: PW });
  assert.equal(u.code, 0, u.stderr);
  srv = await startServe({ ...env });
  mkdirSync(path.join(dir, 'contacts'), { recursive: true });
  writeFileSync(
    path.join(dir, 'vdirsyncer.conf'),
    [
      '[general]',
      `status_path = "${dir}/status/"`,
      '[pair gal]',
      'a = "remote"',
      'b = "local"',
      'collections = ["from a"]',
      'conflict_resolution = "a wins"',
      '[storage remote]',
      'type = "carddav"',
      `url = "${srv.httpUrl}/"`,
      'username = "ann@wardpost.test"',
      `password = "${PW}"`,
      'read_only = true',
      '[storage local]',
      'type = "filesystem"',
      `path = "${dir}/contacts/"`,
      'fileext = ".vcf"',
    ].join('\n'),
  );
});
after(async () => {
  await srv?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('CardDAV directory address book', () => {
  it('is found by discovery (/.well-known/carddav) and synced by vdirsyncer', () => {
    assert.match(vdirsyncer('discover', 'gal'), /National directory/);
    vdirsyncer('sync');
    const cards = localCards();
    const names = cards.map((c) => /^FN:(.*)$/m.exec(c)?.[1]).sort();
    assert.deepEqual(names, ['Ann Lee', 'Carla Cardio'], 'own organisation only, hidden entries never');
    assert.ok(cards.some((c) => /TITLE:Consultant Cardiologist/.test(c)));
  });

  it('sends only what changed on the next sync (sync-collection), removals included', async () => {
    await importRows(['c4,person,Nina,New,Ward Clerk,rxh,national,,,', 'c1,person,Carla,Cardio,Consultant Cardiologist,rxh,hidden,,,']);
    await new Promise((r) => setTimeout(r, 2500)); // the server catches up on writes made by the CLI
    const out = vdirsyncer('sync');
    assert.match(out, /wardpost-directory-\d+/);
    const names = localCards().map((c) => /^FN:(.*)$/m.exec(c)?.[1]).sort();
    assert.deepEqual(names, ['Ann Lee', 'Nina New']);
  });

  it('searches the whole country with addressbook-query', async () => {
    const book = `${srv.httpUrl}/dav/addressbooks/ann@wardpost.test/directory/`;
    const body = `<?xml version="1.0"?><C:addressbook-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:prop><D:getetag/><C:address-data/></D:prop><C:filter><C:prop-filter name="FN"><C:text-match match-type="contains">gina</C:text-match></C:prop-filter></C:filter></C:addressbook-query>`;
    const res = await fetch(book, { method: 'REPORT', headers: { ...auth, 'content-type': 'application/xml', depth: '1' }, body });
    assert.equal(res.status, 207);
    const xml = await res.text();
    assert.match(xml, /FN:Gina Elsewhere/);
    assert.doesNotMatch(xml, /Hugo/);
  });

  it('is read-only, needs a sign-in, and rejects malformed XML', async () => {
    const book = `${srv.httpUrl}/dav/addressbooks/ann@wardpost.test/directory/`;
    assert.equal((await fetch(book, { method: 'PROPFIND' })).status, 401);
    const wrong = await fetch(book, { method: 'PROPFIND', headers: { authorization: `Basic ${Buffer.from('ann@wardpost.test:wrong').toString('base64')}` } });
    assert.equal(wrong.status, 401);
    assert.match(wrong.headers.get('www-authenticate') ?? '', /^Basic realm=/);
    assert.equal((await fetch(book, { method: 'PROPFIND', headers: { authorization: 'Basic !!' } })).status, 401);
    assert.equal((await fetch(`${book}1.vcf`, { method: 'PUT', headers: auth, body: 'BEGIN:VCARD' })).status, 403);
    const bad = await fetch(book, { method: 'REPORT', headers: { ...auth, 'content-type': 'application/xml' }, body: '<not-closed' });
    assert.equal(bad.status, 400);
    const other = await fetch(`${srv.httpUrl}/dav/addressbooks/someone@wardpost.test/directory/`, { method: 'PROPFIND', headers: auth });
    assert.equal(other.status, 404);
  });
});
