// IMAP section numbers (RFC 3501 §6.4.5) resolved to byte ranges of the raw message.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexBuffer, parseSectionNumber, resolveSection, type SectionText } from '../../../../src/core/mail/mime/index.js';
import { crlf } from './helpers.js';

const nested = crlf([
  'Subject: outer', 'Content-Type: multipart/mixed; boundary=A', '', '--A', 'Content-Type: text/plain', '', 'one', '--A',
  'Content-Type: message/rfc822', '', 'Subject: inner', 'Content-Type: multipart/alternative; boundary=B', '', '--B', '', 'two-one',
  '--B', 'Content-Type: text/html', '', 'two-two', '--B--', '--A', 'Content-Type: message/rfc822', '', 'Subject: single', '', 'three',
  '--A--', '',
]);
const single = crlf(['Subject: s', '', 'only body', '']);

describe('resolveSection', () => {
  const table: [Buffer, string, SectionText | undefined, string | null][] = [
    [nested, '', undefined, nested.toString()],
    [nested, '', 'HEADER', 'Subject: outer\r\nContent-Type: multipart/mixed; boundary=A\r\n\r\n'],
    [nested, '1', undefined, 'one'],
    [nested, '1', 'MIME', 'Content-Type: text/plain\r\n\r\n'],
    [nested, '1', 'HEADER', null],
    [nested, '2', 'HEADER', 'Subject: inner\r\nContent-Type: multipart/alternative; boundary=B\r\n\r\n'],
    [nested, '2', 'TEXT', '--B\r\n\r\ntwo-one\r\n--B\r\nContent-Type: text/html\r\n\r\ntwo-two\r\n--B--'],
    [nested, '2.1', undefined, 'two-one'],
    [nested, '2.2', undefined, 'two-two'],
    [nested, '2.2', 'MIME', 'Content-Type: text/html\r\n\r\n'],
    [nested, '3', 'HEADER', 'Subject: single\r\n\r\n'],
    [nested, '3.1', undefined, 'three'],
    [nested, '3.2', undefined, null],
    [nested, '4', undefined, null],
    [nested, '1.1', undefined, null],
    [single, '1', undefined, 'only body\r\n'],
    [single, '', 'TEXT', 'only body\r\n'],
    [single, '1', 'MIME', 'Subject: s\r\n\r\n'],
    [single, '2', undefined, null],
  ];
  for (const [raw, section, text, expected] of table) {
    it(`${raw === nested ? 'nested' : 'single'} BODY[${[section, text].filter(Boolean).join('.')}]`, () => {
      const ix = indexBuffer(raw);
      const nums = parseSectionNumber(section);
      assert.ok(nums);
      const range = resolveSection(ix.structure, nums, text);
      assert.equal(range === null ? null : raw.subarray(range.start, range.end).toString(), expected);
    });
  }

  it('parseSectionNumber rejects what is not a section number', () => {
    assert.deepEqual(parseSectionNumber('1.2.3'), [1, 2, 3]);
    for (const bad of ['0', '1..2', '1.', 'a', '1.HEADER', '-1']) assert.equal(parseSectionNumber(bad), null, bad);
  });
});
