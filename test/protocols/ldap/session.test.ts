/** The LDAP session on a raw socket: operations real clients rarely send, malformed input, pipelining. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { int, octets, sequence } from '../../../src/protocols/ldap/proto/ber.js';
import { RESULT } from '../../../src/protocols/ldap/proto/responses.js';
import { BASE, HAVE_LDAPSEARCH, JANE, sqliteEngine, startLdapFixture, type LdapFixture } from './helpers.js';
import { RawClient, abandonRequest, bindRequest, criticalControl, deleteRequest, eqFilter, extendedRequest, pagedControl, presentFilter, searchRequest, unbindRequest } from './raw-client.js';

describe('LDAP session (raw socket)', () => {
  let fx: LdapFixture;
  before(async () => {
    fx = await startLdapFixture(sqliteEngine());
  });
  after(async () => fx.stop());

  async function bound(): Promise<RawClient> {
    const c = await RawClient.connect(fx.ldap.port);
    c.send(bindRequest(1, JANE[0], JANE[1]));
    assert.equal((await c.result(1))?.code, RESULT.success);
    return c;
  }

  it('answers pipelined requests in order', async () => {
    const c = await bound();
    c.send(Buffer.concat([searchRequest(2, BASE, eqFilter('sn', 'smith'), { attrs: ['cn'] }), searchRequest(3, BASE, eqFilter('givenName', 'sian')), searchRequest(4, '', presentFilter('objectClass'), { scope: 0 })]));
    assert.ok(await c.until((rs) => rs.filter((r) => r.tag === 0x65).length === 3));
    assert.deepEqual(
      c.replies.map((r) => [r.messageId, r.tag]),
      [[1, 0x61], [2, 0x64], [2, 0x64], [2, 0x65], [3, 0x64], [3, 0x65], [4, 0x64], [4, 0x65]],
    );
    c.close();
  });

  it('refuses update operations (read-only) with the operation\'s own response', async () => {
    const c = await bound();
    c.send(deleteRequest(2, `uid=1,ou=people,${BASE}`));
    const r = await c.result(2);
    assert.equal(r?.tag, 0x6b);
    assert.equal(r?.code, RESULT.unwillingToPerform);
    c.close();
  });

  it('answers Who am I?, refuses StartTLS without a certificate (operationsError) and unknown extended operations (protocolError)', async () => {
    const c = await bound();
    c.send(extendedRequest(2, '1.3.6.1.4.1.4203.1.11.3'));
    assert.equal((await c.result(2))?.responseValue, 'u:jane.smith@wardpost.test');
    c.send(extendedRequest(3, '1.3.6.1.4.1.1466.20037'));
    assert.equal((await c.result(3))?.code, RESULT.operationsError);
    c.send(extendedRequest(4, '1.2.3.4'));
    assert.equal((await c.result(4))?.code, RESULT.protocolError);
    assert.ok(!c.closed);
    c.close();
  });

  it('refuses an unknown critical control (unavailableCriticalExtension) and accepts a non-critical one', async () => {
    const c = await bound();
    c.send(searchRequest(2, BASE, eqFilter('sn', 'smith'), { controls: criticalControl('1.2.3.4.5') }));
    assert.equal((await c.result(2))?.code, RESULT.unavailableCriticalExtension);
    c.send(searchRequest(3, BASE, eqFilter('sn', 'smith'), { controls: pagedControl(10, Buffer.alloc(0), true) }));
    assert.equal((await c.result(3))?.code, RESULT.success);
    c.close();
  });

  it('validates paged results cookies: forged or from another search is unwillingToPerform', async () => {
    const c = await bound();
    c.send(searchRequest(2, BASE, presentFilter('objectClass'), { controls: pagedControl(2, Buffer.alloc(0)) }));
    const first = await c.result(2);
    assert.equal(first?.code, RESULT.success);
    const ctl = first!.controls[0]!.value!;
    const cookie = ctl.subarray(ctl.indexOf(0x04, 2) + 2);
    assert.equal(cookie.length, 16);
    c.send(searchRequest(3, BASE, presentFilter('objectClass'), { controls: pagedControl(2, cookie) }));
    assert.equal((await c.result(3))?.code, RESULT.success);
    const forged = Buffer.from(cookie);
    forged[3] = forged[3]! ^ 1;
    c.send(searchRequest(4, BASE, presentFilter('objectClass'), { controls: pagedControl(2, forged) }));
    assert.equal((await c.result(4))?.code, RESULT.unwillingToPerform);
    c.send(searchRequest(5, BASE, eqFilter('sn', 'smith'), { controls: pagedControl(2, cookie) }));
    assert.equal((await c.result(5))?.code, RESULT.unwillingToPerform);
    c.close();
  });

  it('gives an abandoned or unknown abandon no response and carries on', async () => {
    const c = await bound();
    c.send(Buffer.concat([abandonRequest(2, 99), searchRequest(3, BASE, eqFilter('sn', 'jones'))]));
    assert.equal((await c.result(3))?.code, RESULT.success);
    assert.ok(!c.replies.some((r) => r.messageId === 2));
    c.close();
  });

  it('answers protocolError to a malformed search and keeps the session', async () => {
    const c = await bound();
    // scope 9 does not exist
    const bad = sequence([int(2), Buffer.from('6315 0400 0a0109 0a0100 020100 020100 010100 8700 3000'.replace(/ /g, ''), 'hex')]);
    c.send(bad);
    assert.equal((await c.result(2))?.code, RESULT.protocolError);
    c.send(searchRequest(3, BASE, eqFilter('sn', 'jones')));
    assert.equal((await c.result(3))?.code, RESULT.success);
    c.close();
  });

  it('sends the Notice of Disconnection and closes on garbage, an indefinite length or an oversized message', async () => {
    for (const bytes of [Buffer.from('hello world\r\n'), Buffer.from('3080020101', 'hex'), Buffer.from('3084 7fffffff'.replace(' ', ''), 'hex'), sequence([int(5), octets('x', 0x61)])]) {
      const c = await RawClient.connect(fx.ldap.port);
      c.send(bytes);
      await c.until(() => false, 3000);
      assert.ok(c.closed, `still open after ${bytes.toString('hex')}`);
      const notice = c.replies.find((r) => r.messageId === 0);
      assert.equal(notice?.responseName, '1.3.6.1.4.1.1466.20036', bytes.toString('hex'));
      assert.equal(notice?.code, RESULT.protocolError);
    }
  });

  it('closes on unbind', async () => {
    const c = await bound();
    c.send(unbindRequest(2));
    await c.until(() => false, 3000);
    assert.ok(c.closed);
  });

  it('closes after five wrong passwords on one connection', async () => {
    const c = await RawClient.connect(fx.ldap.port);
    for (let i = 1; i <= 5; i++) c.send(bindRequest(i, JANE[0], 'Wrong-Password-123'));
    await c.until(() => false, 10_000);
    assert.ok(c.closed);
    assert.equal(c.replies.filter((r) => r.tag === 0x61 && r.code === RESULT.invalidCredentials).length, 5);
  });

  it('ldapwhoami reports the bound address', { skip: !HAVE_LDAPSEARCH && 'ldap-utils is not installed' }, async () => {
    const out = await new Promise<string>((resolve, reject) =>
      execFile('ldapwhoami', ['-x', '-H', fx.url, '-D', JANE[0], '-w', JANE[1]], (err, stdout, stderr) => (err ? reject(new Error(stderr)) : resolve(stdout))),
    );
    assert.equal(out.trim(), 'u:jane.smith@wardpost.test');
  });
});

describe('LDAP server limits', () => {
  let fx: LdapFixture;
  before(async () => {
    fx = await startLdapFixture(sqliteEngine(), { maxEntries: 3, maxPageSize: 2, maxPagedTotal: 5 });
  });
  after(async () => fx.stop());

  it('caps a search without a size limit at the server\'s limit (sizeLimitExceeded)', async () => {
    const c = await RawClient.connect(fx.ldap.port);
    c.send(bindRequest(1, JANE[0], JANE[1]));
    c.send(searchRequest(2, `ou=people,${BASE}`, presentFilter('objectClass'), { attrs: ['1.1'] }));
    assert.equal((await c.result(2))?.code, RESULT.sizeLimitExceeded);
    assert.equal(c.replies.filter((r) => r.messageId === 2 && r.tag === 0x64).length, 3);
    c.close();
  });

  it('caps page sizes and the total a paged search walks', async () => {
    const c = await RawClient.connect(fx.ldap.port);
    c.send(bindRequest(1, JANE[0], JANE[1]));
    let cookie: Buffer = Buffer.alloc(0);
    let id = 2;
    const sizes: number[] = [];
    let last: number | null | undefined;
    for (;;) {
      c.send(searchRequest(id, `ou=people,${BASE}`, presentFilter('objectClass'), { attrs: ['1.1'], controls: pagedControl(10, cookie) }));
      const done = await c.result(id);
      sizes.push(c.replies.filter((r) => r.messageId === id && r.tag === 0x64).length);
      last = done?.code;
      const ctl = done!.controls[0]!.value!;
      cookie = ctl.subarray(ctl.indexOf(0x04, 2) + 2);
      id++;
      if (!cookie.length) break;
    }
    assert.deepEqual(sizes, [2, 2, 1]);
    assert.equal(last, RESULT.sizeLimitExceeded);
    c.close();
  });
});
