// Table-driven structure tests: for each message, the parts found, their types and the exact bytes
// of every header and body range; each message is also fed in 1-byte and random chunks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexBuffer, type MessageIndex, type MimeProblem } from '../../../../src/core/mail/mime/index.js';
import { checkInvariants, checkParts, crlf, feed, lf, plain, randomSizes, type PartExpectation } from './helpers.js';

interface Case {
  name: string;
  raw: Buffer;
  parts: Record<string, PartExpectation>;
  problems?: MimeProblem[];
  more?: (index: MessageIndex) => void;
}

const B64 = Buffer.from('%PDF-1.4 not really a pdf, but bytes \x00\x01\x02\xff', 'latin1').toString('base64');

const cases: Case[] = [
  {
    name: 'simple text message',
    raw: crlf(['From: a@example.org', 'Subject: hi', '', 'Hello', 'world', '']),
    parts: { '': { type: 'text/plain', header: 'From: a@example.org\r\nSubject: hi\r\n\r\n', body: 'Hello\r\nworld\r\n', lines: 2, params: { charset: 'us-ascii' }, encoding: '7bit' } },
    more: (ix) => {
      assert.equal(ix.subject, 'hi');
      assert.equal(ix.lineEndings, 'crlf');
      assert.deepEqual(ix.textBody, ['']);
      assert.equal(ix.preview, 'Hello world');
      assert.equal(ix.hasAttachment, false);
    },
  },
  {
    name: 'multipart/alternative',
    raw: crlf([
      'Subject: alt', 'Content-Type: multipart/alternative; boundary="b1"', '',
      'This is a preamble.', '--b1', 'Content-Type: text/plain; charset=utf-8', '', 'Plain text', '--b1',
      'Content-Type: text/html; charset=utf-8', '', '<p>HTML <b>text</b></p>', '', '--b1--', 'epilogue', '',
    ]),
    parts: {
      '': { type: 'multipart/alternative', params: { boundary: 'b1' } },
      '1': { type: 'text/plain', header: 'Content-Type: text/plain; charset=utf-8\r\n\r\n', body: 'Plain text', lines: 1 },
      '2': { type: 'text/html', header: 'Content-Type: text/html; charset=utf-8\r\n\r\n', body: '<p>HTML <b>text</b></p>\r\n', lines: 1 },
    },
    more: (ix) => {
      assert.deepEqual(ix.textBody, ['1']);
      assert.deepEqual(ix.htmlBody, ['2']);
      assert.equal(ix.searchText, 'Plain text');
    },
  },
  {
    name: 'multipart/mixed with a base64 attachment',
    raw: crlf([
      'Content-Type: multipart/mixed; boundary=outer', '', '--outer', '', 'Body without headers', '--outer',
      'Content-Type: application/pdf; name="doc.pdf"', 'Content-Disposition: attachment; filename="doc.pdf"',
      'Content-Transfer-Encoding: BASE64', 'Content-ID: <id1@x>', '', B64.slice(0, 20), B64.slice(20), '--outer--', '',
    ]),
    parts: {
      '': { type: 'multipart/mixed' },
      '1': { type: 'text/plain', header: '\r\n', body: 'Body without headers', params: { charset: 'us-ascii' } },
      '2': { type: 'application/pdf', body: `${B64.slice(0, 20)}\r\n${B64.slice(20)}`, lines: 2, encoding: 'base64', filename: 'doc.pdf' },
    },
    more: (ix) => {
      assert.deepEqual(ix.attachments, ['2']);
      assert.equal(ix.hasAttachment, true);
      const att = ix.structure.children?.[1];
      assert.equal(att?.id, '<id1@x>');
      assert.deepEqual(att?.disposition, { type: 'attachment', params: { filename: 'doc.pdf' } });
    },
  },
  {
    name: 'nested message/rfc822 with a multipart inside',
    raw: crlf([
      'Subject: outer', 'Content-Type: multipart/mixed; boundary=A', '', '--A', 'Content-Type: text/plain', '', 'see attached', '--A',
      'Content-Type: message/rfc822', '', 'From: "Inner Person" <inner@example.org>', 'Subject: =?utf-8?Q?inn=C3=A9r?=',
      'Content-Type: multipart/alternative; boundary=B', '', '--B', 'Content-Type: text/plain', '', 'inner plain', '--B',
      'Content-Type: text/html', '', '<i>inner html</i>', '--B--', '', '--A--', '',
    ]),
    parts: {
      '': { type: 'multipart/mixed' },
      '1': { type: 'text/plain', body: 'see attached' },
      '2': { type: 'message/rfc822', header: 'Content-Type: message/rfc822\r\n\r\n' },
      '2/message': {
        type: 'multipart/alternative',
        header: 'From: "Inner Person" <inner@example.org>\r\nSubject: =?utf-8?Q?inn=C3=A9r?=\r\nContent-Type: multipart/alternative; boundary=B\r\n\r\n',
        body: '--B\r\nContent-Type: text/plain\r\n\r\ninner plain\r\n--B\r\nContent-Type: text/html\r\n\r\n<i>inner html</i>\r\n--B--\r\n',
      },
      '2.1': { type: 'text/plain', body: 'inner plain' },
      '2.2': { type: 'text/html', body: '<i>inner html</i>' },
    },
    more: (ix) => {
      const msg = ix.structure.children?.[1]?.message;
      assert.equal(msg?.envelope.subject, '=?utf-8?Q?inn=C3=A9r?=');
      assert.deepEqual(msg?.envelope.from, [{ name: 'Inner Person', decodedName: 'Inner Person', mailbox: 'inner', host: 'example.org' }]);
      assert.equal(ix.subject, 'outer');
      assert.deepEqual(ix.attachments, ['2']);
      assert.equal(ix.searchText, 'see attached\n\ninner plain');
    },
  },
  {
    name: 'bare LF line endings',
    raw: lf(['Subject: lf', 'Content-Type: multipart/mixed; boundary=z', '', '--z', 'Content-Type: text/plain', '', 'one', 'two', '--z--', '']),
    parts: {
      '': { type: 'multipart/mixed', header: 'Subject: lf\nContent-Type: multipart/mixed; boundary=z\n\n' },
      '1': { type: 'text/plain', header: 'Content-Type: text/plain\n\n', body: 'one\ntwo', lines: 2 },
    },
    more: (ix) => assert.equal(ix.lineEndings, 'lf'),
  },
  {
    name: 'missing final boundary',
    raw: crlf(['Content-Type: multipart/mixed; boundary=q', '', '--q', '', 'first', '--q', 'Content-Type: text/html', '', '<b>last</b>', 'tail', '']),
    parts: {
      '': { type: 'multipart/mixed' },
      '1': { body: 'first' },
      '2': { type: 'text/html', body: '<b>last</b>\r\ntail\r\n', lines: 2 },
    },
    problems: ['missing-close-delimiter'],
  },
  {
    name: 'a boundary that never appears',
    raw: crlf(['Content-Type: multipart/mixed; boundary=never', '', 'just some text', '--other', '']),
    parts: { '': { type: 'text/plain', body: 'just some text\r\n--other\r\n', lines: 2 } },
    problems: ['missing-boundary'],
    more: (ix) => assert.equal(ix.searchText, 'just some text\n--other'),
  },
  {
    name: 'multipart without a boundary parameter',
    raw: crlf(['Content-Type: multipart/mixed', '', 'text', '']),
    parts: { '': { type: 'text/plain', body: 'text\r\n' } },
    problems: ['missing-boundary'],
  },
  {
    name: 'no header at all',
    raw: crlf(['', 'body only', '']),
    parts: { '': { type: 'text/plain', header: '\r\n', body: 'body only\r\n' } },
    more: (ix) => assert.equal(ix.envelope.subject, null),
  },
  {
    name: 'no blank line: everything is header',
    raw: Buffer.from('Subject: only a header\r\nFrom: x@y'),
    parts: { '': { type: 'text/plain', header: 'Subject: only a header\r\nFrom: x@y', body: '', lines: 0 } },
    problems: ['no-header-end'],
    more: (ix) => assert.equal(ix.subject, 'only a header'),
  },
  {
    name: 'garbage Content-Type and an unknown transfer encoding',
    raw: crlf(['Content-Type: ;;; garbage "unterminated', 'Content-Transfer-Encoding: x-weird', '', 'body', '']),
    parts: { '': { type: 'text/plain', body: 'body\r\n', encoding: 'x-weird' } },
  },
  {
    name: 'NUL bytes and 8-bit headers',
    raw: Buffer.concat([Buffer.from('Subject: caf\xe9 \0x\r\nFrom: J\xfcrgen <j@x.de>\r\n\r\n', 'latin1'), Buffer.from('a\0b\r\n')]),
    parts: { '': { type: 'text/plain', body: 'a\0b\r\n', lines: 1 } },
    more: (ix) => {
      assert.equal(ix.subject, 'café x');
      assert.deepEqual(ix.from, [{ name: 'Jürgen', address: 'j@x.de' }]);
    },
  },
  {
    name: 'UTF-8 headers (RFC 6532)',
    raw: crlf(['Subject: Grüße 🎉', 'From: Zoë <zoë@bücher.example>', '', 'x']),
    parts: { '': { body: 'x', lines: 1 } },
    more: (ix) => {
      assert.equal(ix.subject, 'Grüße 🎉');
      assert.deepEqual(ix.from, [{ name: 'Zoë', address: 'zoë@bücher.example' }]);
    },
  },
  {
    name: 'multipart/digest children default to message/rfc822',
    raw: crlf(['Content-Type: multipart/digest; boundary=d', '', '--d', '', 'Subject: one', '', 'first', '--d', 'Content-Type: text/plain', '', 'plain', '--d--']),
    parts: {
      '': { type: 'multipart/digest' },
      '1': { type: 'message/rfc822', header: '\r\n' },
      '1/message': { type: 'text/plain', header: 'Subject: one\r\n\r\n', body: 'first' },
      '2': { type: 'text/plain', body: 'plain' },
    },
  },
  {
    name: 'boundary prefix of an inner boundary, transport padding, unterminated close',
    raw: crlf([
      'Content-Type: multipart/mixed; boundary=ab', '', '--ab \t', 'Content-Type: multipart/related; boundary=ab-c', '',
      '--ab-c', '', 'inner', '--ab-c--', '--ab--  ',
    ]),
    parts: {
      '': { type: 'multipart/mixed' },
      '1': { type: 'multipart/related', body: '--ab-c\r\n\r\ninner\r\n--ab-c--' },
      '1.1': { type: 'text/plain', body: 'inner' },
    },
  },
  {
    name: 'missing inner close delimiter is closed by the outer boundary',
    raw: crlf([
      'Content-Type: multipart/mixed; boundary=o', '', '--o', 'Content-Type: multipart/alternative; boundary=i', '', '--i', '', 'alt one',
      '--o', '', 'second', '--o--', '',
    ]),
    parts: {
      '': { type: 'multipart/mixed' },
      '1': { type: 'multipart/alternative', body: '--i\r\n\r\nalt one' },
      '1.1': { body: 'alt one' },
      '2': { body: 'second' },
    },
    problems: ['missing-close-delimiter'],
  },
  {
    name: 'empty parts and a part whose header runs into the boundary',
    raw: crlf(['Content-Type: multipart/mixed; boundary=e', '', '--e', '--e', 'Content-Type: text/html', '--e', 'Content-Type: text/plain', '', '--e--', '']),
    parts: {
      '': { type: 'multipart/mixed' },
      '1': { header: '', body: '', lines: 0 },
      '2': { type: 'text/html', header: 'Content-Type: text/html', body: '' },
      '3': { type: 'text/plain', header: 'Content-Type: text/plain\r\n\r\n', body: '', lines: 0 },
    },
  },
  {
    name: 'message/rfc822 in base64 is opaque',
    raw: crlf(['Content-Type: message/rfc822', 'Content-Transfer-Encoding: base64', '', Buffer.from('Subject: x\r\n\r\ny').toString('base64'), '']),
    parts: { '': { type: 'application/octet-stream' } },
    problems: ['encoded-message'],
    more: (ix) => assert.equal(ix.structure.opaque, true),
  },
  {
    name: 'folded headers and an mbox From_ line',
    raw: crlf(['From sender@example.org Sat Jan  3 01:05:34 1996', 'Subject: a', '\tfolded', ' subject', 'Content-Type: text/plain;', ' charset="ISO-8859-1"', '', 'x']),
    parts: { '': { type: 'text/plain', params: { charset: 'ISO-8859-1' } } },
    more: (ix) => {
      assert.equal(ix.envelope.subject, 'a\tfolded subject');
      assert.equal(ix.subject, 'a folded subject');
    },
  },
];

describe('MIME structure', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const index = indexBuffer(c.raw);
      checkInvariants(c.raw, index);
      checkParts(c.raw, index, c.parts);
      assert.deepEqual([...index.problems].sort(), [...(c.problems ?? [])].sort(), 'problems');
      c.more?.(index);
      const expected = plain(index);
      assert.deepEqual(plain(await feed(c.raw, () => 1)), expected, 'fed one byte at a time');
      for (let seed = 1; seed <= 5; seed++) {
        assert.deepEqual(plain(await feed(c.raw, randomSizes(seed, 16))), expected, `random chunks, seed ${seed}`);
      }
    });
  }
});
