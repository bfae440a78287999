/** The streaming message checks, as a table of inputs split into chunks at every position. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageCheck } from '../../../src/core/transport/message-check.js';
import { addressesIn, parseHeaderBlock } from '../../../src/core/transport/headers.js';
import { buildDsn, statusFromReply } from '../../../src/core/transport/dsn.js';
import { parseSmtpRoutes, ConfigError, loadConfig } from '../../../src/config/config.js';

const limits = { maxLineBytes: 1000, maxMessageBytes: 4096 };

function check(input: string, split: number): string | null {
  const c = new MessageCheck(limits);
  const buf = Buffer.from(input, 'latin1');
  c.feed(buf.subarray(0, split));
  c.feed(buf.subarray(split));
  return c.problem ? `${c.problem.code}: ${c.problem.message}` : null;
}

const CASES: [string, string, RegExp | null][] = [
  ['well-formed', 'Subject: a\r\n\r\nbody\r\nline two\r\n', null],
  ['bare LF', 'Subject: a\nbody\r\n', /invalid_message: .*bare LF/],
  ['bare LF at the end', 'Subject: a\r\n\r\nbody\n', /bare LF/],
  ['bare CR', 'Subject: a\rbody\r\n', /bare CR/],
  ['NUL', 'Subject: a\r\n\r\nbo\u0000dy\r\n', /NUL/],
  ['998 characters is fine', `Subject: a\r\n\r\n${'x'.repeat(998)}\r\n`, null],
  ['999 characters is too long', `Subject: a\r\n\r\n${'x'.repeat(999)}\r\n`, /longer than 998/],
  ['too large', `Subject: a\r\n\r\n${'abcdefgh\r\n'.repeat(500)}`, /message_too_large/],
];

describe('message checks (RFC 5321 2.3.8, RFC 5322 2.1.1)', () => {
  for (const [name, input, expected] of CASES) {
    it(`${name}, whatever the chunking`, () => {
      for (let split = 0; split <= input.length; split += Math.max(1, Math.floor(input.length / 37))) {
        const got = check(input, split);
        if (expected) assert.match(got ?? 'accepted', expected, `split at ${split}`);
        else assert.equal(got, null, `split at ${split}`);
      }
    });
  }
});

describe('header helpers', () => {
  it('parses folded fields, first occurrence wins, stops at the body', () => {
    const h = parseHeaderBlock(Buffer.from('From: "Smith, Jane" <Jane@Example.org>\r\nSubject: a\r\n folded\r\nSubject: second\r\n\r\nFrom: body@x.org\r\n'));
    assert.equal(h.get('subject'), 'a folded');
    assert.deepEqual(addressesIn(h.get('from')), ['jane@example.org']);
    assert.deepEqual(addressesIn('a@x.org, "B (c), d" <b@y.org> (comment, e@z.org)'), ['a@x.org', 'b@y.org']);
  });

  it('builds a DSN with one status block per recipient', () => {
    const dsn = buildDsn({
      reportingMta: 'mx.example',
      postmaster: 'mailer-daemon@wardpost.test',
      to: 'a@wardpost.test',
      arrival: new Date(0),
      recipients: [{ address: 'x@y.org', action: 'failed', status: statusFromReply('550 5.1.1 unknown', true), diagnostic: '550 5.1.1 unknown', remoteMta: 'y.org', lastAttempt: new Date(0) }],
      originalHeaders: 'Subject: hi\r\n',
      originalSubject: 'hi',
      expired: false,
    }).toString();
    assert.match(dsn, /^From: Mail Delivery System <mailer-daemon@wardpost\.test>/);
    assert.match(dsn, /Reporting-MTA: dns; mx\.example\r\nArrival-Date: Thu, 01 Jan 1970 00:00:00 \+0000\r\n\r\nFinal-Recipient: rfc822; x@y\.org\r\nAction: failed\r\nStatus: 5\.1\.1\r\nRemote-MTA: dns; y\.org/);
    assert.equal(statusFromReply('connection refused', false), '4.0.0');
  });
});

describe('WARDPOST_SMTP_ROUTES', () => {
  it('parses DOMAIN=HOST:PORT lists and refuses anything else naming the variable', () => {
    assert.deepEqual(parseSmtpRoutes('Example.org=127.0.0.1:2526, *=relay.local:25,v6.test=[::1]:25'), {
      'example.org': { host: '127.0.0.1', port: 2526 },
      '*': { host: 'relay.local', port: 25 },
      'v6.test': { host: '::1', port: 25 },
    });
    for (const bad of ['example.org', 'example.org=host', 'example.org=host:0', 'example.org=host:99999', '=host:25']) {
      assert.throws(() => loadConfig({ WARDPOST_SMTP_ROUTES: bad }), (e: unknown) => e instanceof ConfigError && /^invalid WARDPOST_SMTP_ROUTES=/.test(e.message));
    }
    assert.throws(() => loadConfig({ WARDPOST_QUEUE_RETRY_MS: 'soon' }), /WARDPOST_QUEUE_RETRY_MS/);
  });
});
