/** The calendar domain on both store engines: objects, recurrence and zones, sync, sharing, free/busy, appointments. */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Account } from '../../../src/core/accounts/account-service.js';
import { parseCalendar } from '../../../src/core/calendar/ical.js';
import { instances } from '../../../src/core/calendar/recurrence.js';
import type { DomainEvent } from '../../../src/core/events/bus.js';
import { isWardpostError } from '../../../src/core/errors.js';
import type { Services } from '../../../src/core/services.js';
import type { Store } from '../../../src/store/types.js';
import { forEachEngine } from '../../helpers/engines.js';
import { ACTOR, GOOD_PASSWORD, servicesFor } from '../../helpers/platform.js';

const ics = (lines: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');
const ev = (uid: string, props: string[]) => ics(['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', ...props, 'END:VEVENT']);
const Z = (s: string) => Date.parse(s);

it('expands a London weekly series with EXDATE and a moved instance, across the clock change', () => {
  const p = parseCalendar(
    ics([
      'BEGIN:VEVENT', 'UID:s1', 'DTSTAMP:20260101T000000Z', 'DTSTART;TZID=Europe/London:20260316T090000', 'DTEND;TZID=Europe/London:20260316T100000',
      'RRULE:FREQ=WEEKLY;COUNT=5', 'EXDATE;TZID=Europe/London:20260323T090000', 'SUMMARY:Clinic', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:s1', 'DTSTAMP:20260101T000000Z', 'RECURRENCE-ID;TZID=Europe/London:20260406T090000', 'DTSTART;TZID=Europe/London:20260406T140000', 'DTEND;TZID=Europe/London:20260406T150000', 'SUMMARY:Clinic (afternoon)', 'END:VEVENT',
    ]),
  );
  const list = instances(p, Z('2026-01-01T00:00:00Z'), Z('2027-01-01T00:00:00Z'));
  assert.deepEqual(
    list.map((i) => [new Date(i.start).toISOString(), String(i.component.getFirstPropertyValue('summary'))]),
    [
      ['2026-03-16T09:00:00.000Z', 'Clinic'], // GMT
      ['2026-03-30T08:00:00.000Z', 'Clinic'], // BST from 29 March: 09:00 local is 08:00Z
      ['2026-04-06T13:00:00.000Z', 'Clinic (afternoon)'],
      ['2026-04-13T08:00:00.000Z', 'Clinic'],
    ],
  );
  assert.equal(p.firstStart, Z('2026-03-16T09:00:00Z'));
  assert.equal(p.lastEnd, Z('2026-04-13T09:00:00Z'));
  const endless = parseCalendar(ev('s2', ['DTSTART:20260101T090000Z', 'DTEND:20260101T100000Z', 'RRULE:FREQ=DAILY']));
  assert.equal(endless.lastEnd, null, 'an endless series has no last end');
  assert.equal(instances(endless, Z('2030-05-01T00:00:00Z'), Z('2030-05-03T00:00:00Z')).length, 2);
});

it('reads a zone from the object\'s own VTIMEZONE when the TZID is not an IANA name', () => {
  const p = parseCalendar(
    ics([
      'BEGIN:VTIMEZONE', 'TZID:Clinic Standard Time', 'BEGIN:STANDARD', 'DTSTART:19700101T000000', 'TZOFFSETFROM:+0300', 'TZOFFSETTO:+0300', 'END:STANDARD', 'END:VTIMEZONE',
      'BEGIN:VEVENT', 'UID:tz1', 'DTSTAMP:20260101T000000Z', 'DTSTART;TZID=Clinic Standard Time:20260701T090000', 'DURATION:PT30M', 'END:VEVENT',
    ]),
  );
  assert.equal(p.firstStart, Z('2026-07-01T06:00:00Z'));
  assert.equal(p.lastEnd, Z('2026-07-01T06:30:00Z'));
});

it('refuses what is not a valid calendar object resource', () => {
  const bad = [
    'not a calendar',
    ics([]),
    ev('a', ['DTEND:20260101T100000Z']),
    ev('a', ['DTSTART:20260101T100000Z', 'DTEND:20260101T090000Z']),
    ev('a', ['DTSTART:20260101T090000Z', 'DTEND:20260101T100000Z', 'DURATION:PT1H']),
    ev('a', ['DTSTART:20260101T090000Z', 'RRULE:COUNT=3']),
    ics(['METHOD:REQUEST', 'BEGIN:VEVENT', 'UID:m', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260101T090000Z', 'END:VEVENT']),
    ics(['BEGIN:VEVENT', 'UID:a', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260101T090000Z', 'END:VEVENT', 'BEGIN:VEVENT', 'UID:b', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260101T090000Z', 'END:VEVENT']),
    ics(['BEGIN:VEVENT', 'UID:a', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260101T090000Z', 'END:VEVENT', 'BEGIN:VTODO', 'UID:a', 'DTSTAMP:20260101T000000Z', 'END:VTODO']),
  ];
  for (const text of bad) assert.throws(() => parseCalendar(text), (e) => isWardpostError(e, 'invalid_input'), text.slice(0, 60));
});

forEachEngine('calendar domain', (engine) => {
  let store: Store;
  let services: Services;
  let events: DomainEvent[];
  const acct: Record<string, Account> = {};

  before(async () => {
    store = await engine.open();
    ({ services, events } = servicesFor(store));
    await services.orgs.create({ slug: 'rxh', name: 'Royal Example Hospital' }, ACTOR);
    await services.orgs.create({ slug: 'gp1', name: 'Example Surgery', kind: 'practice' }, ACTOR);
    for (const [addr, org, name] of [
      ['cons@wardpost.test', 'rxh', 'Cora Consultant'],
      ['sec@wardpost.test', 'rxh', 'Sam Secretary'],
      ['gp@wardpost.test', 'gp1', 'Gus General'],
    ] as const) {
      acct[addr] = await services.accounts.create({ address: addr, orgSlug: org, name, password: GOOD_PASSWORD }, ACTOR);
    }
  });
  after(async () => {
    await store.close();
    await engine.cleanup();
  });

  const cal = () => services.calendar.service;

  it('gives every account a default calendar and an inbox', async () => {
    const home = await cal().home(acct['cons@wardpost.test']!, 'cons@wardpost.test');
    assert.deepEqual(home.map((r) => [r.row.path, r.row.kind]), [['default', 'calendar'], ['inbox', 'inbox']]);
  });

  it('writes with preconditions, keeps one UID per calendar, and logs changes for sync', async () => {
    const me = acct['cons@wardpost.test']!;
    const ref = await cal().open(me, me.address, 'default');
    const seq0 = Number(ref.row.sync_seq);
    const a = await cal().put(me, ref, 'a.ics', ev('uid-a', ['DTSTART:20260701T090000Z', 'DTEND:20260701T100000Z', 'SUMMARY:A']));
    assert.equal(a.created, true);
    await assert.rejects(cal().put(me, ref, 'a.ics', ev('uid-a', ['DTSTART:20260701T090000Z']), { ifMatch: '"nope"' }), (e) => isWardpostError(e, 'conflict') && e.detail.status === 412);
    await assert.rejects(cal().put(me, ref, 'b.ics', ev('uid-a', ['DTSTART:20260701T090000Z'])), (e) => isWardpostError(e) && e.detail.dav === 'no-uid-conflict');
    await cal().put(me, ref, 'b.ics', ev('uid-b', ['DTSTART:20260702T090000Z', 'SUMMARY:B']));
    await cal().put(me, ref, 'a.ics', ev('uid-a', ['DTSTART:20260701T090000Z', 'DTEND:20260701T110000Z', 'SUMMARY:A2']), { ifMatch: a.etag });
    await cal().delete(me, ref, 'b.ics');
    const changes = await cal().changesSince(ref, seq0);
    assert.deepEqual(changes.map((c) => [c.name, c.deleted]).sort(), [['a.ics', false], ['b.ics', true]]);
    const fresh = await cal().open(me, me.address, 'default');
    assert.deepEqual(await cal().changesSince(fresh, Number(fresh.row.sync_seq)), []);
    const span = await cal().objectsOverlapping(fresh, Z('2026-07-01T10:30:00Z'), Z('2026-07-01T12:00:00Z'));
    assert.deepEqual(span.map((o) => o.name), ['a.ics']);
    assert.ok(events.some((e) => e.type === 'calendar.event.changed' && e.change === 'deleted' && e.objectName === 'b.ics'));
  });

  it('shares with the folder grant model: free/busy, read, write; other organisations see nothing unasked', async () => {
    const me = acct['cons@wardpost.test']!;
    const sec = acct['sec@wardpost.test']!;
    const gp = acct['gp@wardpost.test']!;
    await assert.rejects(cal().open(gp, me.address, 'default'), (e) => isWardpostError(e, 'not_found'));
    await services.calendar.sharing.share(me, { owner: me.address, calendar: 'default', grantee: sec.address, rights: 'freebusy' }, ACTOR);
    const fbOnly = await cal().open(sec, me.address, 'default');
    await assert.rejects(cal().listObjects(fbOnly), (e) => isWardpostError(e, 'forbidden'));
    await services.calendar.sharing.share(me, { owner: me.address, calendar: 'default', grantee: sec.address, rights: 'delegate' }, ACTOR);
    const deleg = await cal().open(sec, me.address, 'default');
    assert.equal(deleg.rights, 'lrswipte');
    await cal().put(sec, deleg, 'by-sec.ics', ev('uid-sec', ['DTSTART:20260703T090000Z', 'DTEND:20260703T093000Z', 'SUMMARY:Booked by Sam']));
    assert.equal((await cal().listObjects(deleg)).length, 2);
    await assert.rejects(services.calendar.sharing.share(sec, { owner: me.address, calendar: 'default', grantee: gp.address, rights: 'read' }, ACTOR), (e) => isWardpostError(e, 'forbidden'));
    assert.deepEqual(await services.calendar.sharing.grants(me, me.address, 'default'), [{ grantee: sec.address, rights: 'lrswipte' }]);
    const audit = await store.audit.list({ limit: 20 });
    assert.ok(audit.some((a) => a.action === 'sharing.calendar.grant' && a.target === 'cons@wardpost.test/default'));
  });

  it('answers free/busy with busy blocks only, details only with read rights, and refuses other organisations', async () => {
    const me = acct['cons@wardpost.test']!;
    const sec = acct['sec@wardpost.test']!;
    const gp = acct['gp@wardpost.test']!;
    const ref = await cal().open(me, me.address, 'default');
    await cal().put(me, ref, 'free.ics', ev('uid-free', ['DTSTART:20260701T130000Z', 'DTEND:20260701T140000Z', 'TRANSP:TRANSPARENT', 'SUMMARY:Reading']));
    await cal().put(me, ref, 'declined.ics', ev('uid-dec', ['DTSTART:20260701T150000Z', 'DTEND:20260701T160000Z', 'ORGANIZER:mailto:x@example.org', 'ATTENDEE;PARTSTAT=DECLINED:mailto:cons@wardpost.test']));
    await cal().put(me, ref, 'tent.ics', ev('uid-tent', ['DTSTART:20260701T160000Z', 'DTEND:20260701T170000Z', 'ORGANIZER:mailto:x@example.org', 'ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:cons@wardpost.test']));
    const range = [Z('2026-07-01T00:00:00Z'), Z('2026-07-02T00:00:00Z')] as const;
    const [forSec] = await services.calendar.freeBusy.lookup(sec, [me.address], ...range);
    assert.equal(forSec!.status, 'ok');
    assert.deepEqual(forSec!.busy.map((b) => [new Date(b.start).toISOString().slice(11, 16), b.type, b.summary]), [['09:00', 'BUSY', 'A2'], ['16:00', 'BUSY-TENTATIVE', '']]);
    await services.calendar.sharing.share(me, { owner: me.address, calendar: 'default', grantee: sec.address, rights: 'freebusy' }, ACTOR);
    const [blocks] = await services.calendar.freeBusy.lookup(sec, [me.address], ...range);
    assert.deepEqual(blocks!.busy.map((b) => Object.keys(b).sort().join()), ['end,start,type', 'end,start,type'], 'no summary without read rights');
    const [refused, unknown] = await services.calendar.freeBusy.lookup(gp, [me.address, 'nobody@example.org'], ...range);
    assert.equal(refused!.status, 'forbidden');
    assert.deepEqual(refused!.busy, []);
    assert.equal(unknown!.status, 'unknown');
  });

  it('shows a private entry redacted to readers (times kept, details gone, every read path), in full to delegates, and refuses changes by non-delegates', async () => {
    const owner = await services.accounts.create({ address: 'priv.owner@wardpost.test', orgSlug: 'rxh', name: 'Pat Owner', password: GOOD_PASSWORD }, ACTOR);
    const reader = await services.accounts.create({ address: 'priv.reader@wardpost.test', orgSlug: 'rxh', name: 'Rita Reader', password: GOOD_PASSWORD }, ACTOR);
    const deleg = await services.accounts.create({ address: 'priv.deleg@wardpost.test', orgSlug: 'rxh', name: 'Del Egate', password: GOOD_PASSWORD }, ACTOR);
    const mine = await cal().open(owner, owner.address, 'default');
    const secret = ev('uid-private', ['DTSTART:20260801T090000Z', 'DTEND:20260801T100000Z', 'RRULE:FREQ=DAILY;COUNT=2', 'CLASS:PRIVATE', 'SUMMARY:Oncology follow-up', 'LOCATION:Ward 7', 'DESCRIPTION:bring scan results', 'ORGANIZER:mailto:clinic@example.org', 'ATTENDEE:mailto:priv.owner@wardpost.test', 'X-WARDPOST-PATIENT-MOBILE:+447700900999', 'BEGIN:VALARM', 'ACTION:DISPLAY', 'DESCRIPTION:Oncology', 'TRIGGER:-PT15M', 'END:VALARM']);
    await cal().put(owner, mine, 'private.ics', secret);
    await cal().put(owner, mine, 'public.ics', ev('uid-public', ['DTSTART:20260801T140000Z', 'DTEND:20260801T150000Z', 'SUMMARY:Team meeting']));
    await services.calendar.sharing.share(owner, { owner: owner.address, calendar: 'default', grantee: reader.address, rights: 'write' }, ACTOR);
    await services.calendar.sharing.share(owner, { owner: owner.address, calendar: 'default', grantee: deleg.address, rights: 'delegate' }, ACTOR);

    const asReader = await cal().open(reader, owner.address, 'default');
    const reads = [
      await cal().getObject(asReader, 'private.ics'),
      (await cal().findObject(asReader, 'private.ics'))!,
      (await cal().listObjects(asReader)).find((o) => o.name === 'private.ics')!,
      (await cal().objectsOverlapping(asReader, Z('2026-08-01T00:00:00Z'), Z('2026-08-03T00:00:00Z'))).find((o) => o.name === 'private.ics')!,
    ];
    for (const o of reads) {
      for (const leak of ['Oncology', 'Ward 7', 'scan results', 'clinic@example.org', 'ATTENDEE', 'VALARM', '7700900999']) assert.ok(!o.data.includes(leak), `${leak} leaked: ${o.data}`);
      assert.equal(o.patient_mobile, null);
      const parsed = parseCalendar(o.data);
      assert.equal(parsed.master!.getFirstPropertyValue('summary'), 'Private');
      assert.deepEqual(instances(parsed, Z('2026-08-01T00:00:00Z'), Z('2026-08-03T00:00:00Z'), 10).map((i) => new Date(i.start).toISOString()), ['2026-08-01T09:00:00.000Z', '2026-08-02T09:00:00.000Z']);
    }
    assert.match((await cal().getObject(asReader, 'public.ics')).data, /SUMMARY:Team meeting/, 'other entries are untouched');
    const [fb] = await services.calendar.freeBusy.lookup(reader, [owner.address], Z('2026-08-01T00:00:00Z'), Z('2026-08-02T00:00:00Z'));
    assert.deepEqual(fb!.busy.map((b) => b.summary), ['Private', 'Team meeting']);
    // Writing over (or deleting, or moving) what one sees redacted would destroy the details unseen.
    await assert.rejects(cal().put(reader, asReader, 'private.ics', ev('uid-private', ['DTSTART:20260801T090000Z', 'SUMMARY:Mine now'])), (e) => isWardpostError(e, 'forbidden') && /private entry/.test(e.message));
    await assert.rejects(cal().delete(reader, asReader, 'private.ics'), (e) => isWardpostError(e, 'forbidden'));
    await assert.rejects(cal().move(reader, asReader, 'private.ics', asReader, 'moved.ics', false), (e) => isWardpostError(e, 'forbidden'));
    assert.equal((await cal().getObject(mine, 'private.ics')).data, secret, 'the stored entry is unchanged');

    const asDeleg = await cal().open(deleg, owner.address, 'default');
    assert.equal((await cal().getObject(asDeleg, 'private.ics')).data, secret, 'a delegate sees it whole');
    const [fbDeleg] = await services.calendar.freeBusy.lookup(deleg, [owner.address], Z('2026-08-01T00:00:00Z'), Z('2026-08-02T00:00:00Z'));
    assert.equal(fbDeleg!.busy[0]!.summary, 'Oncology follow-up');
  });

  it('lists appointments with patient mobile numbers and reminder policies for SMS, one per instance', async () => {
    const me = acct['cons@wardpost.test']!;
    const ref = await cal().open(me, me.address, 'default');
    await cal().put(me, ref, 'appt.ics', ev('uid-appt', ['DTSTART;TZID=Europe/London:20261005T100000', 'DURATION:PT20M', 'RRULE:FREQ=WEEKLY;COUNT=2', 'SUMMARY:Physio review', 'LOCATION:Clinic 3', 'X-WARDPOST-PATIENT-MOBILE:+44 7700 900123', 'X-WARDPOST-REMINDER:P1D,PT2H']));
    await cal().put(me, ref, 'appt2.ics', ev('uid-appt2', ['DTSTART:20261006T100000Z', 'DTEND:20261006T103000Z', 'SUMMARY:Bloods', 'X-WARDPOST-PATIENT-MOBILE:+447700900456', 'X-WARDPOST-REMINDER:none']));
    const list = await services.calendar.appointmentsWithReminders({ from: Z('2026-10-01T00:00:00Z'), to: Z('2026-11-01T00:00:00Z') });
    assert.deepEqual(
      list.map((a) => [new Date(a.start).toISOString(), a.patientMobile, a.reminders.join(' '), a.summary, a.accountId]),
      [
        ['2026-10-05T09:00:00.000Z', '+447700900123', 'P1D PT2H', 'Physio review', me.id],
        ['2026-10-06T10:00:00.000Z', '+447700900456', '', 'Bloods', me.id],
        ['2026-10-12T09:00:00.000Z', '+447700900123', 'P1D PT2H', 'Physio review', me.id],
      ],
    );
    assert.ok(events.some((e) => e.type === 'calendar.event.changed' && e.objectName === 'appt.ics' && e.appointment));
  });
});
