// Header parsing tables: parameters with RFC 2231, address lists, dates, message ids, and the
// RFC 2047 / RFC 2231 decoding seen end to end through the indexer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MIME_LIMITS,
  indexBuffer,
  parseAddressList,
  parseMailDate,
  parseMessageIds,
  parseStructured,
  type AddressValue,
  type StructuredValue,
} from '../../../../src/core/mail/mime/index.js';
import { crlf } from './helpers.js';

describe('parseStructured (RFC 2045 §5.1, RFC 2231)', () => {
  const table: [string, StructuredValue][] = [
    ['text/plain', { value: 'text/plain', params: {} }],
    ['text/plain; charset="utf-8"', { value: 'text/plain', params: { charset: 'utf-8' } }],
    ['Text/HTML ; CharSet = ISO-8859-1 (comment) ', { value: 'Text/HTML', params: { charset: 'ISO-8859-1' } }],
    ['multipart/mixed; boundary="a;b=\\"c\\""', { value: 'multipart/mixed', params: { boundary: 'a;b="c"' } }],
    ['application/x; name="a b.txt"; junk; =x; size=10', { value: 'application/x', params: { name: 'a b.txt', size: '10' } }],
    ["attachment; filename*=UTF-8''%E2%82%AC%20rates.txt", { value: 'attachment', params: { filename: '€ rates.txt' } }],
    ["attachment; filename*=iso-8859-1'en'caf%E9.txt", { value: 'attachment', params: { filename: 'café.txt' } }],
    [
      "attachment; filename*1*=%C3%A9.pdf; filename*0*=utf-8''r%C3%A9sum; filename=fallback.pdf",
      { value: 'attachment', params: { filename: 'résumé.pdf' } },
    ],
    ['attachment; filename*0="long "; filename*1="name.txt"', { value: 'attachment', params: { filename: 'long name.txt' } }],
    ['text/plain; name="=?utf-8?Q?=C3=A9t=C3=A9?="', { value: 'text/plain', params: { name: '=?utf-8?Q?=C3=A9t=C3=A9?=' } }],
    ['; ; =', { value: '', params: {} }],
    ['text/plain; charset="unterminated', { value: 'text/plain', params: { charset: 'unterminated' } }],
  ];
  for (const [input, expected] of table) {
    it(input, () => assert.deepEqual(parseStructured(input, MIME_LIMITS), expected));
  }
});

const addr = (name: string | null, mailbox: string | null, host: string | null, decodedName: string | null = name): AddressValue => ({ name, decodedName, mailbox, host });

describe('parseAddressList (RFC 5322 §3.4)', () => {
  const table: [string, AddressValue[]][] = [
    ['a@example.org', [addr(null, 'a', 'example.org')]],
    ['John Doe <jdoe@example.org>', [addr('John Doe', 'jdoe', 'example.org')]],
    ['"Doe, John" <jdoe@example.org>, b@x.y', [addr('Doe, John', 'jdoe', 'example.org'), addr(null, 'b', 'x.y')]],
    ['"quoted \\"name\\"" <q@x>', [addr('quoted "name"', 'q', 'x')]],
    ['jdoe@example.org (John Doe)', [addr('John Doe', 'jdoe', 'example.org')]],
    ['=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>', [addr('=?ISO-8859-1?Q?Andr=E9?= Pirard', 'PIRARD', 'vm1.ulg.ac.be', 'André Pirard')]],
    ['<@route1,@route2:user@host>', [addr(null, 'user', 'host')]],
    ['"very odd"@example.org', [addr(null, '"very odd"', 'example.org')]],
    ['undisclosed-recipients:;', [{ name: 'undisclosed-recipients', decodedName: 'undisclosed-recipients', mailbox: null, host: null, group: [] }]],
    [
      'A Group: one@x, Two <two@y>; , after@z',
      [
        { name: 'A Group', decodedName: 'A Group', mailbox: null, host: null, group: [addr(null, 'one', 'x'), addr('Two', 'two', 'y')] },
        addr(null, 'after', 'z'),
      ],
    ],
    ['nodomain', [addr(null, 'nodomain', null)]],
    ['Just A Name', [addr('Just A Name', null, null)]],
    ['<broken@x', [addr(null, 'broken', 'x')]],
    [',, ,', []],
    ['', []],
  ];
  for (const [input, expected] of table) {
    it(JSON.stringify(input), () => assert.deepEqual(parseAddressList(input), expected));
  }
  it('stops at maxAddresses', () => {
    const many = Array.from({ length: 50 }, (_, i) => `u${i}@x`).join(', ');
    assert.equal(parseAddressList(many, 10).length, 10);
  });
});

