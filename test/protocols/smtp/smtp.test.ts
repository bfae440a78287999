/**
 * The SMTP doors end to end: the real server (ports 0 on loopback) driven by swaks, nodemailer and
 * a raw socket; outbound delivery to a sink server, DKIM verified there with mailauth.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { dkimVerify } from 'mailauth';
import nodemailer from 'nodemailer';
import { SYSTEM_ACTOR } from '../../../src/core/actor.js';
import { PASSWORD, RawSmtp, peerMissing, startSmtpFixture, swaks, type SmtpFixture } from './helpers.js';

const missingSwaks = peerMissing('swaks', 'swaks');

async function until<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, what: string, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('SMTP', { skip: missingSwaks ?? false }, () => {
  let fx: SmtpFixture;
  let alice: { address: string; id: number };
  let bob: { address: string; id: number };
  let carol: { address: string; id: number };
  const mx = () => `127.0.0.1:${fx.ports.smtp}`;
  const sub = () => `127.0.0.1:${fx.ports.submission}`;
  const subs = () => `127.0.0.1:${fx.ports.submissions}`;
  const auth = (who: { address: string }, pw = PASSWORD) => ['-a', 'PLAIN', '-au', who.address, '-ap', pw];

  before(async () => {
    fx = await startSmtpFixture();
    alice = await fx.user('alice');
    bob = await fx.user('bob');
    carol = await fx.user('carol');
  });
  after(async () => {
    await fx.stop();
  });

  describe('inbound MX', () => {
    it('delivers to a local user with Received and Authentication-Results headers, durable at 250', async () => {
      const r = await swaks(['--server', mx(), '--from', 'someone@example.org', '--to', bob.address, '--h-Subject', 'mx hello', '--body', 'Hello Bob']);
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /<- {2}250 2\.0\.0 accepted as/);
      const inbox = await fx.folder(bob.address);
      const msg = inbox.find((m) => m.subject === 'mx hello');
      assert.ok(msg, 'stored in INBOX');
      const text = msg.raw.toString();
      assert.match(text, /^Received: from \S+ \(\[127\.0\.0\.1\]\)\r\n\tby localhost \(Wardpost\) with ESMTP id /);
      assert.match(text, /Authentication-Results: localhost;[\s\S]*spf=/);
      assert.match(text, /Hello Bob/);
    });

    it('announces the ESMTP extensions', async () => {
      const c = await RawSmtp.connect(fx.ports.smtp);
      assert.match(await c.reply(), /^220 localhost/);
      const ehlo = await c.command('EHLO client.example');
      for (const ext of ['PIPELINING', '8BITMIME', 'SMTPUTF8', 'ENHANCEDSTATUSCODES', 'STARTTLS', 'SIZE 52428800']) assert.match(ehlo, new RegExp(`250[- ]${ext}`));
      assert.doesNotMatch(ehlo, /AUTH/);
      c.close();
    });

    it('expands distribution lists (over STARTTLS)', async () => {
      await fx.server.platform.transport.lists.create({ address: 'ward7@wardpost.test', orgSlug: 'national', name: 'Ward 7' }, SYSTEM_ACTOR);
      await fx.server.platform.transport.lists.addMember('ward7@wardpost.test', alice.address, SYSTEM_ACTOR);
      await fx.server.platform.transport.lists.addMember('ward7@wardpost.test', carol.address, SYSTEM_ACTOR);
      const r = await swaks(['--server', mx(), '--tls', '--from', 'someone@example.org', '--to', 'ward7@wardpost.test', '--h-Subject', 'to the ward']);
      assert.equal(r.code, 0, r.out);
      const got = (await fx.folder(alice.address)).find((m) => m.subject === 'to the ward');
      assert.ok(got);
      assert.match(got.raw.toString(), /with ESMTPS id/, 'received over STARTTLS');
      assert.ok((await fx.folder(carol.address)).some((m) => m.subject === 'to the ward'));
    });

    it('refuses an unknown user at RCPT with 550 5.1.1', async () => {
      const r = await swaks(['--server', mx(), '--from', 'someone@example.org', '--to', 'nobody@wardpost.test']);
      assert.notEqual(r.code, 0);
      assert.match(r.errors[0] ?? '', /^550 5\.1\.1 /);
    });

    it('refuses relaying to a foreign domain with 554 5.7.1', async () => {
      const r = await swaks(['--server', mx(), '--from', 'someone@example.org', '--to', 'victim@sink.test']);
      assert.match(r.errors[0] ?? '', /^554 5\.7\.1 /);
      assert.equal(fx.sink.messages.length, 0);
    });

    it('a full mailbox is refused alone: 452 4.2.2 at RCPT, or left out at DATA with a DSN to the sender', async () => {
      const { services } = fx.server.platform;
      const tight = 'tight@wardpost.test';
      await services.accounts.create({ address: tight, orgSlug: 'national', name: 'Tina Tight', password: PASSWORD, quota: '30K' }, SYSTEM_ACTOR);
      await services.delivery.deliver({ source: Readable.from([Buffer.from(`Subject: filler\r\n\r\n${'f'.repeat(25 * 1024)}\r\n`)]), recipients: [tight] });
      // About 10 KB: more than the 5 KB left in the mailbox.
      const body = (subject: string) => `From: <someone@example.org>\r\nSubject: ${subject}\r\n\r\n${`${'y'.repeat(70)}\r\n`.repeat(140)}.\r\n`;
      const talk = async (from: string, size: string, subject: string) => {
        const c = await RawSmtp.connect(fx.ports.smtp);
        await c.reply();
        await c.command('EHLO client.example.org');
        assert.match(await c.command(`MAIL FROM:<${from}>${size}`), /^250/);
        const tightReply = await c.command(`RCPT TO:<${tight}>`);
        assert.match(await c.command(`RCPT TO:<${carol.address}>`), /^250/);
        const data = await c.command('DATA');
        const done = data.startsWith('354') ? (c.write(body(subject)), await c.reply()) : data;
        await c.command('QUIT');
        c.close();
        return { tightReply, done };
      };
      // Declared size (RFC 1870): the full mailbox is refused at RCPT, the other recipient gets it.
      const declared = await talk('someone@example.org', ' SIZE=10500', 'declared size');
      assert.match(declared.tightReply, /^452 4\.2\.2 .*full/);
      assert.match(declared.done, /^250 /);
      // Size unknown at RCPT: accepted for both, then the full one is left out and the (local) sender told.
      const late = await talk(alice.address, '', 'late refusal');
      assert.match(late.tightReply, /^250/);
      assert.match(late.done, /^250 /);
      for (const subject of ['declared size', 'late refusal']) {
        assert.ok((await fx.folder(carol.address)).some((m) => m.subject === subject), `${subject} delivered to carol`);
        assert.ok(!(await fx.folder(tight)).some((m) => m.subject === subject), `${subject} not in the full mailbox`);
      }
      const dsn = (await until(async () => (await fx.folder(alice.address)).find((m) => /Undelivered mail returned to sender: late refusal/.test(m.subject)), 'a DSN for alice')).raw.toString();
      assert.match(dsn, /Final-Recipient: rfc822; tight@wardpost\.test\r\nAction: failed\r\nStatus: 5\.2\.2/);
      assert.doesNotMatch(dsn, /Final-Recipient: rfc822; carol/);
    });

    it('refuses AUTH on the MX port', async () => {
      const r = await swaks(['--server', mx(), '--tls', '--to', bob.address, ...auth(alice)]);
      assert.notEqual(r.code, 0);
    });
  });

  describe('submission', () => {
    it('AUTH PLAIN over STARTTLS, relays to a foreign domain, DKIM-signed and verified by mailauth', async () => {
      const r = await swaks(['--server', sub(), '--tls', ...auth(alice), '--from', alice.address, '--to', 'friend@sink.test', '--h-From', `Alice <${alice.address}>`, '--h-Subject', 'signed']);
      assert.equal(r.code, 0, r.out);
      const got = await until(() => fx.sink.messages.find((m) => m.to.includes('friend@sink.test')), 'the sink to receive the message');
      assert.equal(got.from, alice.address);
      assert.match(got.raw.toString(), /^DKIM-Signature: .*d=wardpost\.test/);
      const rec = await fx.server.platform.transport.dkim.dnsRecord('wardpost.test');
      const res = await dkimVerify(got.raw, {
        resolver: async (name: string, type: string) => {
          if (type === 'TXT' && name === rec.name) return [[rec.value]];
          throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
        },
      });
      assert.equal(res.results[0]?.status.result, 'pass', JSON.stringify(res.results[0]?.status));
      await until(async () => (await fx.server.platform.transport.queue.list()).some((i) => i.recipient === 'friend@sink.test' && i.status === 'sent'), 'the row to be marked sent');
    });

    it('AUTH LOGIN over implicit TLS delivers locally and copies to Sent when asked', async () => {
      const r = await swaks(['--server', subs(), '--tls-on-connect', '-a', 'LOGIN', '-au', alice.address, '-ap', PASSWORD, '--from', alice.address, '--to', bob.address, '--h-From', alice.address, '--h-Subject', 'implicit tls', '--add-header', 'X-Wardpost-Copy-To-Sent: yes']);
      assert.equal(r.code, 0, r.out);
      assert.ok((await fx.folder(bob.address)).some((m) => m.subject === 'implicit tls'));
      const sent = await fx.folder(alice.address, 'Sent');
      assert.ok(sent.some((m) => m.subject === 'implicit tls'));
      assert.match((await fx.folder(bob.address)).find((m) => m.subject === 'implicit tls')!.raw.toString(), /with ESMTPSA id/);
    });

    it('nodemailer submits over STARTTLS and over implicit TLS', async () => {
      for (const [port, secure] of [[fx.ports.submission, false], [fx.ports.submissions, true]] as const) {
        const t = nodemailer.createTransport({ host: '127.0.0.1', port, secure, requireTLS: !secure, auth: { user: alice.address, pass: PASSWORD }, tls: { rejectUnauthorized: false } });
        const info = await t.sendMail({ from: alice.address, to: carol.address, subject: `nodemailer ${secure ? 'implicit' : 'starttls'}`, text: 'hi' });
        assert.match(info.response, /^250 2\.0\.0 /);
        t.close();
      }
      const subjects = (await fx.folder(carol.address)).map((m) => m.subject);
      assert.ok(subjects.includes('nodemailer starttls'));
      assert.ok(subjects.includes('nodemailer implicit'));
    });

    it('refuses AUTH before STARTTLS and any mail without AUTH', async () => {
      const noTls = await swaks(['--server', sub(), ...auth(alice), '--from', alice.address, '--to', bob.address]);
      assert.notEqual(noTls.code, 0);
      assert.match(noTls.out, /538 5\.7\.0 .*STARTTLS/);
      const anon = await swaks(['--server', sub(), '--tls', '--from', alice.address, '--to', bob.address]);
      assert.notEqual(anon.code, 0);
      assert.match(anon.errors[0] ?? '', /^530 5\.7\.0 /);
    });

    it('refuses a wrong password (535 5.7.8) and then rate-limits the address (454 4.7.0)', async () => {
      const replies: string[] = [];
      for (let i = 0; i < 6; i++) {
        const r = await swaks(['--server', sub(), '--tls', '--local-interface', '127.0.0.2', ...auth(alice, 'wrong-password-123'), '--to', bob.address, '--quit-after', 'AUTH']);
        replies.push(r.errors[0] ?? '');
      }
      assert.match(replies[0]!, /^535 5\.7\.8 /);
      assert.match(replies[4]!, /^535 5\.7\.8 /);
      assert.match(replies[5]!, /^454 4\.7\.0 too many failed sign-ins/);
      // Even the right password waits now, from that address; others are unaffected.
      const right = await swaks(['--server', sub(), '--tls', '--local-interface', '127.0.0.2', ...auth(alice), '--quit-after', 'AUTH']);
      assert.match(right.errors[0] ?? '', /^454 4\.7\.0 /);
      const other = await swaks(['--server', sub(), '--tls', ...auth(alice), '--quit-after', 'AUTH']);
      assert.equal(other.code, 0, other.out);
    });

    it('refuses sending as someone else, allows it with a grant (Sender added for on-behalf)', async () => {
      const envelope = await swaks(['--server', sub(), '--tls', ...auth(alice), '--from', bob.address, '--to', carol.address]);
      assert.match(envelope.errors[0] ?? '', /^553 5\.7\.1 .*may not send as bob@wardpost\.test/);
      const header = await swaks(['--server', sub(), '--tls', ...auth(alice), '--from', alice.address, '--to', carol.address, '--h-From', bob.address, '--h-Subject', 'forged']);
      assert.match(header.errors[0] ?? '', /^550 5\.7\.1 /);
      assert.ok(!(await fx.folder(carol.address)).some((m) => m.subject === 'forged'));

      await fx.server.platform.services.sharing.grantSend({ owner: bob.address, grantee: alice.address, mode: 'send-on-behalf' }, SYSTEM_ACTOR);
      const ok = await swaks(['--server', sub(), '--tls', ...auth(alice), '--from', bob.address, '--to', carol.address, '--h-From', bob.address, '--h-Subject', 'on behalf']);
      assert.equal(ok.code, 0, ok.out);
      const got = (await fx.folder(carol.address)).find((m) => m.subject === 'on behalf');
      assert.ok(got);
      assert.match(got.raw.toString(), /^Sender: "[^"]*" <alice@wardpost\.test>$/m);
    });
  });

  describe('outbound queue', () => {
    it('retries a temporary failure at the sink and then delivers', async () => {
      fx.sink.script.set('later@sink.test', ['451 4.3.0 try again later']);
      const r = await swaks(['--server', sub(), '--tls', ...auth(alice), '--from', alice.address, '--to', 'later@sink.test', '--h-From', alice.address, '--h-Subject', 'retry me']);
      assert.equal(r.code, 0, r.out);
      const got = await until(() => fx.sink.messages.find((m) => m.to.includes('later@sink.test')), 'the retried delivery');
      assert.match(got.raw.toString(), /Subject: retry me/);
      const item = await until(async () => (await fx.server.platform.transport.queue.list()).find((i) => i.recipient === 'later@sink.test' && i.status !== 'queued'), 'the row to be finished');
      assert.equal(item.status, 'sent');
      assert.equal(item.attempts, 2);
    });

    it('a permanent failure gives a DSN (RFC 3464) in the sender\'s INBOX', async () => {
      fx.sink.script.set('gone@sink.test', ['550 5.1.1 no such user here']);
      const r = await swaks(['--server', sub(), '--tls', ...auth(alice), '--from', alice.address, '--to', 'gone@sink.test', '--h-From', alice.address, '--h-Subject', 'to a ghost']);
      assert.equal(r.code, 0, r.out);
      const dsn = await until(async () => (await fx.folder(alice.address)).find((m) => /Undelivered mail returned to sender: to a ghost/.test(m.subject)), 'the DSN');
      const text = dsn.raw.toString();
      assert.match(text, /Content-Type: multipart\/report; report-type=delivery-status/);
      assert.match(text, /Final-Recipient: rfc822; gone@sink\.test\r\nAction: failed\r\nStatus: 5\.1\.1/);
      assert.match(text, /Diagnostic-Code: smtp; 550 5\.1\.1 no such user here/);
      assert.match(text, /Content-Type: text\/rfc822-headers[\s\S]*Subject: to a ghost/);
      // The DSN is stored first, then the queue row is marked done.
      const item = await until(async () => (await fx.server.platform.transport.queue.list()).find((i) => i.recipient === 'gone@sink.test' && i.status !== 'queued'), 'the row to be finished');
      assert.equal(item.status, 'failed');
    });

    it('keeps mail for an unreachable host queued with backoff', async () => {
      const r = await swaks(['--server', sub(), '--tls', ...auth(alice), '--from', alice.address, '--to', 'x@down.test', '--h-From', alice.address]);
      assert.equal(r.code, 0, r.out);
      const item = await until(async () => (await fx.server.platform.transport.queue.list()).find((i) => i.recipient === 'x@down.test' && i.attempts >= 2), 'two attempts');
      assert.equal(item.status, 'queued');
      assert.match(item.lastError ?? '', /ECONNREFUSED|connect/i);
    });
  });

  describe('bad input', () => {
    async function dataConversation(payload: Buffer | string): Promise<string> {
      const c = await RawSmtp.connect(fx.ports.smtp);
      await c.reply();
      await c.command('EHLO bad.example');
      assert.match(await c.command('MAIL FROM:<x@example.org>'), /^250/);
      assert.match(await c.command(`RCPT TO:<${bob.address}>`), /^250/);
      assert.match(await c.command('DATA'), /^354/);
      c.write(payload);
      c.write('\r\n.\r\n');
      const reply = await c.reply();
      // The session goes on after a refused message.
      assert.match(await c.command('NOOP'), /^250/);
      c.close();
      return reply;
    }

    const count = async () => (await fx.folder(bob.address)).length;

    it('bare LF, NUL and over-long lines are refused with 550 5.6.0 and nothing is stored', async () => {
      const before = await count();
      assert.match(await dataConversation('Subject: bare\nbody with bare LF\n'), /^550 5\.6\.0 .*bare LF/);
      assert.match(await dataConversation('Subject: nul\r\n\r\nbody \u0000 here'), /^550 5\.6\.0 .*NUL/);
      assert.match(await dataConversation(`Subject: long\r\n\r\n${'x'.repeat(2000)}`), /^550 5\.6\.0 .*longer than 998/);
      assert.equal(await count(), before);
    });

    it('an oversized message gets 552 5.3.4 (declared or sent) and nothing is stored', async () => {
      const before = await count();
      const c = await RawSmtp.connect(fx.ports.smtp);
      await c.reply();
      await c.command('EHLO big.example');
      assert.match(await c.command('MAIL FROM:<x@example.org> SIZE=90000000'), /^552 5\.3\.4 /);
      c.close();
      const line = `${'y'.repeat(998)}\r\n`;
      const big = Buffer.from(`Subject: big\r\n\r\n${line.repeat(Math.ceil((51 * 1024 * 1024) / line.length))}`);
      assert.match(await dataConversation(big), /^552 5\.3\.4 /);
      assert.equal(await count(), before);
    });

    it('DATA cut off mid-way stores nothing and the server stays up', async () => {
      const before = await count();
      const c = await RawSmtp.connect(fx.ports.smtp);
      await c.reply();
      await c.command('EHLO cut.example');
      await c.command('MAIL FROM:<x@example.org>');
      await c.command(`RCPT TO:<${bob.address}>`);
      await c.command('DATA');
      c.write('Subject: cut\r\n\r\nhalf a message');
      await new Promise((r) => setTimeout(r, 100));
      c.close();
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(await count(), before);
      const r = await swaks(['--server', mx(), '--from', 'someone@example.org', '--to', bob.address, '--h-Subject', 'after cut']);
      assert.equal(r.code, 0, r.out);
    });

    it('malformed and over-long commands get 5xx replies', async () => {
      const c = await RawSmtp.connect(fx.ports.smtp);
      await c.reply();
      assert.match(await c.command('HELLO there'), /^5\d\d /);
      assert.match(await c.command('MAIL FROM:<not an address>'), /^5\d\d /);
      assert.match(await c.command(`MAIL FROM:<${'a'.repeat(5000)}@example.org>`), /^5\d\d /);
      c.close();
      const r = await swaks(['--server', mx(), '--from', 'someone@example.org', '--to', bob.address]);
      assert.equal(r.code, 0, r.out);
    });

    it('too many connections from one address get 421 and the server stays up', async () => {
      const conns = await Promise.all(Array.from({ length: 130 }, () => RawSmtp.connect(fx.ports.smtp)));
      const greetings = await Promise.all(conns.map((c) => c.reply().catch(() => '')));
      const refused = greetings.filter((g) => /^421 4\.7\.0 too many connections/.test(g)).length;
      assert.ok(refused >= 30, `expected refusals beyond the per-address limit, got ${refused}`);
      conns.forEach((c) => c.close());
      await new Promise((r) => setTimeout(r, 300));
      const r = await swaks(['--server', mx(), '--from', 'someone@example.org', '--to', bob.address]);
      assert.equal(r.code, 0, r.out);
    });
  });
});
