/**
 * JMAP core (RFC 8620) over real HTTP: discovery, the Session, authentication (Basic and the web
 * session cookie with CSRF), request-level and method-level errors, Core/echo, result references,
 * blob upload and download.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forBothEngines, startJmapFixture, USING, type JmapClient, type JmapFixture } from './helpers.js';

forBothEngines('JMAP core', (engine) => {
  let f: JmapFixture;
  let alice: JmapClient;
  before(async () => {
    f = await startJmapFixture(engine);
    alice = await f.user('alice');
    await f.deliver(alice.address, { subject: 'Ward round', body: 'See you at nine.\r\n' });
  });
  after(async () => f.stop());

  it('redirects /.well-known/jmap to the Session, which lists capabilities, accounts and URLs', async () => {
    const wk = await alice.raw('GET', '/.well-known/jmap');
    assert.equal(wk.status, 301);
    assert.equal(wk.headers.get('location'), '/jmap/session');
    const s = await alice.session();
    assert.equal(s.username, alice.address);
    assert.deepEqual(Object.keys(s.capabilities as object).sort(), [...USING].sort());
    assert.equal((s.primaryAccounts as Record<string, string>)['urn:ietf:params:jmap:mail'], alice.accountId);
    const acct = (s.accounts as Record<string, { isPersonal: boolean }>)[alice.accountId]!;
    assert.equal(acct.isPersonal, true);
    assert.match(String(s.apiUrl), /\/jmap\/api$/);
    assert.match(String(s.downloadUrl), /\{accountId\}.*\{blobId\}.*\{name\}.*\{type\}/);
    assert.equal(typeof s.state, 'string');
  });

  it('refuses a wrong password with 401 and a Basic challenge; no credentials at all too', async () => {
    const bad = await fetch(`${f.base}/jmap/session`, { headers: { authorization: `Basic ${Buffer.from(`${alice.address}:wrong`).toString('base64')}` } });
    assert.equal(bad.status, 401);
    assert.match(bad.headers.get('www-authenticate') ?? '', /^Basic/);
    assert.equal((await fetch(`${f.base}/jmap/session`)).status, 401);
  });

  it('accepts the web session cookie, and for POST only with the CSRF header', async () => {
    const login = await fetch(`${f.base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ address: alice.address, password: 'Correct-Horse-Battery-9' }) });
    assert.equal(login.status, 200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const { csrf } = (await login.json()) as { csrf: string };
    const session = await fetch(`${f.base}/jmap/session`, { headers: { cookie } });
    assert.equal(session.status, 200);
    const body = JSON.stringify({ using: USING, methodCalls: [['Core/echo', { hello: 1 }, 'e']] });
    const noCsrf = await fetch(`${f.base}/jmap/api`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body });
    assert.equal(noCsrf.status, 403);
    const ok = await fetch(`${f.base}/jmap/api`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' }, body });
    assert.equal(ok.status, 200);
    assert.deepEqual(((await ok.json()) as { methodResponses: unknown }).methodResponses, [['Core/echo', { hello: 1 }, 'e']]);
  });

  it('answers request-level errors as problem details (notJSON, notRequest, unknownCapability, limit)', async () => {
    const post = (body: string) => alice.raw('POST', '/jmap/api', body, { 'content-type': 'application/json' });
    const cases: [string, string][] = [
      ['{not json', 'notJSON'],
      ['{"using": [], "methodCalls": "x"}', 'notRequest'],
      [JSON.stringify({ using: ['urn:example:nope'], methodCalls: [] }), 'unknownCapability'],
      [JSON.stringify({ using: USING, methodCalls: Array.from({ length: 65 }, (_, i) => ['Core/echo', {}, String(i)]) }), 'limit'],
    ];
    for (const [body, type] of cases) {
      const res = await post(body);
      assert.equal(res.status, 400, type);
      assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
      const p = (await res.json()) as { type: string; status: number };
      assert.equal(p.type, `urn:ietf:params:jmap:error:${type}`);
      assert.equal(p.status, 400);
    }
    // The server is still healthy after all of that.
    assert.deepEqual(await alice.call('Core/echo', { still: 'here' }), { accountId: alice.accountId, still: 'here' });
  });

  it('answers method-level errors per call without spoiling the others', async () => {
    const r = await alice.request([
      ['Nope/get', {}, 'a'],
      ['Mailbox/get', { accountId: 'a999999' }, 'b'],
      ['Mailbox/get', { accountId: alice.accountId, ids: 42 }, 'c'],
      ['Core/echo', { ok: true }, 'd'],
      ['Mailbox/get', { accountId: alice.accountId, ids: null }, 'e'],
    ]);
    assert.deepEqual(r.map((x) => [x[0], x[0] === 'error' ? x[1].type : null, x[2]]), [
      ['error', 'unknownMethod', 'a'],
      ['error', 'accountNotFound', 'b'],
      ['error', 'invalidArguments', 'c'],
      ['Core/echo', null, 'd'],
      ['Mailbox/get', null, 'e'],
    ]);
    // A method whose capability is not in "using" is unknown.
    const [m] = await alice.request([['Mailbox/get', { accountId: alice.accountId }, 'x']], ['urn:ietf:params:jmap:core']);
    assert.equal(m![0], 'error');
    assert.equal(m![1].type, 'unknownMethod');
  });

  it('resolves result references (#ids from a query, with /* paths), and reports bad ones', async () => {
    const mb = await alice.mailboxes();
    const r = await alice.request([
      ['Email/query', { accountId: alice.accountId, filter: { inMailbox: mb.inbox } }, 'q'],
      ['Email/get', { accountId: alice.accountId, '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' }, properties: ['subject', 'threadId'] }, 'g'],
      ['Thread/get', { accountId: alice.accountId, '#ids': { resultOf: 'g', name: 'Email/get', path: '/list/*/threadId' } }, 't'],
      ['Email/get', { accountId: alice.accountId, '#ids': { resultOf: 'q', name: 'Email/query', path: '/nothing' } }, 'bad'],
    ]);
    assert.equal(r[1]![0], 'Email/get');
    assert.deepEqual((r[1]![1].list as { subject: string }[]).map((e) => e.subject), ['Ward round']);
    assert.equal(r[2]![0], 'Thread/get');
    assert.equal((r[2]![1].list as unknown[]).length, 1);
    assert.equal(r[3]![0], 'error');
    assert.equal(r[3]![1].type, 'invalidResultReference');
  });

  it('uploads a blob and downloads it again with the type and name asked for; others cannot', async () => {
    const bytes = Buffer.from('%PDF-1.4 pretend pdf \u00e9\n');
    const up = await alice.raw('POST', `/jmap/upload/${alice.accountId}`, bytes, { 'content-type': 'application/pdf' });
    assert.equal(up.status, 201);
    const u = (await up.json()) as { blobId: string; size: number; type: string };
    assert.equal(u.size, bytes.length);
    assert.equal(u.type, 'application/pdf');
    const down = await alice.raw('GET', `/jmap/download/${alice.accountId}/${u.blobId}/report.pdf?type=application/pdf`);
    assert.equal(down.status, 200);
    assert.equal(down.headers.get('content-type'), 'application/pdf');
    assert.match(down.headers.get('content-disposition') ?? '', /report\.pdf/);
    assert.deepEqual(Buffer.from(await down.arrayBuffer()), bytes);
    const bob = await f.user('bob-core');
    const theft = await bob.raw('GET', `/jmap/download/${bob.accountId}/${u.blobId}/x.pdf`);
    assert.equal(theft.status, 404);
    const other = await bob.raw('GET', `/jmap/download/${alice.accountId}/${u.blobId}/x.pdf`);
    assert.equal(other.status, 404);
  });
});