describe('parseMailDate (RFC 5322 §3.3)', () => {
  const table: [string, string | null][] = [
    ['Tue, 1 Jul 2003 10:52:37 +0200', '2003-07-01T08:52:37.000Z'],
    ['1 Jul 2003 10:52 -0130 (comment)', '2003-07-01T12:22:00.000Z'],
    ['Fri, 21 Nov 97 09:55:06 GMT', '1997-11-21T09:55:06.000Z'],
    ['Thu, 13 Feb 1969 23:32:54 EST', '1969-02-14T04:32:54.000Z'],
    ['Mon, 5 May 2025 7:03:09 +0000', '2025-05-05T07:03:09.000Z'],
    ['2024-03-01T10:00:00Z', '2024-03-01T10:00:00.000Z'],
    ['not a date', null],
    ['', null],
  ];
  for (const [input, expected] of table) {
    it(JSON.stringify(input), () => assert.equal(parseMailDate(input)?.toISOString() ?? null, expected));
  }
});

describe('parseMessageIds (RFC 5322 §3.6.4)', () => {
  const table: [string, string[]][] = [
    ['<a@b>', ['a@b']],
    ['<a@b> (comment) <c@d>\r\n <e@f>', ['a@b', 'c@d', 'e@f']],
    ['bare@id', ['bare@id']],
    ['<>', []],
  ];
  for (const [input, expected] of table) {
    it(JSON.stringify(input), () => assert.deepEqual(parseMessageIds(input), expected));
  }
});

describe('header fields through the indexer', () => {
  it('decodes an RFC 2047 subject and names, keeps them raw in the envelope', () => {
    const raw = crlf([
      'Subject: =?UTF-8?B?w4lsw6h2ZQ==?= =?UTF-8?Q?_r=C3=A9sultats?=',
      'From: =?iso-8859-1?q?Andr=E9?= <andre@example.org>',
      'To: a@x, Group: b@y;',
      'Reply-To: r@x',
      'Date: Mon, 5 May 2025 07:03:09 +0000',
      'Message-ID: <mid@example.org>',
      'In-Reply-To: <p1@x> <p2@x>',
      'References: <r1@x>\r\n <r2@x>',
      '',
      'body',
    ]);
    const ix = indexBuffer(raw);
    assert.equal(ix.subject, 'Élève résultats');
    assert.equal(ix.envelope.subject, '=?UTF-8?B?w4lsw6h2ZQ==?= =?UTF-8?Q?_r=C3=A9sultats?=');
    assert.deepEqual(ix.from, [{ name: 'André', address: 'andre@example.org' }]);
    assert.equal(ix.envelope.from[0]?.name, '=?iso-8859-1?q?Andr=E9?=');
    assert.deepEqual(ix.to, [{ name: '', address: 'a@x' }, { name: '', address: 'b@y' }]);
    assert.equal(ix.envelope.to[1]?.group?.length, 1);
    assert.deepEqual(ix.replyTo, [{ name: '', address: 'r@x' }]);
    assert.deepEqual(ix.envelope.sender, []);
    assert.equal(ix.date?.toISOString(), '2025-05-05T07:03:09.000Z');
    assert.equal(ix.envelope.date, 'Mon, 5 May 2025 07:03:09 +0000');
    assert.equal(ix.messageId, 'mid@example.org');
    assert.equal(ix.envelope.messageId, '<mid@example.org>');
    assert.equal(ix.inReplyTo, 'p1@x');
    assert.equal(ix.envelope.inReplyTo, '<p1@x> <p2@x>');
    assert.deepEqual(ix.references, ['r1@x', 'r2@x']);
  });

  it('decodes an RFC 2231 filename and an RFC 2047 name parameter', () => {
    const raw = crlf([
      'Content-Type: multipart/mixed; boundary=x', '', '--x',
      'Content-Type: application/octet-stream; name="=?UTF-8?B?0YTQsNC50LsudHh0?="', '', 'a', '--x',
      'Content-Type: application/pdf', "Content-Disposition: attachment;\r\n filename*0*=UTF-8''%E6%97%A5%E6%9C%AC;\r\n filename*1*=%E8%AA%9E.pdf",
      'Content-Language: en, de (German)', 'Content-Location: http://example.org/\r\n  doc.pdf', 'Content-Description: the doc', '', 'b', '--x--',
    ]);
    const ix = indexBuffer(raw);
    const [one, two] = ix.structure.children ?? [];
    assert.equal(one?.filename, 'файл.txt');
    assert.equal(one?.params.name, '=?UTF-8?B?0YTQsNC50LsudHh0?=');
    assert.equal(two?.filename, '日本語.pdf');
    assert.deepEqual(two?.disposition, { type: 'attachment', params: { filename: '日本語.pdf' } });
    assert.deepEqual(two?.language, ['en', 'de']);
    assert.equal(two?.location, 'http://example.org/doc.pdf');
    assert.equal(two?.description, 'the doc');
    assert.deepEqual(ix.attachments, ['1', '2']);
  });
});
