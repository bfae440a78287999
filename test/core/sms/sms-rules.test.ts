/**
 * The SMS rules without I/O (tables of input and expected values): encoding and parts, numbers,
 * mail-merge, keywords, SMPP receipt text and UDH; and the store side of the queue, the monthly
 * cap and the reminder keys on both engines.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { SYSTEM_ACTOR } from '../../../src/core/actor.js';
import { planSms } from '../../../src/core/sms/encoding.js';
import { keywordOf } from '../../../src/core/sms/keywords.js';
import { maskNumber, normaliseNumber } from '../../../src/core/sms/numbers.js';
import { SmsService } from '../../../src/core/sms/sms-service.js';
import { parseRecipientsCsv, renderTemplate } from '../../../src/core/sms/template.js';
import { DEFAULT_SMS_OPTIONS } from '../../../src/core/sms/types.js';
import { durationMinutes } from '../../../src/core/sms/calendar-appointments.js';
import { parseReceipt, udhFor } from '../../../src/gateways/sms/smpp-pdu.js';
import { forEachEngine } from '../../helpers/engines.js';
import { servicesFor } from '../../helpers/platform.js';

describe('SMS encoding and parts (3GPP TS 23.038 / 23.040)', () => {
  for (const [text, encoding, parts, units] of [
    ['a'.repeat(160), 'gsm7', 1, 160],
    ['a'.repeat(161), 'gsm7', 2, 161],
    ['€'.repeat(80), 'gsm7', 1, 160],
    ['€'.repeat(81), 'gsm7', 2, 162],
    ['a'.repeat(153 * 3), 'gsm7', 3, 459],
    ['ä'.repeat(70), 'gsm7', 1, 70],
    ['ą'.repeat(70), 'ucs2', 1, 70],
    ['ą'.repeat(71), 'ucs2', 2, 71],
    ['😊'.repeat(35), 'ucs2', 1, 70],
    ['😊'.repeat(36), 'ucs2', 2, 72],
  ] as const) {
    it(`${text.slice(0, 6)}… (${text.length} code units) -> ${encoding}, ${parts} part(s)`, () => {
      const p = planSms(text, 10);
      assert.deepEqual([p.encoding, p.parts.length, p.units], [encoding, parts, units]);
      assert.equal(p.parts.join(''), text);
    });
  }
  it('never cuts an escape pair or a surrogate pair at a part boundary', () => {
    const gsm = planSms(`${'a'.repeat(152)}€${'b'.repeat(20)}`, 10);
    assert.equal(gsm.parts[0], 'a'.repeat(152));
    const ucs = planSms(`${'ą'.repeat(66)}😊${'b'.repeat(10)}`, 10);
    assert.equal(ucs.parts[0], 'ą'.repeat(66));
  });
  it('refuses empty and over-long texts', () => {
    assert.throws(() => planSms('  \n', 10), /empty/);
    assert.throws(() => planSms('a'.repeat(154 * 10), 10), /too long: 11 parts/);
  });
});

describe('SMS numbers, templates, keywords, SMPP fields', () => {
  for (const [input, out] of [
    ['+447700900123', '+447700900123'],
    ['07700 900123', '+447700900123'],
    ['(07400) 123-456', '+447400123456'],
    ['+33 6 12 34 56 78', '+33612345678'],
  ] as const) it(`${input} -> ${out}`, () => assert.equal(normaliseNumber(input), out));
  for (const bad of ['', 'abc', '12345', '+442079460000', '+4477009001234']) it(`refuses "${bad}"`, () => assert.throws(() => normaliseNumber(bad), /phone number|not a mobile|empty/));
  it('masks numbers for logs', () => assert.equal(maskNumber('+447700900123'), '+44770090**23'));
  it('fills templates and names the missing field', () => {
    assert.equal(renderTemplate('Hi {{ name }}, {{clinic}}', { name: 'Ann', clinic: 'Eye' }), 'Hi Ann, Eye');
    assert.throws(() => renderTemplate('Hi {{name}} {{date}}', { name: 'Ann' }, 3), /\{\{date\}\} but recipient 3 has no value/);
  });
  it('reads CSV with a number column and merge fields', () => {
    assert.deepEqual(parseRecipientsCsv('Phone,Name\n07700900123,Ann\n'), [{ to: '07700900123', fields: { name: 'Ann' } }]);
    assert.throws(() => parseRecipientsCsv('name\nAnn\n'), /column named one of/);
  });
  for (const [text, kw] of [['STOP', 'stop'], ['stop.', 'stop'], [' Start ', 'start'], ['yes!', 'yes'], ['Cancel', 'cancel'], ['stop please', null], ['running late', null]] as const) {
    it(`"${text}" -> ${kw}`, () => assert.equal(keywordOf(text), kw));
  }
  it('parses receipts from TLVs or appendix B text', () => {
    assert.deepEqual(parseReceipt({ short_message: { message: 'id:0a1b sub:001 dlvrd:001 submit date:2611220300 done date:2611220300 stat:DELIVRD err:000 text:hi' } }), { messageId: '0a1b', state: 'delivered' });
    assert.deepEqual(parseReceipt({ short_message: 'id:77 stat:UNDELIV err:001' }), { messageId: '77', state: 'failed', error: 'stat:UNDELIV err:001' });
    assert.deepEqual(parseReceipt({ receipted_message_id: 'X9', message_state: 3, short_message: '' }), { messageId: 'X9', state: 'expired' });
    assert.equal(parseReceipt({ short_message: 'hello' }), null);
  });
  it('builds the concatenation UDH', () => assert.deepEqual([...udhFor(0x2a, 3, 2)], [5, 0, 3, 0x2a, 3, 2]));
  for (const [d, m] of [['P1D', 1440], ['PT2H', 120], ['P1W', 10_080], ['PT90M', 90], ['P1DT1H', 1500], ['-PT1H', null], ['P', null]] as const) {
    it(`reminder ${d} -> ${m} minutes`, () => assert.equal(durationMinutes(d), m));
  }
});

forEachEngine('SMS store: cap, queue leases, reminder keys', (engine) => {
  after(() => engine.cleanup());

  it('charges the monthly cap exactly under concurrent sends', async () => {
    const store = await engine.open();
    const { services } = servicesFor(store);
    const org = await services.orgs.create({ slug: 'gp1', name: 'GP One', kind: 'practice' }, SYSTEM_ACTOR);
    const sms = new SmsService(store, services, DEFAULT_SMS_OPTIONS);
    await sms.putSettings(SYSTEM_ACTOR, org.id, { monthlyCap: 5 });
    const req = { kind: 'system' as const, label: 'test', orgId: org.id, accountId: null, replyAddress: null };
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => sms.send(req, { to: `+4474000000${String(i).padStart(2, '0')}`, body: 'hello' })));
    const reasons = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 5, reasons.join('; '));
    assert.ok(results.filter((r) => r.status === 'rejected').every((r) => /cap is reached/.test(String((r as PromiseRejectedResult).reason))));
    assert.equal((await store.sms.daily([org.id], '2000-01-01'))[0]!.messages, 5);

    // Two claims at once never hand out the same row (on PostgreSQL the second may get fewer: a row
    // the first leased meanwhile is skipped); the rest is taken by the next claim.
    const [a, b] = await Promise.all([store.sms.claimDue(Date.now(), 3, Date.now() + 60_000, 't1'), store.sms.claimDue(Date.now(), 3, Date.now() + 60_000, 't2')]);
    const c = await store.sms.claimDue(Date.now(), 10, Date.now() + 60_000, 't3');
    const all = [...a, ...b, ...c].map((r) => r.id);
    assert.equal(all.length, 5);
    assert.equal(new Set(all).size, 5);
    assert.equal(await store.sms.recordOutcome(all[0]!, 'not-mine', { status: 'sent', attempts: 1, nextAttemptAt: 0, lastError: null, sentAt: 1, finishedAt: null }), false);
    await store.close();
  });

  it('keeps parts of an inbound message until all are in, a repeated part replacing itself, stale parts dropped', async () => {
    const store = await engine.open();
    const part = (key: string, seq: number, body: string, receivedAt = 1_000) => store.grouped((tx) => tx.sms.addInboundPart({ key, seq, total: 3, from: '+447700900123', to: 'GP', body, receivedAt }, 500));
    assert.equal(await part('k1', 3, 'c'), null);
    assert.equal(await part('k1', 1, 'a-first-try'), null);
    assert.equal(await part('k1', 1, 'a'), null);
    assert.equal(await part('old', 1, 'x', 100), null);
    assert.deepEqual(await part('k1', 2, 'b'), [{ seq: 1, body: 'a' }, { seq: 2, body: 'b' }, { seq: 3, body: 'c' }]);
    // Still there until dropped (a crash before handling completes them again on the SMSC's repeat).
    assert.equal((await part('k1', 2, 'b'))?.length, 3);
    await store.sms.dropInboundParts('k1');
    assert.equal(await part('k1', 2, 'b'), null);
    // The part older than the cut-off went when the next part was stored.
    assert.equal(await part('old', 2, 'y'), null);
    assert.equal(await part('old', 3, 'z'), null);
    await store.close();
  });

  it('keys reminders by (uid, occurrence, offset): inserted once, queued once', async () => {
    const store = await engine.open();
    const { services } = servicesFor(store);
    const org = await services.orgs.create({ slug: 'gp2', name: 'GP Two', kind: 'practice' }, SYSTEM_ACTOR);
    const r = { eventUid: 'u1', occurrence: '', offsetMinutes: 120, orgId: org.id, to: '+447700900123', sendAt: 1000, appointmentStart: 2000, ownerAccountId: null, fieldsJson: '{}' };
    assert.equal(await store.sms.insertReminder(r), true);
    assert.equal(await store.sms.insertReminder({ ...r, sendAt: 5 }), false);
    assert.equal(await store.sms.markReminderQueued('u1', '', 120, 1), true);
    assert.equal(await store.sms.markReminderQueued('u1', '', 120, 2), false);
    assert.equal(await store.sms.updatePendingReminder('u1', '', 120, { sendAt: 9 }), false);
    const [row] = await store.sms.remindersOf('u1');
    assert.deepEqual([row!.status, row!.sms_id, row!.send_at], ['queued', 1, 1000]);
    await store.close();
  });
});
