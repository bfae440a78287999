/** The BER/LDAPv3 codec: requests decoded from raw bytes (several captured from Debian's ldapsearch), malformed input refused, responses encoded. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BerError, elementLength, int, intBytes, octets, readInt } from '../../../../src/protocols/ldap/proto/ber.js';
import { filterToString } from '../../../../src/protocols/ldap/proto/filter.js';
import { LdapDecodeError, decodeMessage, decodePagedControl, type LdapMessage } from '../../../../src/protocols/ldap/proto/messages.js';
import { APP, RESULT, message, noticeOfDisconnection, pagedResponseControl, resultOp, searchEntry } from '../../../../src/protocols/ldap/proto/responses.js';

const LIMITS = { maxDepth: 32, maxNodes: 512, maxAttributes: 128 };
const hex = (h: string) => Buffer.from(h.replace(/\s+/g, ''), 'hex');
const decode = (h: string, limits = LIMITS) => decodeMessage(hex(h), limits);
/** Wraps a protocolOp (hex) in an LDAPMessage with messageID 7. */
const msg = (op: string, controls = '') => {
  const body = Buffer.concat([hex('020107'), hex(op), hex(controls)]);
  return Buffer.concat([hex('30'), lengthOf(body.length), body]).toString('hex');
};
function lengthOf(n: number): Buffer {
  return n < 128 ? Buffer.from([n]) : n < 256 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
}
/** A SearchRequest with base "", scope sub and the given filter (hex). */
const searchWith = (filter: string, tail = '3000') => {
  const body = hex(`0400 0a0102 0a0100 020100 020100 010100 ${filter} ${tail}`);
  return msg(Buffer.concat([hex('63'), lengthOf(body.length), body]).toString('hex'));
};

