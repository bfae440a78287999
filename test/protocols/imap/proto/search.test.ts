import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandArgs } from '../../../../src/protocols/imap/proto/commands/types.js';
import type { SearchKey } from '../../../../src/protocols/imap/proto/commands/search.js';
import { imapLimits } from '../../../../src/protocols/imap/proto/limits.js';
import { parse, parseErr, parseOk } from './helpers.js';

const set = (start: number | '*', end: number | '*' = start) => ({ kind: 'set', ranges: [{ start, end }] });
const seen: SearchKey = { type: 'flag', flag: '\\Seen', negate: false };

function criteria(raw: string | Buffer): unknown {
  const cmd = parseOk(raw);
  assert.equal(cmd.name, 'SEARCH');
  return (cmd.args as CommandArgs['SEARCH']).criteria;
}

describe('SEARCH keys', () => {
  const cases: [string, unknown][] = [
    ['ALL', { type: 'all' }],
    ['SEEN', seen],
    ['unseen', { type: 'flag', flag: '\\Seen', negate: true }],
    ['ANSWERED', { type: 'flag', flag: '\\Answered', negate: false }],
    ['UNDELETED', { type: 'flag', flag: '\\Deleted', negate: true }],
    ['DRAFT', { type: 'flag', flag: '\\Draft', negate: false }],
    ['UNFLAGGED', { type: 'flag', flag: '\\Flagged', negate: true }],
    ['NEW', { type: 'new' }],
    ['OLD', { type: 'old' }],
    ['RECENT', { type: 'recent' }],
    ['KEYWORD $Forwarded', { type: 'keyword', keyword: '$Forwarded', negate: false }],
    ['UNKEYWORD Junk', { type: 'keyword', keyword: 'Junk', negate: true }],
    ['FROM "Smith"', { type: 'text', field: 'FROM', value: 'Smith' }],
    ['TO bob', { type: 'text', field: 'TO', value: 'bob' }],
    ['CC {3+}\r\nann', { type: 'text', field: 'CC', value: 'ann' }],
    ['BCC x', { type: 'text', field: 'BCC', value: 'x' }],
    ['SUBJECT "caf\u00e9"', { type: 'text', field: 'SUBJECT', value: 'café' }],
    ['BODY "hello world"', { type: 'text', field: 'BODY', value: 'hello world' }],
    ['TEXT ""', { type: 'text', field: 'TEXT', value: '' }],
    ['HEADER Message-ID "<x@y>"', { type: 'header', name: 'Message-ID', value: '<x@y>' }],
    ['HEADER X-Spam ""', { type: 'header', name: 'X-Spam', value: '' }],
    ['BEFORE 1-Feb-1994', { type: 'date', field: 'internal', comparison: 'before', date: { year: 1994, month: 2, day: 1 } }],
    ['ON "14-Mar-2024"', { type: 'date', field: 'internal', comparison: 'on', date: { year: 2024, month: 3, day: 14 } }],
    ['SINCE 01-jan-2000', { type: 'date', field: 'internal', comparison: 'since', date: { year: 2000, month: 1, day: 1 } }],
    ['SENTBEFORE 1-Feb-1994', { type: 'date', field: 'sent', comparison: 'before', date: { year: 1994, month: 2, day: 1 } }],
    ['SENTON 1-Feb-1994', { type: 'date', field: 'sent', comparison: 'on', date: { year: 1994, month: 2, day: 1 } }],
    ['SENTSINCE 1-Feb-1994', { type: 'date', field: 'sent', comparison: 'since', date: { year: 1994, month: 2, day: 1 } }],
    ['LARGER 10000', { type: 'size', comparison: 'larger', size: 10000 }],
    ['SMALLER 5000000000', { type: 'size', comparison: 'smaller', size: 5000000000 }],
    ['UID 1:*', { type: 'uid', set: set(1, '*') }],
    ['UID $', { type: 'uid', set: { kind: 'saved' } }],
    ['1:5', { type: 'sequence', set: set(1, 5) }],
    ['*', { type: 'sequence', set: set('*') }],
    ['$', { type: 'sequence', set: { kind: 'saved' } }],
    ['MODSEQ 620162338', { type: 'modseq', modSeq: 620162338 }],
    ['MODSEQ "/flags/\\\\draft" all 620162338', { type: 'modseq', modSeq: 620162338, entry: { name: '/flags/\\draft', kind: 'all' } }],
    ['OLDER 3600', { type: 'age', comparison: 'older', seconds: 3600 }],
    ['YOUNGER 60', { type: 'age', comparison: 'younger', seconds: 60 }],
    ['NOT SEEN', { type: 'not', key: seen }],
    ['OR SEEN FLAGGED', { type: 'or', left: seen, right: { type: 'flag', flag: '\\Flagged', negate: false } }],
    ['(SEEN)', seen],
    ['(SEEN DRAFT)', { type: 'and', keys: [seen, { type: 'flag', flag: '\\Draft', negate: false }] }],
    ['SEEN 2:4', { type: 'and', keys: [seen, { type: 'sequence', set: set(2, 4) }] }],
    [
      'OR (FROM a SUBJECT b) NOT (TO c)',
      {
        type: 'or',
        left: { type: 'and', keys: [{ type: 'text', field: 'FROM', value: 'a' }, { type: 'text', field: 'SUBJECT', value: 'b' }] },
        right: { type: 'not', key: { type: 'text', field: 'TO', value: 'c' } },
      },
    ],
    ['OR OR SEEN DRAFT NEW', { type: 'or', left: { type: 'or', left: seen, right: { type: 'flag', flag: '\\Draft', negate: false } }, right: { type: 'new' } }],
  ];
  for (const [keys, expected] of cases) {
    it(JSON.stringify(keys), () => assert.deepEqual(criteria(`a SEARCH ${keys}`), expected));
  }
});

