/** The Sieve parser and interpreter (RFC 5228, 5230, 5429, 3894, 5232) on tables of scripts and messages. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runSieve, validateSieve, type SieveMessage } from '../../../src/core/rules/sieve/run.js';

const msg = (headers: Record<string, string>, size = 1000, from = 'jane@example.org'): SieveMessage => ({
  headers: Object.entries(headers).map(([name, value]) => ({ name: name.toLowerCase(), value })),
  size,
  envelope: { from, to: 'me@wardpost.test' },
});

const run = (script: string, m: SieveMessage) => runSieve(validateSieve(script), m);

describe('Sieve validation', () => {
  const bad: [string, RegExp][] = [
    ['fileinto "x";', /needs require "fileinto"/],
    ['require "fileinto"; fileinto;', /needs an argument/],
    ['require ["nonsense"];', /unsupported extension/],
    ['frobnicate;', /unknown command/],
    ['if header :is "subject" "x" keep;', /if needs a block/],
    ['if true { keep; ', /expected "}"/],
    ['else { keep; }', /else without if/],
    ['keep', /expected ";"/],
    ['if foo { keep; }', /unknown test "foo"/],
    ['"str";', /expected a command/],
    ['/* open comment', /unterminated comment/],
    ['keep;\nrequire "fileinto";', /line 2: require belongs at the start/],
  ];
  for (const [script, re] of bad) {
    it(`refuses ${JSON.stringify(script)}`, () => assert.throws(() => validateSieve(script), re));
  }
  it('accepts comments, multi-line strings, numbers with units and string lists', () => {
    const cmds = validateSieve('# hello\nrequire ["vacation", "fileinto"];\nif size :over 1M { fileinto "Big"; } /* c */\nvacation :days 3 :addresses ["a@x.org", "b@x.org"] text:\nline one\n..dot\n.\n;');
    assert.equal(cmds.length, 3);
  });
});

describe('Sieve evaluation', () => {
  const cases: [string, string, SieveMessage, Partial<ReturnType<typeof runSieve>>][] = [
    ['no script keeps', '', msg({ subject: 'x' }), { keep: true, fileinto: [] }],
    ['fileinto by header :contains', 'require "fileinto"; if header :contains "subject" "rota" { fileinto "Rota"; }', msg({ subject: 'New ROTA out' }), { keep: false, fileinto: [{ folder: 'Rota', flags: [] }] }],
    ['no match keeps', 'require "fileinto"; if header :contains "subject" "rota" { fileinto "Rota"; }', msg({ subject: 'Lunch' }), { keep: true, fileinto: [] }],
    ['address :domain :is', 'require "fileinto"; if address :domain :is "from" "nhs.example" { fileinto "NHS"; }', msg({ from: 'A <a@nhs.example>' }), { fileinto: [{ folder: 'NHS', flags: [] }] }],
    ['address :localpart :matches', 'if address :localpart :matches "from" "no*reply" { discard; }', msg({ from: 'no-reply@x.org' }), { keep: false, discard: true }],
    [':matches with ?', 'if header :matches "subject" "Ward ?" { discard; }', msg({ subject: 'Ward 7' }), { discard: true }],
    ['i;octet is case-sensitive', 'require "comparator-i;octet"; if header :comparator "i;octet" :is "subject" "ward" { discard; }', msg({ subject: 'Ward' }), { discard: false }],
    ['envelope from', 'require ["envelope", "reject"]; if envelope :is "from" "spam@bad.example" { reject "go away"; }', msg({}, 10, 'spam@bad.example'), { keep: false, reject: 'go away' }],
    ['size :over', 'if size :over 100K { discard; }', msg({}, 200 * 1024), { discard: true }],
    ['size :under', 'if size :under 100K { discard; }', msg({}, 200 * 1024), { discard: false }],
    ['exists, allof, not', 'if allof (exists "x-ward", not exists "list-id") { discard; }', msg({ 'x-ward': '7' }), { discard: true }],
    ['anyof', 'if anyof (false, header :is "subject" "a") { discard; }', msg({ subject: 'a' }), { discard: true }],
    ['elsif/else', 'require "fileinto"; if header :is "subject" "a" { fileinto "A"; } elsif header :is "subject" "b" { fileinto "B"; } else { fileinto "C"; }', msg({ subject: 'b' }), { fileinto: [{ folder: 'B', flags: [] }] }],
    ['stop ends the script', 'require "fileinto"; fileinto "A"; stop; fileinto "B";', msg({}), { fileinto: [{ folder: 'A', flags: [] }] }],
    ['redirect :copy keeps', 'require "copy"; redirect :copy "boss@x.org";', msg({}), { keep: true, redirect: ['boss@x.org'] }],
    ['redirect cancels keep', 'redirect "boss@x.org";', msg({}), { keep: false, redirect: ['boss@x.org'] }],
    ['explicit keep after fileinto', 'require "fileinto"; fileinto "A"; keep;', msg({}), { keep: true }],
    ['flags', 'require ["imap4flags", "fileinto"]; addflag "\\\\Flagged"; fileinto "A";', msg({}), { fileinto: [{ folder: 'A', flags: ['\\Flagged'] }] }],
  ];
  for (const [name, script, m, want] of cases) {
    it(name, () => {
      const r = run(script, m);
      for (const [k, v] of Object.entries(want)) assert.deepEqual(r[k as keyof typeof r], v, k);
    });
  }
  it('vacation with its arguments', () => {
    const r = run('require "vacation"; vacation :days 3 :subject "Away" :handle "h1" "On leave.";', msg({}));
    assert.deepEqual(r.vacation, { reason: 'On leave.', days: 3, subject: 'Away', from: null, addresses: [], handle: 'h1' });
    assert.equal(r.keep, true);
  });
  it('multi-line strings are dot-unstuffed', () => {
    const r = run('require "reject";\nreject text:\nNot here.\n..still\n.\n;', msg({}));
    assert.equal(r.reject, 'Not here.\r\n.still\r\n');
  });
});
