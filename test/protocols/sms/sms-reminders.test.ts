/**
 * Appointment reminders end to end: appointments written over CalDAV (HTTP PUT/DELETE to the real
 * server), reminders scheduled, moved and cancelled with them, the server restarted in between
 * (nothing lost, nothing sent twice), the SMS sent to the SMSC simulator, and the patient's YES
 * or CANCEL written back to the event with the clinic told by mail.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, PASSWORD, startSmsFixture, type SmsFixture } from './sms-helpers.js';

const MIN = 60_000;
/** iCalendar times have whole seconds. */
const at = (ms: number) => Math.floor(ms / 1000) * 1000;

function ics(uid: string, start: number, opts: { mobile?: string; reminders?: string; status?: string; rrule?: string } = {}): string {
  const t = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Wardpost tests//EN',
    'BEGIN:VEVENT',
    `UID:${uid}`,
    `DTSTAMP:${t(Date.now())}`,
    `DTSTART:${t(start)}`,
    `DTEND:${t(start + 20 * MIN)}`,
    'SUMMARY:Diabetes review',
    'LOCATION:Riverside Surgery',
    ...(opts.rrule ? [`RRULE:${opts.rrule}`] : []),
    ...(opts.status ? [`STATUS:${opts.status}`] : []),
    `X-WARDPOST-PATIENT-MOBILE:${opts.mobile ?? '+447700900300'}`,
    `X-WARDPOST-REMINDER:${opts.reminders ?? 'PT2H,P2D'}`,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

describe('SMS appointment reminders (CalDAV -> SMPP simulator)', () => {
  let f: SmsFixture;
  let clinic: string;
  before(async () => {
    f = await startSmsFixture();
    clinic = await f.user('clinic.reminders');
  });
  after(async () => f.stop());

  const dav = async (method: 'PUT' | 'DELETE' | 'GET', name: string, body?: string) => {
    const res = await fetch(`${f.http}/dav/calendars/${clinic}/default/${name}`, {
      method,
      headers: { authorization: `Basic ${Buffer.from(`${clinic}:${PASSWORD}`).toString('base64')}`, ...(body ? { 'content-type': 'text/calendar; charset=utf-8' } : {}) },
      ...(body ? { body } : {}),
    });
    return { status: res.status, text: await res.text() };
  };
  const rows = (uid: string) => f.server.platform.store.sms.remindersOf(uid);
  const sentTo = (n: string) => f.sim.parts.filter((p) => p.to === n);
  const settle = () => f.server.platform.sms.reminders!.settled();

  it('creates, moves, survives restarts, sends once, and never twice', async () => {
    const start = at(Date.now() + 3 * 60 * MIN);
    assert.ok([201, 204].includes((await dav('PUT', 'a.ics', ics('appt-a', start))).status));
    await settle();
    let r = await eventually(async () => ((await rows('appt-a')).length ? rows('appt-a') : null), 5000, 'reminder rows');
    // P2D is already past for an appointment made 3 hours ahead: only the 2-hour reminder is kept.
    assert.deepEqual(r.map((x) => [x.offset_minutes, x.status, x.send_at]), [[120, 'pending', start - 120 * MIN]]);

    // Moved two hours later: the pending reminder moves with it.
    const moved = start + 2 * 60 * MIN;
    await dav('PUT', 'a.ics', ics('appt-a', moved));
    await settle();
    r = await eventually(async () => ((await rows('appt-a'))[0]!.send_at === moved - 120 * MIN ? rows('appt-a') : null), 5000, 'moved reminder');
    assert.equal(r.length, 1);

    await f.restart();
    r = await rows('appt-a');
    assert.deepEqual(r.map((x) => [x.status, x.send_at]), [['pending', moved - 120 * MIN]]);
    assert.equal(sentTo('+447700900300').length, 0);

    // Moved to start in just under two hours: the reminder is due and goes out.
    const soon = Date.now() + 119 * MIN;
    await dav('PUT', 'a.ics', ics('appt-a', soon));
    await settle();
    const part = await eventually(async () => sentTo('+447700900300')[0], 10_000, 'reminder SMS');
    assert.match(part.text, /^Reminder: your appointment at Riverside Surgery is on .+\. Reply YES to confirm or CANCEL to cancel/);
    r = await rows('appt-a');
    assert.equal(r[0]!.status, 'queued');
    assert.ok(r[0]!.sms_id);

    // A restart and a full re-read of the calendar: still exactly one SMS.
    await f.restart();
    await settle();
    await f.server.platform.sms.reminders!.resync(null);
    await new Promise((res) => setTimeout(res, 500));
    assert.equal(sentTo('+447700900300').length, 1);
    assert.equal((await rows('appt-a')).length, 1);
  });

  it('a YES reply confirms the appointment and tells the clinic', async () => {
    const sms = (await f.call('GET', '/api/v1/sms?limit=50', clinic)).body.items as { id: number; to: string; source: string }[];
    const reminder = sms.find((s) => s.to === '+447700900300' && s.source === 'reminder')!;
    await f.waitStatus(reminder.id, clinic, 'delivered');
    assert.equal(await f.sim.mo('+447700900300', 'Wardpost', 'Yes'), 0);
    const ev = await eventually(async () => {
      const g = await dav('GET', 'a.ics');
      return /X-WARDPOST-PATIENT-RESPONSE:CONFIRMED/.test(g.text) ? g.text : null;
    }, 10_000, 'confirmed event');
    assert.match(ev, /STATUS:CONFIRMED/);
    await eventually(async () => (await f.inbox(clinic)).find((m) => /Subject: Appointment confirmed by the patient/.test(m)), 10_000, 'clinic notice');
  });

  it('cancelling the appointment cancels its reminders', async () => {
    const start = Date.now() + 5 * 60 * MIN;
    await dav('PUT', 'b.ics', ics('appt-b', start, { mobile: '+447700900301', reminders: 'PT1H,PT3H' }));
    await settle();
    await eventually(async () => (await rows('appt-b')).length === 2, 5000, 'two reminders');
    await dav('PUT', 'b.ics', ics('appt-b', start, { mobile: '+447700900301', reminders: 'PT1H,PT3H', status: 'CANCELLED' }));
    await settle();
    await eventually(async () => (await rows('appt-b')).every((x) => x.status === 'cancelled'), 5000, 'cancelled reminders');

    await dav('PUT', 'c.ics', ics('appt-c', start, { mobile: '+447700900302', reminders: 'PT1H' }));
    await settle();
    await eventually(async () => (await rows('appt-c')).length === 1, 5000, 'reminder of c');
    assert.equal((await dav('DELETE', 'c.ics')).status, 204);
    await settle();
    await eventually(async () => (await rows('appt-c'))[0]!.status === 'cancelled', 5000, 'deleted -> cancelled');
    assert.equal(sentTo('+447700900301').length + sentTo('+447700900302').length, 0);
  });

  it('a CANCEL reply cancels the appointment (slot freed) and tells the clinic', async () => {
    await dav('PUT', 'd.ics', ics('appt-d', Date.now() + 59 * MIN, { mobile: '+447700900303', reminders: 'PT1H' }));
    await settle();
    await eventually(async () => sentTo('+447700900303')[0], 10_000, 'reminder of d');
    const sms = (await f.call('GET', '/api/v1/sms?limit=50', clinic)).body.items as { id: number; to: string }[];
    await f.waitStatus(sms.find((s) => s.to === '+447700900303')!.id, clinic, 'delivered');
    assert.equal(await f.sim.mo('+447700900303', 'Wardpost', 'CANCEL'), 0);
    await eventually(async () => /STATUS:CANCELLED/.test((await dav('GET', 'd.ics')).text), 10_000, 'cancelled event');
    const notice = await eventually(async () => (await f.inbox(clinic)).find((m) => /Subject: Appointment cancelled by the patient/.test(m)), 10_000, 'clinic notice');
    assert.ok(Buffer.from(notice.split('\r\n\r\n')[1]!.replace(/\s+/g, ''), 'base64').toString('utf8').includes('the slot is free again'));
  });
});
