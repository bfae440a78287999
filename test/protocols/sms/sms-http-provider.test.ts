/**
 * The HTTP SMS provider gateway on the real server: sends go out as JSON POSTs with the provider's
 * token; the provider's callbacks (receipts, replies) come back to /api/v1/sms/provider/callback
 * with the callback token and move the message to delivered or land as mail. The provider is a
 * small HTTP server on loopback standing in for the vendor (no real provider is reachable here).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { eventually, startSmsFixture, type SmsFixture } from './sms-helpers.js';

const SEND_TOKEN = 'provider-send-token-1';
const CALLBACK_TOKEN = 'provider-callback-token-0123456789';

describe('SMS through an HTTP provider', () => {
  let f: SmsFixture;
  let provider: Server;
  let jane: string;
  const received: { auth: string | undefined; body: Record<string, unknown> }[] = [];

  before(async () => {
    provider = createServer((req, res) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString()));
      req.on('end', () => {
        received.push({ auth: req.headers.authorization, body: JSON.parse(data) as Record<string, unknown> });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `prov-${received.length}` }));
      });
    });
    await new Promise<void>((r) => provider.listen(0, '127.0.0.1', () => r()));
    const port = (provider.address() as AddressInfo).port;
    f = await startSmsFixture({ WARDPOST_SMS_HTTP_URL: `http://127.0.0.1:${port}/send`, WARDPOST_SMS_HTTP_TOKEN: SEND_TOKEN, WARDPOST_SMS_HTTP_CALLBACK_TOKEN: CALLBACK_TOKEN });
    jane = await f.user('jane.http');
  });

  after(async () => {
    await f.stop();
    await new Promise((r) => provider.close(r));
  });

  const callback = (body: unknown, token = CALLBACK_TOKEN) =>
    fetch(`${f.http}/api/v1/sms/provider/callback`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));

  it('sends with the provider token and is delivered when the provider reports it', async () => {
    const sent = await f.call('POST', '/api/v1/sms', jane, { to: '07700 900150', body: 'Your results are ready' });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    await f.waitStatus(sent.body.id as number, jane, 'sent');
    const req = received.find((r) => r.body.to === '+447700900150')!;
    assert.equal(req.auth, `Bearer ${SEND_TOKEN}`);
    assert.equal(req.body.text, 'Your results are ready');
    const providerId = `prov-${received.indexOf(req) + 1}`;
    assert.deepEqual(await callback({ type: 'receipt', id: providerId, state: 'delivered' }), { status: 200, body: { ok: true } });
    await f.waitStatus(sent.body.id as number, jane, 'delivered');
  });

  it('turns a reply into mail to the sender, threaded to the SMS', async () => {
    const sent = await f.call('POST', '/api/v1/sms', jane, { to: '+447700900151', body: 'Can you come in at 3?' });
    await f.waitStatus(sent.body.id as number, jane, 'sent');
    assert.equal((await callback({ type: 'inbound', from: '+447700900151', to: 'Wardpost', text: 'Yes, see you then' })).status, 200);
    const mail = await eventually(async () => (await f.inbox(jane)).find((m) => m.includes('X-Wardpost-SMS') && m.includes('+447700900151')), 10_000, 'reply mail');
    assert.ok(mail.includes(`In-Reply-To: ${sent.body.messageId as string}`));
  });

  it('refuses a wrong token, a malformed callback and an unknown message id, and records nothing', async () => {
    const wrong = await callback({ type: 'receipt', id: 'prov-1', state: 'failed' }, 'not-the-token-at-all-0000');
    assert.equal(wrong.status, 401);
    const badState = await callback({ type: 'receipt', id: 'prov-1', state: 'lost-in-space' });
    assert.deepEqual([badState.status, badState.body.field], [400, 'state']);
    const badType = await callback({ type: 'telegram' });
    assert.equal(badType.status, 400);
    const unknown = await callback({ type: 'receipt', id: 'prov-never-issued', state: 'delivered' });
    assert.equal(unknown.status, 503);
    // The first message is still delivered: the refused "failed" receipt changed nothing.
    const list = await f.call('GET', '/api/v1/sms', jane);
    const first = (list.body.items as { to: string; status: string }[]).find((i) => i.to === '+447700900150')!;
    assert.equal(first.status, 'delivered');
  });
});
