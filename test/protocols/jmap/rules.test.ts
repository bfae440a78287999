/**
 * Server-side rules end to end: a Sieve script stored over JMAP (RFC 9661 SieveScript) runs when
 * swaks delivers through the real MX listener: fileinto with a flag, reject (the notice reaches the
 * sender's server), redirect to a colleague, vacation; on both engines.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { Sink, peerMissing, swaks } from '../smtp/helpers.js';
import { eventually, forBothEngines, startJmapFixture, type JmapClient, type JmapFixture } from './helpers.js';

type Json = Record<string, unknown>;
const missing = peerMissing('swaks', 'swaks');

const SCRIPT = `require ["fileinto", "reject", "vacation", "imap4flags", "copy"];
# rota mail into its folder, flagged
if header :contains "subject" "rota" { addflag "\\\\Flagged"; fileinto "Rota"; stop; }
if address :domain :is "from" "spam.sink.test" { reject "No thanks."; stop; }
if header :is "x-priority-ward" "urgent" { redirect :copy "kim@wardpost.test"; }
vacation :days 1 :subject "Jo is away" "Back on Monday.";
`;

forBothEngines('Sieve rules at delivery', (engine) => {
  let f: JmapFixture;
  let sink: Sink;
  let jo: JmapClient;
  let kim: JmapClient;
  before(async () => {
    if (missing) return;
    sink = new Sink();
    const port = await sink.start();
    f = await startJmapFixture(engine, { WARDPOST_SMTP_ROUTES: `sink.test=127.0.0.1:${port},spam.sink.test=127.0.0.1:${port}`, WARDPOST_QUEUE_RETRY_MS: '300' });
    jo = await f.user('jo');
    kim = await f.user('kim');
    await jo.call('Mailbox/set', { create: { r: { name: 'Rota' } } });
  });
  after(async () => {
    if (missing) return;
    await f.stop();
    await sink.stop();
  });

  const send = async (from: string, subject: string, extra: string[] = []) => {
    const r = await swaks(['--server', '127.0.0.1', '--port', String(f.mxPort), '--from', from, '--to', jo.address, '--header', `Subject: ${subject}`, ...extra.flatMap((h) => ['--add-header', h]), '--body', 'Hello from swaks']);
    assert.equal(r.code, 0, r.out);
  };

  it('stores, validates and reads back the script over JMAP', { skip: missing ?? false }, async () => {
    const up = async (text: string) => ((await (await jo.raw('POST', `/jmap/upload/${jo.accountId}`, text, { 'content-type': 'application/sieve' })).json()) as { blobId: string }).blobId;
    const bad = await jo.call('SieveScript/validate', { blobId: await up('fileinto "x";') });
    assert.equal((bad.error as Json).type, 'invalidSieve');
    assert.match(String((bad.error as Json).description), /needs require "fileinto"/);
    const good = await up(SCRIPT);
    assert.equal((await jo.call('SieveScript/validate', { blobId: good })).error, null);
    const set = await jo.call('SieveScript/set', { create: { s: { name: 'rules', blobId: good } } });
    assert.ok((set.created as Record<string, Json>).s, JSON.stringify(set));
    const get = await jo.call('SieveScript/get', { ids: null });
    const s = (get.list as Json[])[0]!;
    assert.equal(s.isActive, true);
    const text = await (await jo.raw('GET', `/jmap/download/${jo.accountId}/${s.blobId}/rules.sieve`)).text();
    assert.equal(text, SCRIPT);
  });

  it('files rota mail into Rota, flagged, and sends no vacation reply for it', { skip: missing ?? false }, async () => {
    await send('manager@sink.test', 'Rota for December');
    const mb = await jo.mailboxes();
    const q = await eventually(async () => {
      const r = await jo.call('Email/query', { filter: { inMailbox: mb.Rota } });
      return (r.ids as string[]).length ? r : null;
    }, 'the rota message');
    const g = await jo.call('Email/get', { ids: q.ids, properties: ['subject', 'keywords', 'mailboxIds'] });
    assert.deepEqual((g.list as Json[])[0], { id: (q.ids as string[])[0], subject: 'Rota for December', keywords: { $flagged: true }, mailboxIds: { [mb.Rota!]: true } });
    assert.deepEqual(await jo.subjects('inbox'), []);
  });

  it('rejects mail from a domain: nothing filed, a rejection reaches the sender\'s server', { skip: missing ?? false }, async () => {
    await send('pusher@spam.sink.test', 'Buy now');
    const notice = await eventually(async () => sink.messages.find((m) => m.to.includes('pusher@spam.sink.test')), 'the rejection notice');
    assert.equal(notice.from, '');
    assert.match(notice.raw.toString(), /No thanks\./);
    assert.match(notice.raw.toString(), /^Auto-Submitted: auto-replied/m);
    assert.equal((await jo.call('Email/query', { filter: { subject: 'Buy now' } }).then((r) => r.ids as string[])).length, 0);
  });

  it('redirects urgent mail to a colleague with a copy kept, and answers the sender once with the vacation reply', { skip: missing ?? false }, async () => {
    await send('nurse@sink.test', 'Bed 4 deteriorating', ['X-Priority-Ward: urgent']);
    await eventually(async () => ((await kim.subjects('inbox')).includes('Bed 4 deteriorating') ? true : null), 'the redirected copy');
    assert.deepEqual(await jo.subjects('inbox'), ['Bed 4 deteriorating']);
    const reply = await eventually(async () => sink.messages.find((m) => m.to.includes('nurse@sink.test')), 'the vacation reply');
    assert.match(reply.raw.toString(), /^Subject: Jo is away/m);
    assert.match(reply.raw.toString(), /Back on Monday\./);
    await send('nurse@sink.test', 'Bed 4 update');
    await eventually(async () => ((await jo.subjects('inbox')).includes('Bed 4 update') ? true : null), 'the second message');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(sink.messages.filter((m) => m.to.includes('nurse@sink.test')).length, 1, 'one reply per sender per :days');
  });
});
