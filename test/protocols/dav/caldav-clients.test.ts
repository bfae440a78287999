/**
 * CalDAV through the real server, driven by Debian's clients: python3-caldav (discovery, create,
 * time-range search, recurring events with expansion, tasks, sync tokens) and litmus (WebDAV
 * basic and props suites); then bad input by hand: malformed iCalendar, an XML bomb, an unknown
 * REPORT, an oversized PUT, each a 4xx with a DAV error body and nothing stored.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServe, type ServerProcess } from '../../helpers/server.js';
import { PW, basic, peerProblem, seed, vevent } from './caldav-helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'wardpost-caldav-'));
const env = { WARDPOST_DATA_DIR: path.join(dir, 'data') };
const ANN = 'ann@wardpost.test';
let srv: ServerProcess;

before(async () => {
  await seed(env, ['rxh'], [[ANN, 'rxh', 'Ann Lee'], ['lit@wardpost.test', 'rxh', 'Lit Mus']]);
  srv = await startServe(env);
});
after(async () => {
  await srv?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const PY = String.raw`
import caldav, datetime, sys, json
UTC = datetime.timezone.utc
url, user, pw = sys.argv[1:4]
out = {}
c = caldav.DAVClient(url=url + "/.well-known/caldav", username=user, password=pw)
p = c.principal()
out["principal"] = str(p.url)
out["calendars"] = sorted(x.name for x in p.calendars())
cal = p.make_calendar(name="Outpatients", cal_id="outpatients")
cal.save_event(dtstart=datetime.datetime(2026,7,1,9,0,tzinfo=UTC), dtend=datetime.datetime(2026,7,1,10,0,tzinfo=UTC), summary="Weekly clinic", rrule={"FREQ":"WEEKLY","COUNT":6})
audit = cal.save_event(dtstart=datetime.datetime(2026,7,3,14,0,tzinfo=UTC), dtend=datetime.datetime(2026,7,3,15,0,tzinfo=UTC), summary="Audit meeting")
cal.save_todo(summary="Sign discharge letters")
hits = cal.search(start=datetime.datetime(2026,7,14,tzinfo=UTC), end=datetime.datetime(2026,7,16,tzinfo=UTC), event=True, expand=True)
out["expanded"] = sorted(str(h.icalendar_component.get("dtstart").dt) + " " + str(h.icalendar_component.get("summary")) for h in hits)
out["july_first_week"] = sorted(str(h.icalendar_component.get("summary")) for h in cal.search(start=datetime.datetime(2026,7,1,tzinfo=UTC), end=datetime.datetime(2026,7,7,tzinfo=UTC), event=True))
out["september"] = len(cal.search(start=datetime.datetime(2026,9,1,tzinfo=UTC), end=datetime.datetime(2026,9,30,tzinfo=UTC), event=True))
out["todos"] = [str(t.icalendar_component.get("summary")) for t in cal.todos()]
first = cal.objects_by_sync_token(load_objects=False)
out["initial_sync"] = len(list(first))
tok = first.sync_token
ev = cal.event_by_uid(str(audit.icalendar_component["uid"]))
ev.icalendar_component["summary"] = "Audit meeting (moved)"
ev.save()
[e for e in cal.events() if str(e.icalendar_component.get("summary")) == "Weekly clinic"][0].delete()
changed = cal.objects_by_sync_token(sync_token=tok, load_objects=False)
out["changed"] = len(list(changed))
out["after_delete"] = sorted(str(e.icalendar_component.get("summary")) for e in cal.events())
print(json.dumps(out))
`;

describe('CalDAV with python3-caldav', () => {
  it('discovers, creates, searches by time range with expansion, keeps tasks and syncs changes', (t) => {
    const missing = peerProblem('/usr/bin/python3', 'python3-caldav', '/usr/bin/python3 -c "import caldav"');
    if (missing) return t.skip(missing);
    const r = spawnSync('/usr/bin/python3', ['-c', PY, srv.httpUrl, ANN, PW], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    assert.match(String(out.principal), /\/dav\/principals\/ann(@|%40)wardpost\.test\/$/);
    assert.deepEqual(out.calendars, ['Calendar'], 'every account has a default calendar');
    assert.deepEqual(out.expanded, ['2026-07-15 09:00:00+00:00 Weekly clinic'], 'the third instance of the weekly series, expanded');
    assert.deepEqual(out.july_first_week, ['Audit meeting', 'Weekly clinic']);
    assert.equal(out.september, 0, 'the series of six ended in August');
    assert.deepEqual(out.todos, ['Sign discharge letters']);
    assert.equal(out.initial_sync, 3);
    assert.equal(out.changed, 2, 'one change and one removal since the token');
    assert.deepEqual(out.after_delete, ['Audit meeting (moved)']);
  });
});

describe('CalDAV with litmus', () => {
  it('passes the WebDAV basic and props suites under a calendar home', (t) => {
    const missing = peerProblem('litmus', 'litmus');
    if (missing) return t.skip(missing);
    const r = spawnSync('litmus', [`${srv.httpUrl}/dav/calendars/lit@wardpost.test/`, 'lit@wardpost.test', PW], { encoding: 'utf8', timeout: 120_000, cwd: dir, env: { ...process.env, TESTS: 'basic props' } });
    const out = r.stdout + r.stderr;
    assert.equal(r.status, 0, out);
    assert.match(out, /summary for `basic': of 16 tests run: 16 passed, 0 failed/);
    assert.match(out, /summary for `props': of 30 tests run: 30 passed, 0 failed/);
  });
});

describe('CalDAV bad input', () => {
  const cal = () => `${srv.httpUrl}/dav/calendars/${ANN}/default/`;
  const count = async () => {
    const res = await fetch(cal(), { method: 'PROPFIND', headers: { ...basic(ANN), depth: '1', 'content-type': 'application/xml' }, body: '<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>' });
    return ((await res.text()).match(/<d:getetag>/g) ?? []).length;
  };

  it('refuses malformed iCalendar with valid-calendar-data and stores nothing', async () => {
    const before = await count();
    for (const body of ['BEGIN:VCALENDAR\r\nthis is not a content line\r\nEND:VCALENDAR\r\n', vevent('x1', '20260701T100000Z', '20260701T090000Z'), vevent('', '20260701T090000Z', '20260701T100000Z'), 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n']) {
      const res = await fetch(`${cal()}bad.ics`, { method: 'PUT', headers: { ...basic(ANN), 'content-type': 'text/calendar' }, body });
      assert.ok(res.status >= 400 && res.status < 500, `status ${res.status}`);
      const text = await res.text();
      assert.match(text, /<d:error [^>]*>.*<cal:(valid-calendar-data|valid-calendar-object-resource)\/>/s);
    }
    assert.equal((await fetch(`${cal()}bad.ics`, { headers: basic(ANN) })).status, 404);
    assert.equal(await count(), before);
  });

  it('refuses an XML bomb (DOCTYPE with entities) with 400 and answers the next request', async () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><d:propfind xmlns:d="DAV:"><d:prop><d:displayname>&lol3;</d:displayname></d:prop></d:propfind>`;
    const res = await fetch(cal(), { method: 'PROPFIND', headers: { ...basic(ANN), 'content-type': 'application/xml' }, body: bomb });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /<d:error .*DOCTYPE/s);
    const patch = await fetch(cal(), { method: 'PROPPATCH', headers: { ...basic(ANN), 'content-type': 'application/xml' }, body: bomb.replace('d:propfind', 'd:propertyupdate') });
    assert.equal(patch.status, 400);
    assert.ok(await count() >= 0, 'the server still answers');
  });

  it('refuses an unknown REPORT with DAV:supported-report', async () => {
    const res = await fetch(cal(), { method: 'REPORT', headers: { ...basic(ANN), 'content-type': 'application/xml' }, body: '<x:mystery-report xmlns:x="urn:example"/>' });
    assert.equal(res.status, 403);
    assert.match(await res.text(), /<d:supported-report\/>/);
  });

  it('refuses a PUT over the size limit (413, max-resource-size) and stores nothing', async () => {
    const big = vevent('big-1', '20260701T090000Z', '20260701T100000Z', [`DESCRIPTION:${'x'.repeat(300 * 1024)}`]);
    const res = await fetch(`${cal()}big.ics`, { method: 'PUT', headers: { ...basic(ANN), 'content-type': 'text/calendar' }, body: big });
    assert.equal(res.status, 413);
    assert.match(await res.text(), /<cal:max-resource-size\/>/);
    const huge = await fetch(`${cal()}huge.ics`, { method: 'PUT', headers: { ...basic(ANN), 'content-type': 'text/calendar' }, body: 'x'.repeat(3 * 1024 * 1024) });
    assert.equal(huge.status, 413);
    assert.match(await huge.text(), /max-resource-size/);
    assert.equal((await fetch(`${cal()}big.ics`, { headers: basic(ANN) })).status, 404);
  });

  it('keeps ETags honest: If-Match and If-None-Match give 412 without a change', async () => {
    const url = `${cal()}etag.ics`;
    const put1 = await fetch(url, { method: 'PUT', headers: { ...basic(ANN), 'content-type': 'text/calendar', 'if-none-match': '*' }, body: vevent('etag-1', '20260801T090000Z', '20260801T100000Z') });
    assert.equal(put1.status, 201);
    const etag = put1.headers.get('etag')!;
    const again = await fetch(url, { method: 'PUT', headers: { ...basic(ANN), 'content-type': 'text/calendar', 'if-none-match': '*' }, body: vevent('etag-1', '20260801T090000Z', '20260801T110000Z') });
    assert.equal(again.status, 412);
    const stale = await fetch(url, { method: 'PUT', headers: { ...basic(ANN), 'content-type': 'text/calendar', 'if-match': '"stale"' }, body: vevent('etag-1', '20260801T090000Z', '20260801T110000Z') });
    assert.equal(stale.status, 412);
    const get = await fetch(url, { headers: basic(ANN) });
    assert.equal(get.headers.get('etag'), etag);
    assert.match(await get.text(), /DTEND:20260801T100000Z/);
    const ok = await fetch(url, { method: 'PUT', headers: { ...basic(ANN), 'content-type': 'text/calendar', 'if-match': etag }, body: vevent('etag-1', '20260801T090000Z', '20260801T110000Z') });
    assert.equal(ok.status, 204);
    const dup = await fetch(`${cal()}other-name.ics`, { method: 'PUT', headers: { ...basic(ANN), 'content-type': 'text/calendar' }, body: vevent('etag-1', '20260801T090000Z', '20260801T110000Z') });
    assert.equal(dup.status, 409);
    assert.match(await dup.text(), /<cal:no-uid-conflict><d:href>etag.ics<\/d:href>/);
  });

  it('needs a sign-in and hides other homes', async () => {
    assert.equal((await fetch(cal(), { method: 'PROPFIND' })).status, 401);
    const other = await fetch(`${srv.httpUrl}/dav/calendars/lit@wardpost.test/default/`, { method: 'PROPFIND', headers: basic(ANN) });
    assert.equal(other.status, 404);
    const put = await fetch(`${srv.httpUrl}/dav/calendars/lit@wardpost.test/default/x.ics`, { method: 'PUT', headers: { ...basic(ANN), 'content-type': 'text/calendar' }, body: vevent('x', '20260801T090000Z', '20260801T100000Z') });
    assert.equal(put.status, 404);
  });
});