describe('SEARCH program', () => {
  it('CHARSET and RETURN', () => {
    const args = parseOk('a UID SEARCH RETURN (MIN MAX COUNT SAVE) CHARSET utf-8 UNSEEN').args as CommandArgs['SEARCH'];
    assert.deepEqual(args, { charset: 'UTF-8', returnOptions: ['MIN', 'MAX', 'COUNT', 'SAVE'], criteria: { type: 'flag', flag: '\\Seen', negate: true } });
  });
  it('RETURN () means ALL', () => {
    assert.deepEqual((parseOk('a SEARCH RETURN () ALL').args as CommandArgs['SEARCH']).returnOptions, ['ALL']);
  });
  it('a CHARSET Node can decode is used for the strings', () => {
    const raw = Buffer.concat([Buffer.from('a SEARCH CHARSET ISO-8859-1 SUBJECT "caf'), Buffer.from([0xe9]), Buffer.from('"')]);
    assert.deepEqual(criteria(raw), { type: 'text', field: 'SUBJECT', value: 'café' });
  });
  it('an unknown CHARSET fails with NO [BADCHARSET]', () => {
    const e = parseErr('a SEARCH CHARSET X-UNKNOWN-42 ALL');
    assert.equal(e.code, 'BAD_CHARSET');
    assert.equal(e.status, 'NO');
    assert.equal(e.responseCode, 'BADCHARSET');
  });
  it('deep OR chains are fine up to the search depth limit', () => {
    const limits = imapLimits({ maxSearchDepth: 64 });
    const chain = (n: number) => `a SEARCH ${'OR SEEN '.repeat(n)}SEEN`;
    assert.equal(parse(chain(63), { limits }).ok, true);
    const r = parse(chain(64), { limits });
    assert.equal(r.ok ? 'ok' : r.error.code, 'NESTING_TOO_DEEP');
    const nots = parse(`a SEARCH ${'NOT '.repeat(5000)}SEEN`);
    assert.equal(nots.ok ? 'ok' : nots.error.code, 'NESTING_TOO_DEEP');
  });
  it('parenthesised groups are limited by the nesting depth', () => {
    assert.equal(parse(`a SEARCH ${'('.repeat(16)}SEEN${')'.repeat(16)}`).ok, true);
    const r = parse(`a SEARCH ${'('.repeat(17)}SEEN${')'.repeat(17)}`);
    assert.equal(r.ok ? 'ok' : r.error.code, 'NESTING_TOO_DEEP');
  });
  it('a huge sequence set in a search', () => {
    const keys = Array.from({ length: 10_000 }, (_, i) => String(i * 3 + 1)).join(',');
    assert.equal(parse(`a SEARCH UID ${keys}`).ok, true);
    const r = parse(`a SEARCH UID ${keys},999999`);
    assert.equal(r.ok ? 'ok' : r.error.code, 'TOO_MANY_RANGES');
  });
});

