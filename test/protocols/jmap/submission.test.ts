/**
 * Sending over JMAP (RFC 8621 sections 6 to 8): Identity/get and /set from send grants,
 * EmailSubmission/set through the SMTP submission path (local delivery, outbound queue to a sink
 * SMTP server, Bcc removed, send-as and send-on-behalf checks, the implicit Email/set that files
 * the message in Sent), and VacationResponse answered at delivery; on both engines.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { SYSTEM_ACTOR } from '../../../src/core/actor.js';
import { Sink } from '../smtp/helpers.js';
import { eventually, forBothEngines, startJmapFixture, type JmapClient, type JmapFixture } from './helpers.js';

type Json = Record<string, unknown>;

forBothEngines('JMAP sending', (engine) => {
  let f: JmapFixture;
  let sink: Sink;
  let henry: JmapClient;
  let ivy: JmapClient;
  let team: string;
  before(async () => {
    sink = new Sink();
    const port = await sink.start();
    f = await startJmapFixture(engine, { WARDPOST_SMTP_ROUTES: `sink.test=127.0.0.1:${port}`, WARDPOST_QUEUE_RETRY_MS: '300' });
    henry = await f.user('henry');
    ivy = await f.user('ivy');
    const svc = f.server.platform.services;
    team = 'ward7@wardpost.test';
    await svc.accounts.create({ address: team, orgSlug: 'national', name: 'Ward 7 Team', password: null, kind: 'shared' }, SYSTEM_ACTOR);
    await svc.sharing.grantSend({ owner: team, grantee: henry.address, mode: 'send-as' }, SYSTEM_ACTOR);
    await svc.sharing.grantSend({ owner: ivy.address, grantee: henry.address, mode: 'send-on-behalf' }, SYSTEM_ACTOR);
  });
  after(async () => {
    await f.stop();
    await sink.stop();
  });

  const identities = async () => (await henry.call('Identity/get', { ids: null })).list as Json[];

  it('lists an identity per address henry may send as, and keeps edited signatures', async () => {
    const list = await identities();
    assert.deepEqual(list.map((i) => i.email).sort(), [henry.address, ivy.address, team].sort());
    const me = list.find((i) => i.email === henry.address)!;
    const r = await henry.call('Identity/set', { update: { [me.id as string]: { textSignature: '-- \nHenry, ward 7', name: 'Dr Henry' } }, destroy: [me.id] });
    assert.deepEqual(r.updated, { [me.id as string]: null });
    assert.equal((r.notDestroyed as Record<string, Json>)[me.id as string]!.type, 'forbidden');
    const again = (await identities()).find((i) => i.email === henry.address)!;
    assert.equal(again.textSignature, '-- \nHenry, ward 7');
    const c = await henry.call('Identity/set', { create: { x: { email: 'chief@wardpost.test', name: 'Chief' } } });
    assert.equal((c.notCreated as Record<string, Json>).x!.type, 'forbiddenFrom');
  });

  const draft = (from: string, extra: Json = {}) => ({
    mailboxIds: {} as Record<string, boolean>,
    keywords: { $draft: true, $seen: true },
    from: [{ email: from }],
    to: [{ email: ivy.address }, { email: 'outside@sink.test' }],
    bcc: [{ email: 'hidden@sink.test' }],
    subject: 'Bed state at 08:00',
    // Line breaks as a browser's textarea gives them (LF): the server must send CRLF.
    bodyValues: { b: { value: 'Two beds free.\nSide room closed.\n' } },
    textBody: [{ partId: 'b', type: 'text/plain' }],
    ...extra,
  });

  it('sends through the submission path: local copy, queued copy to the sink without Bcc, and files it in Sent', async () => {
    const mb = await henry.mailboxes();
    const me = (await identities()).find((i) => i.email === henry.address)!;
    const d = draft(henry.address);
    d.mailboxIds = { [mb.drafts!]: true };
    const r = await henry.request([
      ['Email/set', { accountId: henry.accountId, create: { m: d } }, 'e'],
      ['EmailSubmission/set', { accountId: henry.accountId, create: { s: { identityId: me.id, emailId: '#m' } }, onSuccessUpdateEmail: { '#s': { [`mailboxIds/${mb.drafts}`]: null, [`mailboxIds/${mb.sent}`]: true, 'keywords/$draft': null } } }, 's'],
      ['EmailSubmission/get', { accountId: henry.accountId, ids: ['#s'] }, 'g'],
    ]);
    assert.deepEqual(r.map((x) => x[0]), ['Email/set', 'EmailSubmission/set', 'Email/set', 'EmailSubmission/get'], JSON.stringify(r));
    const created = (r[1]![1].created as Record<string, Json>).s!;
    assert.equal(created.undoStatus, 'final');
    const implicit = r[2]![1];
    assert.equal(Object.keys(implicit.updated as Json).length, 1, JSON.stringify(implicit));
    const sub = (r[3]![1].list as Json[])[0]!;
    assert.deepEqual(((sub.envelope as Json).rcptTo as Json[]).map((x) => x.email).sort(), [ivy.address, 'hidden@sink.test', 'outside@sink.test'].sort());
    assert.deepEqual(await henry.subjects('sent'), ['Bed state at 08:00']);
    assert.deepEqual(await henry.subjects('drafts'), []);
    const sentId = ((await henry.call('Email/query', { filter: { inMailbox: mb.sent } })).ids as string[])[0];
    const kw = await henry.call('Email/get', { ids: [sentId], properties: ['keywords'] });
    assert.deepEqual((kw.list as Json[])[0]!.keywords, { $seen: true });
    // Ivy got it; the Bcc is not in her copy.
    assert.deepEqual(await ivy.subjects('inbox'), ['Bed state at 08:00']);
    const [ivyId] = (await ivy.call('Email/query', {})).ids as string[];
    const ivyCopy = await ivy.call('Email/get', { ids: [ivyId], properties: ['bcc', 'header:Bcc'] });
    assert.deepEqual((ivyCopy.list as Json[])[0], { id: ivyId, bcc: null, 'header:Bcc': null });
    // The outside recipients went through the outbound queue to the other server, without Bcc.
    const out = await eventually(async () => (sink.messages.length >= 1 ? sink.messages : null), 'the sink to receive the message');
    const raw = out[0]!.raw.toString();
    assert.deepEqual([...out.flatMap((m) => m.to)].sort(), ['hidden@sink.test', 'outside@sink.test']);
    assert.equal(out[0]!.from, henry.address);
    assert.doesNotMatch(raw, /^bcc:/im);
    assert.match(raw, /^Subject: Bed state at 08:00/m);
    assert.match(raw, /Two beds free\.\r\nSide room closed\./);
    assert.doesNotMatch(raw, /[^\r]\n/, 'no bare LF on the wire');
  });

  it('sends as the team mailbox (send-as) and on behalf of Ivy (Sender added); refuses anyone else', async () => {
    const mb = await henry.mailboxes();
    const ids = Object.fromEntries((await identities()).map((i) => [i.email, i.id]));
    const send = async (from: string, identity: string, subject: string) => {
      const d = draft(from, { subject, to: [{ email: ivy.address }], bcc: null });
      d.mailboxIds = { [mb.drafts!]: true };
      const r = await henry.request([
        ['Email/set', { accountId: henry.accountId, create: { m: d } }, 'e'],
        ['EmailSubmission/set', { accountId: henry.accountId, create: { s: { identityId: identity, emailId: '#m' } } }, 's'],
      ]);
      return r[1]![1];
    };
    assert.ok(((await send(team, ids[team] as string, 'From the team')).created as Json).s);
    assert.ok(((await send(ivy.address, ids[ivy.address] as string, 'For Ivy, by Henry')).created as Json).s);
    const forged = await send('chief@wardpost.test', ids[henry.address] as string, 'Forged');
    assert.equal((forged.notCreated as Record<string, Json>).s!.type, 'forbiddenFrom');
    const q = await ivy.call('Email/query', { filter: { subject: 'by Henry' } });
    const g = await ivy.call('Email/get', { ids: q.ids, properties: ['from', 'sender'] });
    assert.deepEqual((g.list as Json[])[0]!.sender, [{ name: 'Test henry', email: henry.address }]);
    const team1 = await ivy.call('Email/query', { filter: { subject: 'From the team' } });
    const tg = await ivy.call('Email/get', { ids: team1.ids, properties: ['from', 'sender'] });
    assert.deepEqual((tg.list as Json[])[0], { id: (team1.ids as string[])[0], from: [{ name: null, email: team }], sender: null });
    assert.deepEqual(await ivy.subjects('inbox').then((s) => s.includes('Forged')), false);
  });

  it('answers with Ivy\'s out-of-office reply once per sender (RFC 5230), and not when it is off', async () => {
    const get = await ivy.call('VacationResponse/get', { ids: null });
    assert.deepEqual((get.list as Json[])[0], { id: 'singleton', isEnabled: false, fromDate: null, toDate: null, subject: null, textBody: null, htmlBody: null });
    const set = await ivy.call('VacationResponse/set', { update: { singleton: { isEnabled: true, subject: 'Away until Monday', textBody: 'I am on leave; call the ward.' } } });
    assert.deepEqual(set.updated, { singleton: null });
    const bad = await ivy.call('VacationResponse/set', { update: { singleton: { fromDate: 'tomorrow' } }, create: { x: {} } });
    assert.equal((bad.notUpdated as Record<string, Json>).singleton!.type, 'invalidProperties');
    assert.equal((bad.notCreated as Record<string, Json>).x!.type, 'singleton');
    const mb = await henry.mailboxes();
    const me = (await identities()).find((i) => i.email === henry.address)!;
    for (const subject of ['Are you in?', 'Still there?']) {
      const d = draft(henry.address, { subject, to: [{ email: ivy.address }], bcc: null });
      d.mailboxIds = { [mb.drafts!]: true };
      await henry.request([
        ['Email/set', { accountId: henry.accountId, create: { m: d } }, 'e'],
        ['EmailSubmission/set', { accountId: henry.accountId, create: { s: { identityId: me.id, emailId: '#m' } } }, 's'],
      ]);
    }
    const replies = await eventually(async () => {
      const s = (await henry.subjects('inbox')).filter((x) => x === 'Away until Monday');
      return s.length ? s : null;
    }, 'the vacation reply');
    assert.equal(replies.length, 1);
    const q = await henry.call('Email/query', { filter: { subject: 'Away until Monday' } });
    const g = await henry.call('Email/get', { ids: q.ids, properties: ['header:Auto-Submitted:asText', 'inReplyTo', 'from'] });
    const reply = (g.list as Json[])[0]!;
    assert.match(String(reply['header:Auto-Submitted:asText']), /^auto-replied/);
    assert.deepEqual(reply.from, [{ name: null, email: ivy.address }]);
    await ivy.call('VacationResponse/set', { update: { singleton: { isEnabled: false } } });
  });
});
