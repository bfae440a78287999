import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  compileSequenceSet, formatRanges, parseSequenceSet, rangesFromNumbers, resolveSequenceSet, sequenceSetExceeds,
  sequenceSetToString, type SequenceSet,
} from '../../../../src/protocols/imap/proto/sequence-set.js';
import { ImapParseError } from '../../../../src/protocols/imap/proto/errors.js';

function code(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (e) {
    assert.ok(e instanceof ImapParseError, 'a typed error');
    return e.code;
  }
}

describe('parseSequenceSet', () => {
  const valid: [string, SequenceSet][] = [
    ['1', { kind: 'set', ranges: [{ start: 1, end: 1 }] }],
    ['1:*', { kind: 'set', ranges: [{ start: 1, end: '*' }] }],
    ['*:3', { kind: 'set', ranges: [{ start: '*', end: 3 }] }],
    ['2,4:7,9', { kind: 'set', ranges: [{ start: 2, end: 2 }, { start: 4, end: 7 }, { start: 9, end: 9 }] }],
    ['*', { kind: 'set', ranges: [{ start: '*', end: '*' }] }],
    ['$', { kind: 'saved' }],
    ['4294967295', { kind: 'set', ranges: [{ start: 4294967295, end: 4294967295 }] }],
    ['7:2', { kind: 'set', ranges: [{ start: 7, end: 2 }] }],
  ];
  for (const [text, expected] of valid) {
    it(`parses ${text}`, () => {
      const set = parseSequenceSet(text);
      assert.deepEqual(set, expected);
      assert.equal(sequenceSetToString(set), text);
    });
  }
  const invalid = ['', '0', '01', '1:', ':1', '1,', ',1', '1::2', '4294967296', '99999999999', '$,1', '1,$', 'a', '1:2:3', '**'];
  for (const text of invalid) {
    it(`refuses ${JSON.stringify(text)}`, () => assert.equal(code(() => parseSequenceSet(text)), 'INVALID_SEQUENCE_SET'));
  }
  it('refuses more ranges than the limit', () => {
    const ok = Array.from({ length: 10_000 }, (_, i) => String(i * 2 + 1)).join(',');
    assert.equal(code(() => parseSequenceSet(ok)), 'ok');
    assert.equal(code(() => parseSequenceSet(`${ok},99999`)), 'TOO_MANY_RANGES');
  });
});

describe('resolveSequenceSet', () => {
  const cases: [string, number, string][] = [
    ['1:*', 10, '1:10'],
    ['*', 10, '10'],
    ['*:3', 10, '3:10'],
    ['7:2', 10, '2:7'],
    ['2,4:7,9', 10, '2,4:7,9'],
    ['5:8,1:6,10', 10, '1:8,10'],
    ['1:3,4:6', 10, '1:6'],
    ['11:20', 10, ''],
    ['559:*', 100, '100'],
    ['1:*', 0, ''],
    ['3,1,2', 5, '1:3'],
    ['1:4294967295', 4294967295, '1:4294967295'],
  ];
  for (const [text, max, expected] of cases) {
    it(`${text} against ${max} is ${expected || 'empty'}`, () => {
      assert.equal(formatRanges(resolveSequenceSet(parseSequenceSet(text), max)), expected);
    });
  }
  it('$ resolves to the saved result', () => {
    assert.deepEqual(resolveSequenceSet({ kind: 'saved' }, 10, [[2, 3], [9, 12]]), [[2, 3], [9, 10]]);
    assert.deepEqual(resolveSequenceSet({ kind: 'saved' }, 10), []);
  });
});

describe('ResolvedSequenceSet', () => {
  it('tests membership in huge ranges without materialising them', () => {
    const set = compileSequenceSet(parseSequenceSet('1:2000000000,3000000000:*'), 4294967295);
    assert.equal(set.size, 2000000000 + 1294967296);
    assert.equal(set.has(1), true);
    assert.equal(set.has(2000000000), true);
    assert.equal(set.has(2000000001), false);
    assert.equal(set.has(4294967295), true);
    assert.equal(set.has(0), false);
    assert.equal(set.first, 1);
    assert.equal(set.last, 4294967295);
  });

  it('handles ten thousand ranges', () => {
    const text = Array.from({ length: 10_000 }, (_, i) => `${i * 10 + 1}:${i * 10 + 5}`).join(',');
    const set = compileSequenceSet(parseSequenceSet(text), 1_000_000);
    assert.equal(set.ranges.length, 10_000);
    assert.equal(set.size, 50_000);
    assert.equal(set.has(99_995), true);
    assert.equal(set.has(99_996), false);
  });

  it('iterates in ascending order without duplicates', () => {
    assert.deepEqual([...compileSequenceSet(parseSequenceSet('5,1:3,2,*'), 6)], [1, 2, 3, 5, 6]);
  });

  it('sequenceSetExceeds finds numbers past the end (BAD for message numbers)', () => {
    assert.equal(sequenceSetExceeds(parseSequenceSet('1:5'), 5), false);
    assert.equal(sequenceSetExceeds(parseSequenceSet('1:6'), 5), true);
    assert.equal(sequenceSetExceeds(parseSequenceSet('*:9'), 5), true);
    assert.equal(sequenceSetExceeds(parseSequenceSet('1:*'), 5), false);
    assert.equal(sequenceSetExceeds(parseSequenceSet('*'), 0), true);
    assert.equal(sequenceSetExceeds({ kind: 'saved' }, 0), false);
  });

  it('rangesFromNumbers compacts numbers', () => {
    assert.equal(formatRanges(rangesFromNumbers([9, 1, 2, 3, 3, 7, 8])), '1:3,7:9');
    assert.equal(formatRanges(rangesFromNumbers([])), '');
  });
});
