/**
 * Fuzzing the live listener: thousands of random and mutated BER messages (seeded from real
 * ldapsearch traffic) over real sockets. After each one a root DSE probe follows; the server must
 * answer it, or close the connection, or (when the mutation declared a longer message) still be
 * waiting for bytes. Every byte the server sends must decode, and it must keep serving afterwards.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RESULT } from '../../../src/protocols/ldap/proto/responses.js';
import { BASE, JANE, sqliteEngine, startLdapFixture, type LdapFixture } from './helpers.js';
import { RawClient, bindRequest, eqFilter, presentFilter, searchRequest } from './raw-client.js';

const hex = (h: string) => Buffer.from(h, 'hex');
const SEEDS = [
  // captured from ldapsearch: bind, search with every filter kind and the paged control, root DSE, anonymous bind
  hex('3024020101601f02010304126a616e654077617264706f73742e746573748006736563726574'),
  hex('3081b3020102638188041364633d77617264706f73742c64633d746573740a01020a0100020105020103010100a056a11aa40b0402636e30058003736d69a40b0402736e30058203697468a210a30e04057469746c6504054e7572736587046d61696ca515040e656d706c6f7965654e756d6265720403313030a8090402636e04036a6f6e300a0402636e04046d61696ca02330210416312e322e3834302e3131333535362e312e342e333139040730050201020400'),
  hex('3025020102632004000a01000a0100020100020100010100870b6f626a656374436c6173733000'),
  hex('300c020101600702010304008000'),
  hex('3006020104500102'),
  hex('301d02010577188016312e332e362e312e342e312e313436362e3230303337'),
  searchRequest(9, `ou=people,${BASE}`, eqFilter('sn', 'smith'), { attrs: ['cn', 'mail'] }),
  searchRequest(10, `o=rxh,ou=organisations,${BASE}`, presentFilter('mail'), { scope: 1, sizeLimit: 3 }),
];

/** A small deterministic PRNG, so a failure can be replayed (the seed is printed). */
function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

function mutate(rand: () => number): Buffer {
  const int = (n: number) => Math.floor(rand() * n);
  const seed = Buffer.from(SEEDS[int(SEEDS.length)]!);
  switch (int(7)) {
    case 0: {
      // random bytes, usually starting like a message
      const b = Buffer.alloc(1 + int(120));
      for (let i = 0; i < b.length; i++) b[i] = int(256);
      if (rand() < 0.7) b[0] = 0x30;
      return b;
    }
    case 1: {
      for (let k = 1 + int(4); k > 0; k--) seed[int(seed.length)] = int(256);
      return seed;
    }
    case 2:
      return seed.subarray(0, 1 + int(seed.length - 1));
    case 3: {
      const at = int(seed.length);
      const ins = Buffer.alloc(1 + int(8));
      for (let i = 0; i < ins.length; i++) ins[i] = int(256);
      return Buffer.concat([seed.subarray(0, at), ins, seed.subarray(at)]);
    }
    case 4: {
      // a length octet pointed somewhere else
      const at = 1 + int(Math.min(8, seed.length - 1));
      seed[at] = [0x00, 0x7f, 0x80, 0x81, 0x84, 0xff, int(256)][int(7)]!;
      return seed;
    }
    case 5: {
      // deep or wide filters
      let f = hex('8700');
      const depth = int(80);
      for (let i = 0; i < depth; i++) f = Buffer.concat([Buffer.from([[0xa0, 0xa1, 0xa2][int(3)]!]), f.length < 128 ? Buffer.from([f.length]) : Buffer.from([0x82, f.length >> 8, f.length & 0xff]), f]);
      return searchRequest(11, BASE, f);
    }
    default:
      return Buffer.concat([seed, mutate(rand)]);
  }
}

describe('LDAP listener under fuzzing', () => {
  let fx: LdapFixture;
  before(async () => {
    fx = await startLdapFixture(sqliteEngine());
  });
  after(async () => fx.stop());

  it('survives 4,000 mutated messages: answers, closes or waits; never sends malformed bytes', async () => {
    const seed = Number(process.env.LDAP_FUZZ_SEED ?? Date.now() % 1_000_000);
    const rand = prng(seed);
    const TOTAL = 4000;
    const counts = { answered: 0, closed: 0, waiting: 0 };
    const malformed: string[] = [];
    let sent = 0;
    let probeId = 20_000;
    const worker = async () => {
      let conn = 0;
      while (sent < TOTAL) {
        const c = await RawClient.connect(fx.ldap.port);
        if (conn++ % 4 === 0) {
          c.send(bindRequest(1, JANE[0], JANE[1]));
          await c.result(1);
        }
        while (sent < TOTAL && !c.closed) {
          sent++;
          const id = probeId++;
          c.send(mutate(rand));
          c.send(searchRequest(id, '', presentFilter('objectClass'), { scope: 0 }));
          const ok = await c.until((rs) => rs.some((r) => r.messageId === id && r.tag === 0x65), 400);
          if (ok) counts.answered++;
          else if (c.closed) counts.closed++;
          else {
            counts.waiting++;
            break;
          }
        }
        malformed.push(...c.malformed);
        c.close();
      }
    };
    await Promise.all(Array.from({ length: 16 }, () => worker()));
    assert.deepEqual(malformed, [], `seed ${seed}`);
    assert.equal(counts.answered + counts.closed + counts.waiting, TOTAL);
    process.stderr.write(`ldap fuzz (seed ${seed}): ${JSON.stringify(counts)}\n`);

    // Still serving, and every fuzzing connection is gone.
    const c = await RawClient.connect(fx.ldap.port);
    c.send(bindRequest(1, JANE[0], JANE[1]));
    assert.equal((await c.result(1))?.code, RESULT.success);
    c.send(searchRequest(2, BASE, eqFilter('sn', 'smith'), { attrs: ['cn'] }));
    assert.equal((await c.result(2))?.code, RESULT.success);
    assert.equal(c.replies.filter((r) => r.messageId === 2 && r.tag === 0x64).length, 2);
    c.close();
    for (let i = 0; i < 100 && fx.ldap.connections() > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(fx.ldap.connections(), 0);
  });
});