describe('SORT and THREAD', () => {
  it('SORT with criteria, charset and keys', () => {
    const cmd = parseOk('a UID SORT (REVERSE ARRIVAL subject) UTF-8 SINCE 1-Feb-1994');
    assert.equal(cmd.name, 'SORT');
    assert.equal(cmd.uid, true);
    assert.deepEqual(cmd.args, {
      sort: [{ key: 'ARRIVAL', reverse: true }, { key: 'SUBJECT', reverse: false }],
      charset: 'UTF-8',
      criteria: { type: 'date', field: 'internal', comparison: 'since', date: { year: 1994, month: 2, day: 1 } },
    });
  });
  it('ESORT RETURN', () => {
    const args = parseOk('a SORT RETURN (COUNT) (DISPLAYFROM) US-ASCII ALL').args as CommandArgs['SORT'];
    assert.deepEqual(args.returnOptions, ['COUNT']);
    assert.equal(args.charset, 'US-ASCII');
  });
  it('THREAD', () => {
    assert.deepEqual(parseOk('a THREAD REFERENCES UTF-8 ALL').args, { algorithm: 'REFERENCES', charset: 'UTF-8', criteria: { type: 'all' } });
    assert.deepEqual(parseOk('a UID THREAD orderedsubject "UTF-8" UNSEEN').args, { algorithm: 'ORDEREDSUBJECT', charset: 'UTF-8', criteria: { type: 'flag', flag: '\\Seen', negate: true } });
  });
});

describe('SEARCH, SORT, THREAD: invalid', () => {
  const cases: [string, string][] = [
    ['a SEARCH', 'UNEXPECTED_END'],
    ['a SEARCH BOGUS', 'UNKNOWN_ARGUMENT'],
    ['a SEARCH constructor', 'UNKNOWN_ARGUMENT'],
    ['a SEARCH FROM', 'UNEXPECTED_END'],
    ['a SEARCH OR SEEN', 'UNEXPECTED_END'],
    ['a SEARCH NOT', 'UNEXPECTED_END'],
    ['a SEARCH (SEEN', 'UNEXPECTED_END'],
    ['a SEARCH SEEN)', 'TRAILING_DATA'],
    ['a SEARCH ()', 'EXPECTED_ATOM'],
    ['a SEARCH BEFORE 31-Feb-2024', 'INVALID_DATE'],
    ['a SEARCH SINCE yesterday', 'INVALID_DATE'],
    ['a SEARCH LARGER -1', 'EXPECTED_NUMBER'],
    ['a SEARCH LARGER 99999999999999999999', 'NUMBER_OUT_OF_RANGE'],
    ['a SEARCH UID 0', 'INVALID_SEQUENCE_SET'],
    ['a SEARCH UID 1:2:3', 'INVALID_SEQUENCE_SET'],
    ['a SEARCH RETURN (BOGUS) ALL', 'UNKNOWN_ARGUMENT'],
    ['a SEARCH RETURN MIN ALL', 'EXPECTED_LIST'],
    ['a SEARCH CHARSET', 'UNEXPECTED_END'],
    ['a SEARCH SUBJECT "caf\xe9"', 'INVALID_UTF8'],
    ['a SEARCH MODSEQ "/bogus" all 5', 'INVALID_ARGUMENT'],
    ['a SEARCH MODSEQ "/flags/x" sometimes 5', 'UNKNOWN_ARGUMENT'],
    ['a SEARCH OLDER 0', 'NUMBER_OUT_OF_RANGE'],
    ['a SEARCH KEYWORD \\Seen', 'EXPECTED_ATOM'],
    ['a SEARCH  ALL', 'EXPECTED_ATOM'],
    ['a SORT (ARRIVAL) ALL', 'UNEXPECTED_END'],
    ['a SORT () UTF-8 ALL', 'EXPECTED_LIST'],
    ['a SORT (BOGUS) UTF-8 ALL', 'UNKNOWN_ARGUMENT'],
    ['a SORT (REVERSE) UTF-8 ALL', 'EXPECTED_SP'],
    ['a THREAD MAGIC UTF-8 ALL', 'UNKNOWN_ARGUMENT'],
    ['a THREAD REFERENCES UTF-8', 'UNEXPECTED_END'],
  ];
  for (const [raw, code] of cases) {
    it(`${JSON.stringify(raw)} -> ${code}`, () => {
      const e = parseErr(Buffer.from(raw, 'latin1'));
      assert.equal(e.code, code, e.message);
      assert.equal(e.tag, 'a');
    });
  }
});