describe('LDAP request decoding (RFC 4511 section 4)', () => {
  const cases: { name: string; hex: string; check: (m: LdapMessage) => void }[] = [
    {
      name: 'simple bind from ldapsearch -D -w',
      hex: '3024020101601f02010304126a616e654077617264706f73742e746573748006736563726574',
      check: (m) => assert.deepEqual(m, { messageId: 1, controls: [], request: { op: 'bind', version: 3, name: 'jane@wardpost.test', auth: { method: 'simple', password: 'secret' } } }),
    },
    {
      name: 'anonymous bind from ldapsearch -x',
      hex: '300c020101600702010304008000',
      check: (m) => assert.deepEqual(m.request, { op: 'bind', version: 3, name: '', auth: { method: 'simple', password: '' } }),
    },
    {
      name: 'search from ldapsearch with every filter kind, sizelimit, timelimit, attributes and the paged results control',
      hex: '3081b3020102638188041364633d77617264706f73742c64633d746573740a01020a0100020105020103010100a056a11aa40b0402636e30058003736d69a40b0402736e30058203697468a210a30e04057469746c6504054e7572736587046d61696ca515040e656d706c6f7965654e756d6265720403313030a8090402636e04036a6f6e300a0402636e04046d61696ca02330210416312e322e3834302e3131333535362e312e342e333139040730050201020400',
      check: (m) => {
        assert.equal(m.messageId, 2);
        assert.equal(m.request.op, 'search');
        if (m.request.op !== 'search') return;
        assert.equal(m.request.base, 'dc=wardpost,dc=test');
        assert.equal(m.request.scope, 'sub');
        assert.equal(m.request.derefAliases, 0);
        assert.equal(m.request.sizeLimit, 5);
        assert.equal(m.request.timeLimit, 3);
        assert.equal(m.request.typesOnly, false);
        assert.deepEqual(m.request.attributes, ['cn', 'mail']);
        assert.equal(filterToString(m.request.filter), '(&(|(cn=smi*)(sn=*ith))(!(title=Nurse))(mail=*)(employeeNumber>=100)(cn~=jon))');
        assert.deepEqual(m.controls.map((c) => [c.oid, c.critical]), [['1.2.840.113556.1.4.319', false]]);
        assert.deepEqual(decodePagedControl(m.controls[0]!.value), { size: 2, cookie: Buffer.alloc(0) });
      },
    },
    {
      name: 'root DSE search from ldapsearch -b "" -s base',
      hex: '3025020102632004000a01000a0100020100020100010100870b6f626a656374436c6173733000',
      check: (m) => {
        assert.equal(m.request.op === 'search' && m.request.scope, 'base');
        assert.equal(m.request.op === 'search' && filterToString(m.request.filter), '(objectClass=*)');
      },
    },
    { name: 'unbind', hex: '30050201034200', check: (m) => assert.deepEqual(m.request, { op: 'unbind' }) },
    { name: 'abandon', hex: '3006020104500102', check: (m) => assert.deepEqual(m.request, { op: 'abandon', messageId: 2 }) },
    {
      name: 'StartTLS extended request',
      hex: '301d02010577188016312e332e362e312e342e312e313436362e3230303337',
      check: (m) => assert.deepEqual(m.request, { op: 'extended', oid: '1.3.6.1.4.1.1466.20037', value: null }),
    },
    {
      name: 'SASL bind',
      hex: msg('6011 020103 0400 a30a 0408 45585445524e414c'),
      check: (m) => assert.deepEqual(m.request, { op: 'bind', version: 3, name: '', auth: { method: 'sasl', mechanism: 'EXTERNAL' } }),
    },
    { name: 'delete request (refused later as read-only)', hex: msg('4a0161'), check: (m) => assert.deepEqual(m.request, { op: 'update', name: 'delete', responseTag: 0x6b }) },
    {
      name: 'substrings with initial, two any and final; lessOrEqual; absolute true (&) and false (|)',
      hex: searchWith('a02f a412 0402636e 300c 800161 810162 810163 820164 a608 0402736e 04027a7a a000 a100 a90b 820163 8303616263 8401ff'),
      check: (m) => assert.equal(m.request.op === 'search' && filterToString(m.request.filter), '(&(cn=a*b*c*d)(sn<=zz)(&)(|)(c:dn:=abc))'),
    },
    {
      name: 'critical control with a value',
      hex: msg('42 00', 'a0 0d 300b 0403 312e32 0101ff 0401 00'),
      check: (m) => assert.deepEqual(m.controls, [{ oid: '1.2', critical: true, value: Buffer.from([0]) }]),
    },
  ];
  for (const c of cases) it(c.name, () => c.check(decode(c.hex)));

  const bad: { name: string; hex: string; id: number | null; tag: number | null; message?: RegExp }[] = [
    { name: 'empty sequence', hex: '3000', id: null, tag: null },
    { name: 'not a sequence', hex: '0400', id: null, tag: null },
    { name: 'messageID of five octets', hex: '300a02050100000001 4200', id: null, tag: null },
    { name: 'negative messageID', hex: '3005 0201ff 4200', id: null, tag: null },
    { name: 'a response sent as a request', hex: msg('6107 0a0100 0400 0400'), id: 7, tag: null },
    { name: 'unknown scope', hex: msg('6315 0400 0a0107 0a0100 020100 020100 010100 8700 3000'), id: 7, tag: APP.searchResultDone, message: /scope/ },
    { name: 'negative sizeLimit', hex: msg('6315 0400 0a0100 0a0100 0201ff 020100 010100 8700 3000'), id: 7, tag: APP.searchResultDone, message: /negative/ },
    { name: 'unknown filter choice', hex: searchWith('aa00'), id: 7, tag: APP.searchResultDone, message: /filter choice/ },
    { name: 'substrings without components', hex: searchWith('a406 0402636e 3000'), id: 7, tag: APP.searchResultDone },
    { name: 'substrings with initial after any', hex: searchWith('a40c 0402636e 3006 810161 800162'), id: 7, tag: APP.searchResultDone },
    { name: 'not with two filters', hex: searchWith('a204 8700 8700'), id: 7, tag: APP.searchResultDone },
    { name: 'invalid UTF-8 in the base', hex: msg('6316 0401ff 0a0100 0a0100 020100 020100 010100 8700 3000'), id: 7, tag: APP.searchResultDone, message: /UTF-8/ },
    { name: 'element running past its container', hex: msg('6304 0409 6162'), id: 7, tag: APP.searchResultDone },
    { name: 'bind with an unknown authentication choice', hex: msg('6008 020103 0400 810100'), id: 7, tag: APP.bindResponse },
    { name: 'unbind with a value', hex: msg('420100'), id: 7, tag: null },
    { name: 'extended request without a name', hex: msg('7703 810100'), id: 7, tag: APP.extendedResponse },
    { name: 'trailing bytes after the controls', hex: msg('4200', 'a000 0400'), id: 7, tag: null },
    { name: 'too many requested attributes', hex: searchWith('8700', `3003 0401 61`), id: 7, tag: APP.searchResultDone, message: /attributes/ },
  ];
  for (const c of bad) {
    it(`refuses ${c.name}`, () => {
      const limits = c.name.startsWith('too many') ? { ...LIMITS, maxAttributes: 0 } : LIMITS;
      assert.throws(
        () => decode(c.hex, limits),
        (err: unknown) => {
          assert.ok(err instanceof LdapDecodeError, String(err));
          assert.equal(err.messageId, c.id);
          assert.equal(err.responseTag, c.tag);
          if (c.message) assert.match(err.message, c.message);
          return true;
        },
      );
    });
  }

  it('bounds filter depth and size', () => {
    let f = '8700';
    for (let i = 0; i < 40; i++) {
      const b = hex(f);
      f = Buffer.concat([hex('a2'), lengthOf(b.length), b]).toString('hex');
    }
    assert.throws(() => decode(searchWith(f)), /deeper than 32/);
    const many = Array.from({ length: 600 }, () => '8700').join('');
    const b = hex(many);
    assert.throws(() => decode(searchWith(Buffer.concat([hex('a1'), lengthOf(b.length), b]).toString('hex'))), /more than 512 items/);
  });
});

