/**
 * LDAP under TLS: StartTLS (RFC 4511 section 4.14) on the plain port and implicit TLS on the LDAPS
 * port, driven by Debian's ldapsearch (-ZZ and ldaps://) and by a raw client for the refusals.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import net from 'node:net';
import tls from 'node:tls';
import { RESULT } from '../../../src/protocols/ldap/proto/responses.js';
import { RawClient, bindRequest, eqFilter, extendedRequest, searchRequest } from './raw-client.js';
import { BASE, HAVE_LDAPSEARCH, JANE, REQUIRE_PEERS, ldapsearch, names, sqliteEngine, startLdapFixture, type LdapFixture } from './helpers.js';

const START_TLS = '1.3.6.1.4.1.1466.20037';
const NO_VERIFY = { LDAPTLS_REQCERT: 'never' };
const skip = !HAVE_LDAPSEARCH && !REQUIRE_PEERS ? 'ldapsearch (ldap-utils) is not installed' : false;

/** Upgrades a raw client's connection after a successful StartTLS response. */
function upgrade(c: RawClient): Promise<RawClient> {
  c.socket.removeAllListeners('data');
  return new Promise((resolve, reject) => {
    const s = tls.connect({ socket: c.socket, rejectUnauthorized: false }, () => resolve(RawClient.over(s)));
    s.once('error', reject);
  });
}

describe('LDAP over TLS', () => {
  let fx: LdapFixture;
  before(async () => {
    fx = await startLdapFixture(sqliteEngine(), {}, { tls: true });
  });
  after(async () => {
    await fx.stop();
  });

  it('advertises StartTLS in the root DSE and searches after it with ldapsearch -ZZ (TLS required)', { skip }, async () => {
    const dse = await ldapsearch(fx, { base: '', scope: 'base', attrs: ['supportedExtension'] });
    assert.ok(dse.entries[0]?.attrs.supportedExtension?.includes(START_TLS), dse.stdout);
    const r = await ldapsearch(fx, { bind: JANE, filter: '(sn=smith)', attrs: ['cn'], extra: ['-ZZ'], env: NO_VERIFY });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(names(r), ['Jane Smith', 'John Smith']);
  });

  it('searches over ldaps:// (implicit TLS)', { skip }, async () => {
    const r = await ldapsearch(fx, { bind: JANE, filter: '(sn=smith*)', attrs: ['cn'], url: fx.ldapsUrl!, env: NO_VERIFY });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(names(r), ['Jane Smith', 'Joanna Smithers', 'John Smith']);
    // Verifying the self-signed certificate fails: ldapsearch really spoke TLS to us.
    const strict = await ldapsearch(fx, { bind: JANE, filter: '(sn=smith)', url: fx.ldapsUrl!, env: { LDAPTLS_REQCERT: 'demand' } });
    assert.notEqual(strict.code, 0);
  });

  it('answers StartTLS with success and the OID, then serves over TLS; a second StartTLS is operationsError', async () => {
    const plain = await RawClient.connect(fx.ldap.port);
    plain.send(extendedRequest(1, START_TLS));
    const res = await plain.result(1);
    assert.equal(res?.code, RESULT.success);
    assert.equal(res?.responseName, START_TLS);
    const c = await upgrade(plain);
    c.send(bindRequest(2, ...JANE));
    assert.equal((await c.result(2))?.code, RESULT.success);
    c.send(searchRequest(3, BASE, eqFilter('sn', 'smith'), { attrs: ['cn'] }));
    assert.equal((await c.result(3))?.code, RESULT.success);
    assert.equal(c.replies.filter((r) => r.messageId === 3 && r.tag === 0x64).length, 2);
    c.send(extendedRequest(4, START_TLS));
    assert.equal((await c.result(4))?.code, RESULT.operationsError);
    assert.deepEqual(c.malformed, []);
    c.close();
  });

  it('refuses StartTLS when the LDAPS port is already TLS, and a plain client on the LDAPS port only loses its own connection', async () => {
    const s = await new Promise<tls.TLSSocket>((resolve, reject) => {
      const t = tls.connect({ host: '127.0.0.1', port: fx.ldap.tlsPort!, rejectUnauthorized: false }, () => resolve(t));
      t.once('error', reject);
    });
    const c = RawClient.over(s);
    c.send(extendedRequest(1, START_TLS));
    assert.equal((await c.result(1))?.code, RESULT.operationsError);
    c.close();

    const raw = await new Promise<net.Socket>((resolve) => {
      const p = net.connect({ host: '127.0.0.1', port: fx.ldap.tlsPort! }, () => resolve(p));
    });
    raw.on('error', () => undefined);
    const closed = new Promise((r) => raw.once('close', r));
    raw.write(bindRequest(1, ...JANE));
    await closed;
    const again = await RawClient.connect(fx.ldap.port);
    again.send(bindRequest(1, ...JANE));
    assert.equal((await again.result(1))?.code, RESULT.success);
    again.close();
  });
});
