import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMutf7, encodeMutf7, Mutf7Error } from '../../../../src/protocols/imap/proto/mutf7.js';
import { decodeMailboxName, normalizeInbox } from '../../../../src/protocols/imap/proto/mailbox-name.js';
import { ImapParseError } from '../../../../src/protocols/imap/proto/errors.js';
import { formatImapDateTime, parseImapDate, parseImapDateTime } from '../../../../src/protocols/imap/proto/datetime.js';

describe('modified UTF-7 (RFC 3501 section 5.1.3)', () => {
  const pairs: [string, string][] = [
    ['INBOX', 'INBOX'],
    ['Entw&APw-rfe', 'Entwürfe'],
    ['&-', '&'],
    ['Tom &- Jerry', 'Tom & Jerry'],
    ['~peter/mail/&U,BTFw-/&ZeVnLIqe-', '~peter/mail/台北/日本語'],
    ['&2D3eAA-', '😀'],
    ['&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-', 'Отправленные'],
    ['a&AOk-b&AOk-', 'aébé'],
  ];
  for (const [wire, text] of pairs) {
    it(`${wire} <-> ${text}`, () => {
      assert.equal(decodeMutf7(wire), text);
      assert.equal(encodeMutf7(text), wire);
    });
  }
  const invalid = ['&', '&AOk', '&AO!-', '&AGE-', '&2D0-', '&3gA-', 'caf\u00e9', 'tab\there', '&AOkA-'];
  for (const wire of invalid) {
    it(`refuses ${JSON.stringify(wire)}`, () => assert.throws(() => decodeMutf7(wire), Mutf7Error));
  }
  it('round-trips random names', () => {
    const alphabet = ['a', 'Z', '&', '-', ' ', '/', 'é', 'ß', '日', '😀', '\u00a0', '~'];
    for (let n = 0; n < 500; n++) {
      let s = '';
      for (let i = 0; i < (n % 13) + 1; i++) s += alphabet[(n * 7 + i * 5 + (n >> 2)) % alphabet.length];
      assert.equal(decodeMutf7(encodeMutf7(s)), s);
    }
  });
});

describe('mailbox names', () => {
  const rev1 = { utf8: false, delimiter: '/' };
  const rev2 = { utf8: true, delimiter: '/' };
  const cases: [string, typeof rev1, string][] = [
    ['inbox', rev1, 'INBOX'],
    ['InBoX', rev2, 'INBOX'],
    ['inbox/Sub', rev1, 'INBOX/Sub'],
    ['inboxes', rev1, 'inboxes'],
    ['Inbox.Sub', rev1, 'Inbox.Sub'],
    ['Entw&APw-rfe', rev1, 'Entwürfe'],
    ['Entw&APw-rfe', rev2, 'Entw&APw-rfe'],
    ['Entwürfe', rev1, 'Entwürfe'],
    ['Entwürfe', rev2, 'Entwürfe'],
    ['Cafe\u0301', rev2, 'Café'],
  ];
  for (const [input, options, expected] of cases) {
    it(`${input} (${options.utf8 ? 'UTF-8' : 'rev1'}) is ${expected}`, () => {
      assert.equal(decodeMailboxName(Buffer.from(input, 'utf8'), options), expected);
    });
  }
  it('refuses bad modified UTF-7, invalid UTF-8 and control characters', () => {
    for (const bytes of [Buffer.from('&AOk'), Buffer.from([0x61, 0xff]), Buffer.from('a\x01b'), Buffer.from('&AAE-')]) {
      assert.throws(() => decodeMailboxName(bytes, rev1), (e: unknown) => e instanceof ImapParseError && e.code === 'INVALID_MAILBOX_NAME');
    }
  });
  it('normalizeInbox honours the delimiter', () => {
    assert.equal(normalizeInbox('inbox.Sub', '.'), 'INBOX.Sub');
    assert.equal(normalizeInbox('inbox/Sub', '.'), 'inbox/Sub');
  });
});

describe('dates', () => {
  it('parses date-text', () => {
    assert.deepEqual(parseImapDate('1-Feb-1994'), { year: 1994, month: 2, day: 1 });
    assert.deepEqual(parseImapDate('29-feb-2024'), { year: 2024, month: 2, day: 29 });
    for (const bad of ['29-Feb-2023', '0-Jan-2020', '32-Jan-2020', '1-Foo-2020', '1-Jan-20', '1 Jan 2020', '']) {
      assert.equal(parseImapDate(bad), undefined, bad);
    }
  });
  it('parses date-time with its zone', () => {
    const dt = parseImapDateTime('17-Jul-1996 02:44:25 -0700');
    assert.equal(dt?.date.toISOString(), '1996-07-17T09:44:25.000Z');
    assert.equal(dt?.zoneMinutes, -420);
    assert.equal(parseImapDateTime(' 7-Jul-1996 02:44:25 +0000')?.date.toISOString(), '1996-07-07T02:44:25.000Z');
    for (const bad of ['17-Jul-1996 24:00:00 +0000', '17-Jul-1996 02:44:25', '17-Jul-1996 02:44:25 +0060', '17-Jul-1996']) {
      assert.equal(parseImapDateTime(bad), undefined, bad);
    }
  });
  it('formats INTERNALDATE', () => {
    assert.equal(formatImapDateTime(new Date('1996-07-17T09:44:25Z'), -420), '"17-Jul-1996 02:44:25 -0700"');
    assert.equal(formatImapDateTime(new Date('2024-01-05T00:00:00Z')), '"05-Jan-2024 00:00:00 +0000"');
  });
});
