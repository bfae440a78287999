/**
 * SMS end to end: the real server bound over SMPP to the SMSC simulator on loopback, driven
 * through the REST API (fetch) and mail submission (swaks): single, concatenated and Unicode
 * messages, receipts, replies as threaded mail, STOP/START, SMSC errors, throttling, reconnect
 * after the SMSC dies, an organisation over its cap, and a server with no SMSC configured.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import nodemailer from 'nodemailer';
import { SYSTEM_ACTOR } from '../../../src/core/actor.js';
import { startQuietServer } from '../../helpers/server.js';
import { peerMissing, swaks } from '../smtp/helpers.js';
import { eventually, startSmsFixture, PASSWORD, type SmsFixture } from './sms-helpers.js';

const missingSwaks = peerMissing('swaks', 'swaks');

describe('SMS over SMPP (simulator)', () => {
  let f: SmsFixture;
  let jane: string;
  before(async () => {
    f = await startSmsFixture();
    jane = await f.user('jane.sms');
  });
  after(async () => f.stop());

  it('previews encoding and parts before sending', async () => {
    const gsm = await f.call('POST', '/api/v1/sms/preview', jane, { body: 'Your appointment is at 10:30 {Room 4}' });
    assert.equal(gsm.status, 200);
    assert.deepEqual({ encoding: gsm.body.encoding, parts: gsm.body.parts, units: gsm.body.units }, { encoding: 'gsm7', parts: 1, units: 39 });
    const long = await f.call('POST', '/api/v1/sms/preview', jane, { body: 'x'.repeat(161) });
    assert.deepEqual({ encoding: long.body.encoding, parts: long.body.parts, remaining: long.body.remaining }, { encoding: 'gsm7', parts: 2, remaining: 145 });
    const uni = await f.call('POST', '/api/v1/sms/preview', jane, { body: 'Zażółć gęślą jaźń' });
    assert.equal(uni.body.encoding, 'ucs2');
    assert.deepEqual(uni.body.nonGsm, ['ż', 'ó', 'ł', 'ć', 'ę', 'ś', 'ą', 'ź', 'ń']);
  });

  it('sends a single GSM message and follows its receipt to delivered', async () => {
    const r = await f.call('POST', '/api/v1/sms', jane, { to: '07700 900123', body: 'Clinic moved to Ward 7 @ 2pm' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.to, '+447700900123');
    assert.equal(r.body.status, 'queued');
    const done = await f.waitStatus(r.body.id as number, jane, 'delivered');
    assert.ok(done.sentAt);
    const p = f.sim.parts.filter((x) => x.to === '+447700900123');
    assert.equal(p.length, 1);
    assert.deepEqual({ to: p[0]!.to, from: p[0]!.from, text: p[0]!.text, dc: p[0]!.dataCoding, concat: p[0]!.concat }, { to: '+447700900123', from: 'Wardpost', text: 'Clinic moved to Ward 7 @ 2pm', dc: 0, concat: null });
  });

  it('splits a long message into concatenated parts with one reference', async () => {
    const body = Array.from({ length: 40 }, (_, i) => `line ${i} [ok]`).join(' ');
    const r = await f.call('POST', '/api/v1/sms', jane, { to: '+447700900124', body });
    // 40 items: 10 of 13 septets and 30 of 14 ([ and ] take two each), 39 spaces: 589 septets, 4 parts of 153.
    assert.equal(r.body.parts, 4);
    await f.waitStatus(r.body.id as number, jane, 'delivered');
    const p = f.sim.parts.filter((x) => x.to === '+447700900124');
    assert.equal(p.length, 4);
    assert.deepEqual(p.map((x) => x.concat!.seq), [1, 2, 3, 4]);
    assert.ok(p.every((x) => x.concat!.total === 4 && x.concat!.ref === p[0]!.concat!.ref));
    assert.equal(p.map((x) => x.text).join(''), body);
  });

  it('sends Unicode as UCS-2, 67 characters a part, never splitting an emoji', async () => {
    const body = `Przypomnienie: wizyta jutro 😊 ${'ąę'.repeat(30)} 😊😊 koniec`;
    const r = await f.call('POST', '/api/v1/sms', jane, { to: '+447700900125', body });
    assert.equal(r.body.encoding, 'ucs2');
    await f.waitStatus(r.body.id as number, jane, 'delivered');
    const p = f.sim.parts.filter((x) => x.to === '+447700900125');
    assert.equal(p.length, r.body.parts);
    assert.ok(p.every((x) => x.dataCoding === 8));
    assert.equal(p.map((x) => x.text).join(''), body);
  });

  it('refuses bad input with a clear 400 naming the field', async () => {
    const bad = await f.call('POST', '/api/v1/sms', jane, { to: '0123', body: 'hi' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'to');
    const landline = await f.call('POST', '/api/v1/sms', jane, { to: '+442079460000', body: 'hi' });
    assert.equal(landline.status, 400);
    assert.match(String(landline.body.message), /not a mobile number/);
    const empty = await f.call('POST', '/api/v1/sms', jane, { to: '+447700900123', body: '   ' });
    assert.equal(empty.status, 400);
    assert.match(String(empty.body.message), /empty/);
    const long = await f.call('POST', '/api/v1/sms', jane, { to: '+447700900123', body: 'é'.repeat(1600) });
    assert.equal(long.status, 400);
    assert.match(String(long.body.message), /too long: 11 parts/);
    const tmpl = await f.call('POST', '/api/v1/sms/bulk', jane, { template: 'Hi {{name}}, see you {{date}}', recipients: [{ to: '+447700900130', name: 'Ann' }] });
    assert.equal(tmpl.status, 400);
    assert.match(String(tmpl.body.message), /\{\{date\}\} but recipient 1 has no value/);
  });

  it('puts a concatenated reply together from parts kept across a restart', async () => {
    const r = await f.call('POST', '/api/v1/sms', jane, { to: '+447700900141', body: 'How are you feeling after the procedure?' });
    await f.waitStatus(r.body.id as number, jane, 'delivered');
    const texts = ['Much better thank you, ', 'the swelling has gone down ', 'and I slept well.'];
    // Parts arrive out of order; the server restarts after acknowledging two of them.
    assert.equal(await f.sim.moPart('+447700900141', 'Wardpost', texts[2]!, { ref: 77, seq: 3, total: 3 }), 0);
    assert.equal(await f.sim.moPart('+447700900141', 'Wardpost', texts[0]!, { ref: 77, seq: 1, total: 3 }), 0);
    assert.ok(!(await f.inbox(jane)).some((m) => m.includes('+447700900141@sms')), 'no mail before the last part');
    await f.restart();
    await eventually(async () => f.sim.bound.length > 0, 10_000, 'the gateway to bind again');
    assert.equal(await f.sim.moPart('+447700900141', 'Wardpost', texts[1]!, { ref: 77, seq: 2, total: 3 }), 0);
    const mail = await eventually(async () => (await f.inbox(jane)).find((m) => m.includes('+447700900141@sms')), 10_000, 'the reassembled reply');
    assert.equal(Buffer.from(mail.split('\r\n\r\n')[1]!.replace(/\s+/g, ''), 'base64').toString('utf8'), texts.join(''));
    assert.ok(mail.includes(`In-Reply-To: ${r.body.messageId as string}`));
  });

  it('delivers a reply as mail from +NUMBER@sms.<domain>, threaded to the SMS', async () => {
    const r = await f.call('POST', '/api/v1/sms', jane, { to: '+447700900140', body: 'Please call the clinic' });
    await f.waitStatus(r.body.id as number, jane, 'delivered');
    assert.equal(await f.sim.mo('+447700900140', 'Wardpost', 'Running late, sorry'), 0);
    const mails = await eventually(async () => (await f.inbox(jane)).filter((m) => m.includes('X-Wardpost-SMS')), 10_000, 'reply mail');
    const mail = mails.at(-1)!;
    assert.match(mail, /^From: "\+447700900140" <\+447700900140@sms\.wardpost\.test>/m);
    assert.ok(mail.includes(`In-Reply-To: ${r.body.messageId as string}`));
    assert.ok(mail.includes(`References: ${r.body.messageId as string}`));
    assert.ok(Buffer.from(mail.split('\r\n\r\n')[1]!.replace(/\s+/g, ''), 'base64').toString('utf8').includes('Running late, sorry'));
  });

  it('STOP puts the number on the opt-out list and every send honours it; START lifts it', async () => {
    const r = await f.call('POST', '/api/v1/sms', jane, { to: '+447700900150', body: 'Flu jabs available' });
    await f.waitStatus(r.body.id as number, jane, 'delivered');
    assert.equal(await f.sim.mo('+447700900150', 'Wardpost', 'stop'), 0);
    const list = await f.call('GET', '/api/v1/sms/opt-outs', jane);
    assert.deepEqual((list.body.items as { number: string }[]).map((i) => i.number), ['+447700900150']);
    const refused = await f.call('POST', '/api/v1/sms', jane, { to: '+447700900150', body: 'Another one' });
    assert.equal(refused.status, 403);
    assert.match(String(refused.body.message), /opted out/);
    const bulk = await f.call('POST', '/api/v1/sms/bulk', jane, { template: 'Hi {{name}}', recipients: [{ to: '+447700900150', name: 'A' }, { to: '+447700900151', name: 'B' }] });
    assert.equal(bulk.body.queued, 1);
    assert.deepEqual(bulk.body.skipped, [{ row: 1, to: '+447700900150', reason: 'opted out (replied STOP)' }]);
    assert.equal(await f.sim.mo('+447700900150', 'Wardpost', 'START'), 0);
    const again = await f.call('POST', '/api/v1/sms', jane, { to: '+447700900150', body: 'Welcome back' });
    assert.equal(again.status, 200);
  });

  it('bulk mail-merge from CSV sends each row its own text', async () => {
    const csv = 'mobile,name,date,clinic\n+447700900160,Ann,Mon 3 Dec 10:00,Eye Clinic\n07700900161,Bob,Tue 4 Dec 11:30,Fracture Clinic\n';
    const r = await f.call('POST', '/api/v1/sms/bulk', jane, { template: 'Dear {{name}}, your {{clinic}} appointment is {{date}}.', csv });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.queued, 2);
    const mine = () => f.sim.parts.filter((p) => p.to === '+447700900160' || p.to === '+447700900161');
    await eventually(async () => mine().length >= 2, 10_000, 'bulk parts');
    await new Promise((res) => setTimeout(res, 300));
    const texts = mine().map((p) => `${p.to} ${p.text}`).sort();
    assert.deepEqual(texts, ['+447700900160 Dear Ann, your Eye Clinic appointment is Mon 3 Dec 10:00.', '+447700900161 Dear Bob, your Fracture Clinic appointment is Tue 4 Dec 11:30.']);
    const listed = await f.call('GET', `/api/v1/sms?batch=${r.body.batchId as string}`, jane);
    assert.equal((listed.body.items as unknown[]).length, 2);
  });

  it('an undeliverable receipt marks the message failed; a permanent SMSC error fails it, a temporary one is retried', async () => {
    f.sim.undeliverable.add('+447700900170');
    const r = await f.call('POST', '/api/v1/sms', jane, { to: '+447700900170', body: 'Test' });
    await f.waitStatus(r.body.id as number, jane, 'failed');
    f.sim.failNext.push(0x0b);
    const bad = await f.call('POST', '/api/v1/sms', jane, { to: '+447700900171', body: 'Test' });
    const failed = await f.waitStatus(bad.body.id as number, jane, 'failed');
    assert.match(String(failed.lastError), /0x0000000b/);
    f.sim.failNext.push(0x08);
    const tmp = await f.call('POST', '/api/v1/sms', jane, { to: '+447700900172', body: 'Test' });
    const ok = await f.waitStatus(tmp.body.id as number, jane, 'delivered');
    assert.equal(ok.attempts, 2);
    assert.equal(f.sim.parts.filter((p) => p.to === '+447700900172').length, 1, 'sent exactly once');
  });

  it('throttled by the SMSC (ESME_RTHROTTLED), every message still goes exactly once', async () => {
    f.sim.setThroughput(10);
    const throttledBefore = f.sim.throttled;
    const recipients = Array.from({ length: 30 }, (_, i) => ({ to: `+4477009002${String(i).padStart(2, '0')}`, name: `P${i}` }));
    const r = await f.call('POST', '/api/v1/sms/bulk', jane, { template: 'Hello {{name}}', recipients });
    assert.equal(r.body.queued, 30);
    const mine = () => f.sim.parts.filter((p) => p.to.startsWith('+4477009002'));
    await eventually(async () => mine().length >= 30, 20_000, '30 throttled parts');
    await new Promise((res) => setTimeout(res, 300));
    f.sim.setThroughput(0);
    assert.ok(f.sim.throttled > throttledBefore, 'the SMSC throttled us');
    assert.equal(mine().length, 30, 'no duplicates');
    assert.equal(new Set(mine().map((p) => p.to)).size, 30);
  });

  it('keeps messages queued while the SMSC is down and sends them after it comes back', async () => {
    const bindsBefore = f.sim.binds;
    await f.sim.kill();
    const r = await f.call('POST', '/api/v1/sms', jane, { to: '+447700900180', body: 'Sent after the outage' });
    assert.equal(r.status, 200);
    await new Promise((res) => setTimeout(res, 800));
    const during = await f.call('GET', `/api/v1/sms/${r.body.id as number}`, jane);
    assert.equal(during.body.status, 'queued');
    const gw = await f.call('GET', '/api/v1/sms/gateway', jane);
    assert.equal(gw.body.up, false);
    await f.sim.start();
    await f.waitStatus(r.body.id as number, jane, 'delivered', 20_000);
    assert.ok(f.sim.binds > bindsBefore, 're-bound');
  });

  it('refuses an organisation over its monthly cap with a clear error', async () => {
    const { services, sms } = f.server.platform;
    const org = await services.orgs.create({ slug: 'capped', name: 'Capped Practice', kind: 'practice' }, SYSTEM_ACTOR);
    const bob = await f.user('bob.sms', 'capped');
    await sms.service.putSettings(SYSTEM_ACTOR, org.id, { monthlyCap: 3, senderId: 'CappedGP' });
    const first = await f.call('POST', '/api/v1/sms', bob, { to: '+447700900190', body: 'x'.repeat(200) });
    assert.equal(first.status, 200);
    const over = await f.call('POST', '/api/v1/sms', bob, { to: '+447700900191', body: 'x'.repeat(200) });
    assert.equal(over.status, 507);
    assert.match(String(over.body.message), /SMS cap is reached: 2 of 3 parts used .* needs 2 more/);
    const sent = await eventually(async () => f.sim.parts.find((p) => p.to === '+447700900190'), 10_000, 'capped send');
    assert.equal(sent.from, 'CappedGP');
  });

  it('email-to-SMS: a signed-in account mails +NUMBER@sms.<domain> (swaks, submission)', { skip: missingSwaks ?? false }, async () => {
    const r = await swaks([
      '--server', `127.0.0.1:${f.submission}`, '--tls', '--auth', 'PLAIN', '--auth-user', jane, '--auth-password', PASSWORD,
      '--from', jane, '--to', '447700900123@sms.wardpost.test', '--h-Subject', 'sms', '--h-Message-Id', '<mail2sms-1@wardpost.test>',
      '--body', 'Your results are ready.\n-- \nDr Jane',
    ]);
    assert.equal(r.code, 0, r.out);
    const part = await eventually(async () => f.sim.parts.find((p) => p.text === 'Your results are ready.'), 10_000, 'email-to-SMS part');
    assert.equal(part.to, '+447700900123');
    const bad = await swaks(['--server', `127.0.0.1:${f.submission}`, '--tls', '--auth', 'PLAIN', '--auth-user', jane, '--auth-password', PASSWORD, '--from', jane, '--to', '12@sms.wardpost.test', '--body', 'x']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.out, /not a valid phone number/);
    // The +E.164 form, from nodemailer (swaks's option parser takes a leading + for an option).
    const mailer = nodemailer.createTransport({ host: '127.0.0.1', port: f.submission, secure: false, requireTLS: true, tls: { rejectUnauthorized: false }, auth: { user: jane, pass: PASSWORD } });
    await mailer.sendMail({ from: jane, to: '+447700900126@sms.wardpost.test', subject: 'x', text: 'Ring the ward, please.\n\n> old quoted text' });
    await eventually(async () => f.sim.parts.find((p) => p.to === '+447700900126' && p.text === 'Ring the ward, please.'), 10_000, 'nodemailer email-to-SMS');
    // The reply threads to the mail that was sent.
    const listed = await f.call('GET', '/api/v1/sms?limit=10', jane);
    const sms = (listed.body.items as { id: number; messageId: string; to: string }[]).find((i) => i.to === '+447700900123' && i.messageId.includes('mail2sms'))!;
    assert.equal(sms.messageId, '<mail2sms-1@wardpost.test>');
    await f.waitStatus(sms.id, jane, 'delivered');
    await f.sim.mo('+447700900123', 'Wardpost', 'Thanks!');
    await eventually(async () => (await f.inbox(jane)).find((m) => m.includes('In-Reply-To: <mail2sms-1@wardpost.test>')), 10_000, 'threaded reply');
  });
});

describe('SMS without an SMS centre configured', () => {
  it('says so clearly instead of queueing', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'wp-sms-off-'));
    const { server } = await startQuietServer({ WARDPOST_DATA_DIR: dataDir });
    try {
      await server.platform.services.accounts.create({ address: 'off@wardpost.test', orgSlug: 'national', name: 'Off Person', password: PASSWORD }, SYSTEM_ACTOR);
      const http = server.urls.health!.replace(/\/healthz$/, '');
      const res = await fetch(`${http}/api/v1/sms`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`off@wardpost.test:${PASSWORD}`).toString('base64')}` }, body: JSON.stringify({ to: '+447700900123', body: 'hi' }) });
      assert.equal(res.status, 503);
      assert.match(((await res.json()) as { message: string }).message, /not configured.*WARDPOST_SMPP_URL/);
    } finally {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
