/**
 * Scheduling through the real server (in-process, every port 0) with a loopback SMTP sink standing
 * in for another organisation's mail server: invitations to a local colleague (calendar, inbox and
 * mail), to an outside address (iMIP through the outbound queue), and to a room that books itself;
 * replies by CalDAV and by mail; updates and cancellations; a delegate answering for a consultant;
 * free/busy through the outbox; another organisation's user refused.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import nodemailer from 'nodemailer';
import { SYSTEM_ACTOR } from '../../../src/core/actor.js';
import type { Services } from '../../../src/core/services.js';
import { startSmtpFixture, type SmtpFixture } from '../smtp/helpers.js';
import { until } from '../../helpers/until.js';
import { PW, basic } from './caldav-helpers.js';

let fx: SmtpFixture;
let services: Services;
let http: string;
const CONS = 'cons@wardpost.test';
const NURSE = 'nurse@wardpost.test';
const SEC = 'sec@wardpost.test';
const ROOM = 'room1@wardpost.test';
const GP = 'gp@wardpost.test';
const EXT = 'partner@sink.test';

const event = (uid: string, start: string, end: string, organizer: string, attendees: string[], extra: string[] = []) =>
  [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z', `DTSTART:${start}`, `DTEND:${end}`, 'SUMMARY:MDT meeting',
    `ORGANIZER:mailto:${organizer}`, ...attendees.map((a) => `ATTENDEE;PARTSTAT=${a === organizer ? 'ACCEPTED' : 'NEEDS-ACTION'};RSVP=TRUE:mailto:${a}`), ...extra, 'END:VEVENT', 'END:VCALENDAR', '',
  ].join('\r\n');

const url = (owner: string, name: string, cal = 'default') => `${http}/dav/calendars/${owner}/${cal}/${name}`;
async function put(user: string, owner: string, name: string, body: string, pw = PW) {
  return fetch(url(owner, name), { method: 'PUT', headers: { ...basic(user, pw), 'content-type': 'text/calendar' }, body });
}
async function get(user: string, owner: string, name: string) {
  const r = await fetch(url(owner, name), { headers: basic(user) });
  return { status: r.status, text: await r.text() };
}
/** The iCalendar of the object with this UID in the owner's default calendar (read through CalDAV). */
async function byUid(owner: string, uid: string): Promise<string> {
  const body = `<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:calendar-data/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:prop-filter name="UID"><c:text-match collation="i;octet" match-type="equals">${uid}</c:text-match></c:prop-filter></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>`;
  const r = await fetch(`${http}/dav/calendars/${owner}/default/`, { method: 'REPORT', headers: { ...basic(owner), depth: '1', 'content-type': 'application/xml' }, body });
  assert.equal(r.status, 207);
  const xml = await r.text();
  return xml.replace(/&#13;|\r/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\n /g, '');
}
const partstat = (ics: string, who: string) => new RegExp(`ATTENDEE[^\\n]*PARTSTAT=([A-Z-]+)[^\\n]*:mailto:${who.replace('.', '\\.')}`, 'i').exec(ics)?.[1] ?? null;
/** Every iCalendar object the sink received with this METHOD and UID, oldest first. */
const sinkAll = (method: string, uid: string) =>
  fx.sink.messages.map((m) => m.raw.toString()).map((raw) => {
    const b64 = /Content-Type: text\/calendar[^\r\n]*\r\nContent-Transfer-Encoding: base64\r\n\r\n([A-Za-z0-9+/=\r\n]+?)\r\n--/.exec(raw)?.[1];
    return b64 ? Buffer.from(b64.replace(/\s/g, ''), 'base64').toString() : '';
  }).filter((ics) => ics.includes(`METHOD:${method}`) && ics.includes(`UID:${uid}`));
const sinkIcs = (method: string, uid: string) => sinkAll(method, uid)[0];

before(async () => {
  fx = await startSmtpFixture();
  services = fx.server.platform.services;
  http = fx.server.urls.webmail!.replace(/\/$/, '');
  await services.orgs.create({ slug: 'rxh', name: 'Royal Example Hospital' }, SYSTEM_ACTOR);
  await services.orgs.create({ slug: 'gp1', name: 'Example Surgery', kind: 'practice' }, SYSTEM_ACTOR);
  for (const [address, org, name] of [[CONS, 'rxh', 'Cora Consultant'], [NURSE, 'rxh', 'Nia Nurse'], [SEC, 'rxh', 'Sam Secretary'], [GP, 'gp1', 'Gus General']] as const) {
    await services.accounts.create({ address, orgSlug: org, name, password: PW }, SYSTEM_ACTOR);
  }
  await services.accounts.create({ address: ROOM, orgSlug: 'rxh', name: 'Seminar Room 1', password: null, kind: 'shared' }, SYSTEM_ACTOR);
  await services.calendar.service.setBooking(ROOM, 'auto');
});
after(async () => {
  await fx?.stop();
});

describe('CalDAV scheduling and iMIP', () => {
  it('invites a local colleague (calendar, inbox and mail), an outside address (iMIP by the queue) and a room that books itself', async () => {
    const res = await put(CONS, CONS, 'mdt.ics', event('mdt-1', '20260907T090000Z', '20260907T100000Z', CONS, [CONS, NURSE, EXT, ROOM]));
    assert.equal(res.status, 201);
    const nurseCopy = await byUid(NURSE, 'mdt-1');
    assert.equal(partstat(nurseCopy, NURSE), 'NEEDS-ACTION');
    const inbox = await fetch(`${http}/dav/calendars/${NURSE}/inbox/`, { method: 'PROPFIND', headers: { ...basic(NURSE), depth: '1' } });
    assert.equal(((await inbox.text()).match(/\.ics<\/d:href>/g) ?? []).length, 1, 'one scheduling message in the inbox');
    const mail = await fx.folder(NURSE);
    assert.equal(mail.length, 1);
    assert.equal(mail[0]!.subject, 'Invitation: MDT meeting');
    assert.match(mail[0]!.raw.toString(), /Content-Type: text\/calendar; charset=utf-8; method=REQUEST/);
    const ext = await until('the iMIP invitation at the sink', async () => sinkIcs('REQUEST', 'mdt-1'));
    assert.match(ext, /ORGANIZER[^\r\n]*mailto:cons@wardpost\.test/);
    assert.equal(fx.sink.messages[0]!.from, CONS);
    assert.deepEqual(fx.sink.messages[0]!.to, [EXT]);
    const mine = (await get(CONS, CONS, 'mdt.ics')).text;
    assert.equal(partstat(mine, ROOM), 'ACCEPTED', 'the free room accepted by itself');
    assert.equal(partstat(mine, NURSE), 'NEEDS-ACTION');
  });

  it('a second booking of the room at the same time is declined', async () => {
    await put(SEC, SEC, 'clash.ics', event('clash-1', '20260907T093000Z', '20260907T103000Z', SEC, [SEC, ROOM]));
    assert.equal(partstat((await get(SEC, SEC, 'clash.ics')).text, ROOM), 'DECLINED');
  });

  it('the local attendee accepts in their calendar program and the organiser sees it', async () => {
    const r = await fetch(`${http}/dav/calendars/${NURSE}/default/`, { method: 'PROPFIND', headers: { ...basic(NURSE), depth: '1' } });
    const href = /<d:href>([^<]*mdt-1[^<]*\.ics)<\/d:href>/.exec(await r.text())![1]!;
    const copy = await fetch(`${http}${href}`, { headers: basic(NURSE) });
    const accepted = (await copy.text()).replace(/PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:nurse@wardpost\.test/, 'PARTSTAT=ACCEPTED:mailto:nurse@wardpost.test');
    const save = await fetch(`${http}${href}`, { method: 'PUT', headers: { ...basic(NURSE), 'content-type': 'text/calendar', 'if-match': copy.headers.get('etag')! }, body: accepted });
    assert.equal(save.status, 204);
    assert.equal(partstat((await get(CONS, CONS, 'mdt.ics')).text, NURSE), 'ACCEPTED');
  });

  it('the outside attendee replies by mail (iMIP REPLY to the MX) and the organiser sees it; a forged reply is ignored', async () => {
    const reply = (from: string, attendee: string, ps: string) =>
      ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//partner//EN', 'METHOD:REPLY', 'BEGIN:VEVENT', 'UID:mdt-1', 'DTSTAMP:20260801T000000Z', 'DTSTART:20260907T090000Z', 'DTEND:20260907T100000Z', `ORGANIZER:mailto:${CONS}`, `ATTENDEE;PARTSTAT=${ps}:mailto:${attendee}`, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
    const mx = nodemailer.createTransport({ host: '127.0.0.1', port: fx.ports.smtp, secure: false, ignoreTLS: true });
    // Someone else claiming to answer for the partner: ignored.
    await mx.sendMail({ from: 'mallory@sink.test', to: CONS, subject: 'Accepted', text: 'yes', icalEvent: { method: 'REPLY', content: reply('mallory@sink.test', EXT, 'DECLINED') } });
    await until('the forged reply looked at', async () => (await fx.folder(CONS)).some((m) => m.subject === 'Accepted'));
    await services.calendar.imip.idle();
    assert.equal(partstat((await get(CONS, CONS, 'mdt.ics')).text, EXT), 'NEEDS-ACTION', 'a reply for someone else is not applied');
    // The partner's genuine reply, but put into the INBOX by an IMAP APPEND (a migration brings old
    // mail this way): not mail arriving, so not applied again.
    const cons = await services.accounts.show(CONS);
    const inbox = (await services.mailboxes.find(cons.id, null, 'INBOX'))!;
    const old = `From: ${EXT}\r\nTo: ${CONS}\r\nSubject: Declined: MDT meeting\r\nMIME-Version: 1.0\r\nContent-Type: text/calendar; method=REPLY; charset=utf-8\r\n\r\n${reply(EXT, EXT, 'DECLINED')}`;
    await services.messages.append(inbox, Readable.from([Buffer.from(old)]), {});
    await services.calendar.imip.idle();
    assert.equal(partstat((await get(CONS, CONS, 'mdt.ics')).text, EXT), 'NEEDS-ACTION', 'an appended reply is not applied');
    await mx.sendMail({ from: EXT, to: CONS, subject: 'Accepted: MDT meeting', text: 'I will be there', icalEvent: { method: 'REPLY', content: reply(EXT, EXT, 'TENTATIVE') } });
    const seen = await until('the mailed reply applied', async () => {
      await services.calendar.imip.idle();
      const t = (await get(CONS, CONS, 'mdt.ics')).text;
      return partstat(t, EXT) !== 'NEEDS-ACTION' && t;
    });
    assert.equal(partstat(seen, EXT), 'TENTATIVE');
    mx.close();
  });

  it('an update re-invites with the new time, keeping answers; removing an attendee and deleting send CANCEL', async () => {
    const cur = await fetch(url(CONS, 'mdt.ics'), { headers: basic(CONS) });
    const moved = (await cur.text()).replace('DTSTART:20260907T090000Z', 'DTSTART:20260907T110000Z').replace('DTEND:20260907T100000Z', 'DTEND:20260907T120000Z').replace(/SEQUENCE:\d+\r\n/, '').replace('SUMMARY:MDT meeting', 'SUMMARY:MDT meeting\r\nSEQUENCE:1');
    assert.equal((await put(CONS, CONS, 'mdt.ics', moved)).status, 204);
    const nurseCopy = await byUid(NURSE, 'mdt-1');
    assert.match(nurseCopy, /DTSTART:20260907T110000Z/);
    assert.equal(partstat(nurseCopy, NURSE), 'ACCEPTED', 'the answer already given is kept');
    const update = await until('the updated invitation at the sink', async () => sinkAll('REQUEST', 'mdt-1').find((ics) => ics.includes('SEQUENCE:1')));
    assert.match(update, /DTSTART:20260907T110000Z/);
    const withoutExt = (await (await fetch(url(CONS, 'mdt.ics'), { headers: basic(CONS) })).text()).replace(/ATTENDEE[^\r\n]*(\r\n [^\r\n]*)*partner@sink\.test\r\n/i, '');
    assert.doesNotMatch(withoutExt, /partner@sink\.test/);
    assert.equal((await put(CONS, CONS, 'mdt.ics', withoutExt)).status, 204);
    await until('the CANCEL for the removed partner', async () => sinkIcs('CANCEL', 'mdt-1'));
    assert.equal((await fetch(url(CONS, 'mdt.ics'), { method: 'DELETE', headers: basic(CONS) })).status, 204);
    assert.match(await byUid(NURSE, 'mdt-1'), /STATUS:CANCELLED/);
    assert.ok((await fx.folder(NURSE)).some((m) => m.subject === 'Cancelled: MDT meeting'));
  });

  it('a delegate answers invitations for the consultant (SENT-BY); without the grant, and from another organisation, refused', async () => {
    assert.equal((await put(GP, GP, 'referral.ics', event('ref-1', '20260910T140000Z', '20260910T143000Z', GP, [GP, CONS]))).status, 201);
    assert.equal(partstat(await byUid(CONS, 'ref-1'), CONS), 'NEEDS-ACTION', 'an invitation across organisations arrives');
    const r = await fetch(`${http}/dav/calendars/${CONS}/default/`, { method: 'PROPFIND', headers: { ...basic(CONS), depth: '1' } });
    const href = /<d:href>([^<]*ref-1[^<]*\.ics)<\/d:href>/.exec(await r.text())![1]!;
    const original = await (await fetch(`${http}${href}`, { headers: basic(CONS) })).text();
    const accept = original.replace(/PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:cons@wardpost\.test/, 'PARTSTAT=ACCEPTED:mailto:cons@wardpost.test');
    // No grant yet: the secretary cannot even see the calendar; the GP of another organisation neither.
    assert.equal((await fetch(`${http}${href}`, { method: 'PUT', headers: { ...basic(SEC), 'content-type': 'text/calendar' }, body: accept })).status, 404);
    assert.equal((await fetch(`${http}${href}`, { method: 'PUT', headers: { ...basic(GP), 'content-type': 'text/calendar' }, body: accept })).status, 404);
    await assert.rejects(services.calendar.scheduling.respond((await services.accounts.show(GP)), CONS, 'ref-1', 'ACCEPTED'), /no invitation/);
    // Read and write are not enough to speak for the consultant in a meeting.
    const cons = await services.accounts.show(CONS);
    await services.calendar.sharing.share(cons, { owner: CONS, calendar: 'default', grantee: SEC, rights: 'write' }, SYSTEM_ACTOR);
    const denied = await fetch(`${http}${href}`, { method: 'PUT', headers: { ...basic(SEC), 'content-type': 'text/calendar' }, body: accept });
    assert.equal(denied.status, 403);
    assert.match(await denied.text(), /need-privileges/);
    await services.calendar.sharing.share(cons, { owner: CONS, calendar: 'default', grantee: SEC, rights: 'delegate' }, SYSTEM_ACTOR);
    assert.equal((await fetch(`${http}${href}`, { method: 'PUT', headers: { ...basic(SEC), 'content-type': 'text/calendar' }, body: accept })).status, 204);
    const gpView = (await get(GP, GP, 'referral.ics')).text.replace(/\r\n /g, '');
    assert.equal(partstat(gpView, CONS), 'ACCEPTED');
    assert.match(gpView, /SENT-BY="mailto:sec@wardpost\.test"/i);
    await services.calendar.scheduling.respond(await services.accounts.show(SEC), CONS, 'ref-1', 'TENTATIVE');
    assert.equal(partstat((await get(GP, GP, 'referral.ics')).text.replace(/\r\n /g, ''), CONS), 'TENTATIVE');
  });

  it('answers free/busy through the outbox: busy blocks for a colleague, 3.8 for another organisation', async () => {
    await put(CONS, CONS, 'private.ics', event('priv-1', '20260911T090000Z', '20260911T100000Z', CONS, [], ['CLASS:PRIVATE']).replace('SUMMARY:MDT meeting', 'SUMMARY:Personal appointment'));
    const fb = (who: string) =>
      ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', 'METHOD:REQUEST', 'BEGIN:VFREEBUSY', 'UID:fb-1', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260911T000000Z', 'DTEND:20260912T000000Z', `ORGANIZER:mailto:${who}`, `ATTENDEE:mailto:${CONS}`, 'END:VFREEBUSY', 'END:VCALENDAR', ''].join('\r\n');
    const ask = async (who: string) => {
      const r = await fetch(`${http}/dav/calendars/${who}/outbox/`, { method: 'POST', headers: { ...basic(who), 'content-type': 'text/calendar' }, body: fb(who) });
      assert.equal(r.status, 200);
      return (await r.text()).replace(/&#13;|\r/g, '');
    };
    const nurse = await ask(NURSE);
    assert.match(nurse, /2\.0;Success/);
    assert.match(nurse, /FREEBUSY;FBTYPE=BUSY:20260911T090000Z\/20260911T100000Z/);
    assert.doesNotMatch(nurse, /Personal appointment/);
    assert.match(await ask(GP), /3\.8;No authority/);
  });
});

describe('calendar JSON API (/api/v1/calendar)', () => {
  const api = (user: string, p: string, init: RequestInit = {}) => fetch(`${http}/api/v1/calendar${p}`, { ...init, headers: { ...basic(user), 'content-type': 'application/json', ...(init.headers ?? {}) } });

  it('answers free/busy with the same privacy as the outbox, and refuses bad windows with 400', async () => {
    const r = await api(NURSE, `/freebusy?attendees=${CONS},${GP},nobody@else.example&start=2026-09-11T00:00:00Z&end=2026-09-12T00:00:00Z`);
    assert.equal(r.status, 200);
    const body = (await r.json()) as { attendees: { address: string; status: string; busy: { start: string; end: string; summary?: string }[] }[] };
    assert.deepEqual(body.attendees.map((a) => a.status), ['ok', 'forbidden', 'unknown']);
    assert.deepEqual(body.attendees[0]!.busy, [{ start: '2026-09-11T09:00:00.000Z', end: '2026-09-11T10:00:00.000Z', type: 'BUSY' }]);
    assert.equal((await api(NURSE, `/freebusy?attendees=${CONS}&start=2026-09-12T00:00:00Z&end=2026-09-11T00:00:00Z`)).status, 400);
    assert.equal((await api(NURSE, `/freebusy?attendees=${CONS}&start=yesterday&end=2026-09-11T00:00:00Z`)).status, 400);
    assert.equal((await fetch(`${http}/api/v1/calendar/freebusy?attendees=${CONS}&start=2026-09-11T00:00:00Z&end=2026-09-12T00:00:00Z`)).status, 401);
  });

  it('lists shared calendars, gives an agenda window with recurrence expanded, and answers as a delegate', async () => {
    const list = (await (await api(SEC, '/calendars')).json()) as { calendars: { owner: string; rights: string }[] };
    assert.ok(list.calendars.some((c) => c.owner === CONS && c.rights.includes('p')));
    await put(CONS, CONS, 'rota.ics', event('rota-1', '20260914T080000Z', '20260914T083000Z', CONS, [], ['RRULE:FREQ=DAILY;COUNT=5']).replace('SUMMARY:MDT meeting', 'SUMMARY:Handover'));
    const ag = (await (await api(SEC, `/calendars/${CONS}/default/agenda?start=2026-09-15T00:00:00Z&end=2026-09-17T00:00:00Z`)).json()) as { items: { summary: string; start: string }[] };
    assert.deepEqual(ag.items.map((i) => `${i.start} ${i.summary}`), ['2026-09-15T08:00:00.000Z Handover', '2026-09-16T08:00:00.000Z Handover']);
    assert.equal((await api(GP, `/calendars/${CONS}/default/agenda?start=2026-09-15T00:00:00Z&end=2026-09-17T00:00:00Z`)).status, 404);
    const answer = await api(SEC, '/invitations/ref-1/respond', { method: 'POST', body: JSON.stringify({ owner: CONS, partstat: 'DECLINED' }) });
    assert.equal(answer.status, 200, await answer.clone().text());
    assert.equal(partstat((await get(GP, GP, 'referral.ics')).text.replace(/\r\n /g, ''), CONS), 'DECLINED');
    const refused = await api(GP, '/invitations/ref-1/respond', { method: 'POST', body: JSON.stringify({ owner: CONS, partstat: 'ACCEPTED' }) });
    assert.equal(refused.status, 404);
    assert.equal((await api(SEC, '/invitations/ref-1/respond', { method: 'POST', body: JSON.stringify({ owner: CONS, partstat: 'MAYBE' }) })).status, 400);
  });

  it('the web calendar JSON API saves through the same scheduling: invitations out, stale edits refused, delete cancels', async () => {
    const api = (method: string, path: string, body?: unknown) =>
      fetch(`${http}/api/v1/calendar/calendars/${CONS}/default/events/${path}`, { method, headers: { ...basic(CONS), ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));
    const meeting = { title: 'Audit review', start: '2026-09-10T13:00:00Z', end: '2026-09-10T14:00:00Z', attendees: [NURSE, EXT], repeat: { freq: 'WEEKLY', byDay: ['TH'], count: 3 } };
    const made = await api('PUT', 'audit-review.ics', meeting);
    assert.equal(made.status, 200, JSON.stringify(made.body));
    assert.equal(made.body.organizer, CONS);
    assert.deepEqual(made.body.repeat, { freq: 'WEEKLY', interval: 1, byDay: ['TH'], count: 3, until: null });
    const uid = made.body.uid as string;
    assert.equal(partstat(await byUid(NURSE, uid), NURSE), 'NEEDS-ACTION', 'the local invitee has it');
    assert.match(await until('the iMIP invitation at the sink', async () => sinkIcs('REQUEST', uid)), /SUMMARY:Audit review/);
    // The nurse accepts; a change by the organiser keeps that answer and raises SEQUENCE.
    await services.calendar.scheduling.respond((await services.accounts.show(NURSE)) as never, NURSE, uid, 'ACCEPTED');
    const changed = await api('PUT', 'audit-review.ics', { ...meeting, title: 'Audit review (moved)', start: '2026-09-10T15:00:00Z', end: '2026-09-10T16:00:00Z', ifMatch: (await api('GET', 'audit-review.ics')).body.etag });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    const mine = (await get(CONS, CONS, 'audit-review.ics')).text;
    assert.equal(partstat(mine, NURSE), 'ACCEPTED');
    assert.match(mine, /SEQUENCE:1/);
    // Bad input names the field; an edit of a stale copy is refused; nothing changes.
    const bad = await api('PUT', 'audit-review.ics', { ...meeting, end: '2026-09-10T12:00:00Z', ifMatch: changed.body.etag });
    assert.deepEqual([bad.status, bad.body.field], [400, 'end']);
    assert.equal((await api('PUT', 'audit-review.ics', { ...meeting, ifMatch: made.body.etag })).status, 409, 'someone changed it meanwhile');
    assert.equal((await api('GET', 'audit-review.ics')).body.title, 'Audit review (moved)');
    // Delete: the outside attendee is told it is cancelled.
    assert.equal((await api('DELETE', 'audit-review.ics')).status, 200);
    await until('the iMIP cancellation at the sink', async () => sinkIcs('CANCEL', uid));
    assert.equal((await api('GET', 'audit-review.ics')).status, 404);
  });

  it('a private entry saved from the web calendar reaches a colleague with read access as "Private" only, through JSON and CalDAV; a delegate sees it whole', async () => {
    const events = (who: string, path: string, init: RequestInit = {}) =>
      fetch(`${http}/api/v1/calendar/calendars/${CONS}/default/events/${path}`, { ...init, headers: { ...basic(who), ...(init.body ? { 'content-type': 'application/json' } : {}) } });
    const consultant = await services.accounts.show(CONS);
    await services.calendar.sharing.share(consultant, { owner: CONS, calendar: 'default', grantee: NURSE, rights: 'read' }, SYSTEM_ACTOR);
    const saved = await events(CONS, 'gp-visit.ics', { method: 'PUT', body: JSON.stringify({ title: 'My GP appointment', start: '2026-09-21T08:00:00Z', end: '2026-09-21T08:30:00Z', location: 'Riverside Surgery', private: true }) });
    assert.equal(saved.status, 200, await saved.clone().text());
    assert.equal(((await saved.json()) as { private: boolean }).private, true);
    const seen = (await (await events(NURSE, 'gp-visit.ics')).json()) as { title: string; location: string | null; private: boolean; start: string };
    assert.deepEqual([seen.title, seen.location, seen.private, seen.start], ['Private', null, true, '2026-09-21T08:00:00.000Z']);
    const dav = await get(NURSE, CONS, 'gp-visit.ics');
    assert.match(dav.text, /SUMMARY:Private/);
    assert.doesNotMatch(dav.text, /GP appointment|Riverside/);
    const edit = await events(NURSE, 'gp-visit.ics', { method: 'PUT', body: JSON.stringify({ title: 'Taken', start: '2026-09-21T08:00:00Z', end: '2026-09-21T08:30:00Z' }) });
    assert.equal(edit.status, 403, 'read access does not write, and this entry is private anyway');
    assert.equal(((await (await events(SEC, 'gp-visit.ics')).json()) as { title: string }).title, 'My GP appointment', 'the delegate sees it whole');
    const publicAgain = await events(CONS, 'gp-visit.ics', { method: 'PUT', body: JSON.stringify({ title: 'My GP appointment', start: '2026-09-21T08:00:00Z', end: '2026-09-21T08:30:00Z', private: false }) });
    assert.equal(publicAgain.status, 200);
    assert.equal(((await (await events(NURSE, 'gp-visit.ics')).json()) as { title: string }).title, 'My GP appointment');
  });
});
