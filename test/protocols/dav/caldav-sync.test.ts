/**
 * Two-way calendar sync with Debian's vdirsyncer and khal against the real server: events made on
 * the server reach khal, events made in khal reach the server, and edits and deletions travel
 * both ways (vdirsyncer uses ETags, If-Match and calendar-multiget).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServe, type ServerProcess } from '../../helpers/server.js';
import { PW, basic, peerProblem, seed, vevent } from './caldav-helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'wardpost-calsync-'));
const env = { WARDPOST_DATA_DIR: path.join(dir, 'data') };
const ANN = 'ann@wardpost.test';
const local = path.join(dir, 'calendars');
let srv: ServerProcess;
let missing: string | null = null;

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { input: 'y\n', encoding: 'utf8', timeout: 60_000, env: { ...process.env, TZ: 'UTC' } });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout + r.stderr;
}
const vdirsyncer = (...args: string[]) => run('vdirsyncer', ['-c', path.join(dir, 'vdirsyncer.conf'), ...args]);
const khal = (...args: string[]) => run('khal', ['-c', path.join(dir, 'khal.conf'), ...args]);
const localFiles = () => readdirSync(path.join(local, 'default')).filter((f) => f.endsWith('.ics'));
async function serverSummaries(): Promise<string[]> {
  const body = '<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:calendar-data/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"/></c:comp-filter></c:filter></c:calendar-query>';
  const r = await fetch(`${srv.httpUrl}/dav/calendars/${ANN}/default/`, { method: 'REPORT', headers: { ...basic(ANN), depth: '1', 'content-type': 'application/xml' }, body });
  return [...(await r.text()).matchAll(/SUMMARY:([^&\r\n]*)/g)].map((m) => m[1]!).sort();
}

before(async () => {
  missing = peerProblem('vdirsyncer', 'vdirsyncer') ?? peerProblem('khal', 'khal');
  await seed(env, ['rxh'], [[ANN, 'rxh', 'Ann Lee']]);
  srv = await startServe(env);
  mkdirSync(local, { recursive: true });
  writeFileSync(
    path.join(dir, 'vdirsyncer.conf'),
    ['[general]', `status_path = "${dir}/status/"`, '[pair cal]', 'a = "remote"', 'b = "local"', 'collections = ["from a"]', 'conflict_resolution = "a wins"',
      '[storage remote]', 'type = "caldav"', `url = "${srv.httpUrl}/"`, `username = "${ANN}"`, `password = "${PW}"`,
      '[storage local]', 'type = "filesystem"', `path = "${local}/"`, 'fileext = ".ics"'].join('\n'),
  );
  writeFileSync(
    path.join(dir, 'khal.conf'),
    ['[calendars]', '[[work]]', `path = ${local}/default/`, 'type = calendar', '[locale]', 'timeformat = %H:%M', 'dateformat = %Y-%m-%d', 'longdateformat = %Y-%m-%d',
      'datetimeformat = %Y-%m-%d %H:%M', 'longdatetimeformat = %Y-%m-%d %H:%M', 'default_timezone = UTC', 'local_timezone = UTC', '[default]', 'default_calendar = work', '[sqlite]', `path = ${dir}/khal.db`].join('\n'),
  );
});
after(async () => {
  await srv?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('CalDAV two-way sync with vdirsyncer and khal', () => {
  it('brings server events to khal', async (t) => {
    if (missing) return t.skip(missing);
    const put = await fetch(`${srv.httpUrl}/dav/calendars/${ANN}/default/ward-round.ics`, { method: 'PUT', headers: { ...basic(ANN), 'content-type': 'text/calendar' }, body: vevent('ward-round', '20260701T090000Z', '20260701T100000Z', ['SUMMARY:Ward round', 'RRULE:FREQ=DAILY;COUNT=3']) });
    assert.equal(put.status, 201);
    assert.match(vdirsyncer('discover', 'cal'), /default/);
    vdirsyncer('sync');
    assert.equal(localFiles().length, 1);
    const list = khal('list', '2026-07-01', '3d');
    assert.equal((list.match(/Ward round/g) ?? []).length, 3, list);
  });

  it('brings khal events to the server, then edits and deletions both ways', async (t) => {
    if (missing) return t.skip(missing);
    khal('new', '2026-07-02', '14:00', '15:00', 'Teaching session');
    vdirsyncer('sync');
    assert.deepEqual(await serverSummaries(), ['Teaching session', 'Ward round']);
    // Edited on the server: khal sees the new title.
    const res = await fetch(`${srv.httpUrl}/dav/calendars/${ANN}/default/ward-round.ics`, { headers: basic(ANN) });
    const edited = (await res.text()).replace('SUMMARY:Ward round', 'SUMMARY:Consultant ward round');
    assert.equal((await fetch(`${srv.httpUrl}/dav/calendars/${ANN}/default/ward-round.ics`, { method: 'PUT', headers: { ...basic(ANN), 'content-type': 'text/calendar', 'if-match': res.headers.get('etag')! }, body: edited })).status, 204);
    vdirsyncer('sync');
    assert.match(khal('list', '2026-07-01', '1d'), /Consultant ward round/);
    // Deleted locally: gone from the server.
    const teaching = localFiles().find((f) => readFileSync(path.join(local, 'default', f), 'utf8').includes('Teaching session'))!;
    unlinkSync(path.join(local, 'default', teaching));
    vdirsyncer('sync');
    assert.deepEqual(await serverSummaries(), ['Consultant ward round']);
  });
});