describe('BER framing and integers (X.690)', () => {
  it('finds the length of a complete element, or asks for more', () => {
    assert.equal(elementLength(hex('3003 020101')), 5);
    assert.equal(elementLength(hex('30')), null);
    assert.equal(elementLength(hex('3082')), null);
    assert.equal(elementLength(hex('308201')), null);
    assert.equal(elementLength(hex('30820100')), 260);
    assert.throws(() => elementLength(hex('3080')), /indefinite/);
    assert.throws(() => elementLength(hex('3085 0000000001')), /four octets/);
    assert.throws(() => elementLength(hex('1f01')), /multi-octet/);
  });
  const ints: [number, string][] = [
    [0, '00'],
    [127, '7f'],
    [128, '0080'],
    [256, '0100'],
    [-1, 'ff'],
    [-128, '80'],
    [-129, 'ff7f'],
    [2147483647, '7fffffff'],
  ];
  for (const [n, h] of ints) {
    it(`integer ${n} is ${h} and reads back`, () => {
      assert.equal(intBytes(n).toString('hex'), h);
      assert.equal(readInt({ tag: 2, constructed: false, value: hex(h) }, 'n'), n);
    });
  }
  it('encodes long lengths in the fewest octets', () => {
    assert.equal(octets(Buffer.alloc(200)).subarray(0, 3).toString('hex'), '0481c8');
    assert.equal(octets(Buffer.alloc(300)).subarray(0, 4).toString('hex'), '0482012c');
    assert.equal(int(5).toString('hex'), '020105');
  });
  it('refuses empty and oversized integers', () => {
    assert.throws(() => readInt({ tag: 2, constructed: false, value: Buffer.alloc(0) }, 'n'), BerError);
    assert.throws(() => readInt({ tag: 2, constructed: false, value: Buffer.alloc(5) }, 'n'), BerError);
  });
});

describe('LDAP response encoding', () => {
  it('BindResponse success', () => {
    assert.equal(message(1, resultOp(APP.bindResponse, { code: RESULT.success })).toString('hex'), '300c02010161070a010004000400');
  });
  it('invalidCredentials with a message', () => {
    assert.equal(message(3, resultOp(APP.bindResponse, { code: RESULT.invalidCredentials, message: 'no' })).toString('hex'), hex('300e 020103 6109 0a0131 0400 04026e6f').toString('hex'));
  });
  it('SearchResultEntry', () => {
    assert.equal(message(2, searchEntry('uid=1', [{ type: 'cn', values: ['a'] }])).toString('hex'), '3019020102641404057569643d31300b30090402636e3103040161');
  });
  it('SearchResultDone with the paged results control (RFC 2696)', () => {
    const m = message(2, resultOp(APP.searchResultDone, { code: RESULT.success }), [pagedResponseControl(0, Buffer.from('ab'))]);
    assert.equal(m.toString('hex'), hex('3033 020102 6507 0a0100 0400 0400 a025 3023 0416 312e322e3834302e3131333535362e312e342e333139 0409 3007 020100 04026162').toString('hex'));
  });
  it('Notice of Disconnection (messageID 0, responseName 1.3.6.1.4.1.1466.20036)', () => {
    const n = noticeOfDisconnection(RESULT.protocolError, 'bad');
    assert.equal(n.toString('hex'), hex('3027 020100 7822 0a0102 0400 0403626164 8a16 312e332e362e312e342e312e313436362e3230303336').toString('hex'));
});
});
