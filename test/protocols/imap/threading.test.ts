/** RFC 5256 base subjects and the REFERENCES / ORDEREDSUBJECT algorithms, as tables. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { baseSubjectOf, formatThreads, threadOrderedSubject, threadReferences, type ThreadInput } from '../../../src/protocols/imap/threading.js';

let day = 0;
function m(id: number, messageId: string | null, subject: string, references: string[] = [], date?: number): ThreadInput {
  return { id, messageId, subject, references, date: date ?? ++day * 86_400_000 };
}

describe('RFC 5256 threading', () => {
  it('extracts base subjects and tells replies apart (section 2.1)', () => {
    const cases: [string, string, boolean][] = [
      ['Hello', 'hello', false],
      ['Re: Hello', 'hello', true],
      ['RE:re:  Fwd:Hello   world', 'hello world', true],
      ['Re: [ward-7] Fw: Hello (fwd)', 'hello', true],
      ['[ward-7] Hello', 'hello', false],
      ['[ward-7][rota] Re: Hello', 'hello', true],
      ['Re [blob]: Hello', 'hello', true],
      ['[fwd: Re: Hello]', 'hello', true],
      ['[only a blob]', '[only a blob]', false],
      ['Hello (fwd) (fwd)', 'hello', true],
      ['Regarding the rota', 'regarding the rota', false],
      ['', '', false],
    ];
    for (const [subject, base, reply] of cases) assert.deepEqual(baseSubjectOf(subject), { base, reply }, subject);
  });

  it('REFERENCES: parents from References, missing parents as dummies, date order', () => {
    day = 0;
    const list = [
      m(1, 'a', 'Rota'),
      m(2, 'b', 'Re: Rota', ['a']),
      m(3, 'c', 'Re: Rota', ['a', 'b']),
      m(4, 'd', 'Audit'),
      // Two replies to a message that is not in the mailbox: a dummy root keeps them together.
      m(5, 'e', 'Re: Theatre list', ['lost']),
      m(6, 'f', 'Re: Theatre list', ['lost']),
      // A reply whose In-Reply-To is its only reference, arriving before its sibling in date order.
      m(7, 'g', 'Re: Rota', ['a'], 2.5 * 86_400_000),
    ];
    assert.equal(formatThreads(threadReferences(list)), '(1 (2 3)(7))(4)((5)(6))');
  });

  it('REFERENCES: threads with one base subject are merged (section 3, step 5)', () => {
    day = 0;
    // No References at all: the reply joins the original by subject.
    assert.equal(formatThreads(threadReferences([m(1, 'a', 'Handover'), m(2, 'b', 'Re: Handover'), m(3, 'c', 'Other')])), '(1 2)(3)');
    // Two originals with one subject: a dummy holds both.
    day = 0;
    assert.equal(formatThreads(threadReferences([m(1, 'a', 'Handover'), m(2, 'b', 'Other'), m(3, 'c', 'handover')])), '((1)(3))(2)');
    // The reply is older than the original: the original still becomes the parent.
    day = 0;
    assert.equal(formatThreads(threadReferences([m(1, 'a', 'Fwd: Handover'), m(2, 'b', 'Handover')])), '(2 1)');
    // A dummy root (two replies to a lost message) takes a later original of the same subject.
    day = 0;
    assert.equal(formatThreads(threadReferences([m(1, 'a', 'Re: Beds', ['lost']), m(2, 'b', 'Re: Beds', ['lost']), m(3, 'c', 'Beds')])), '((1)(2)(3))');
  });

  it('REFERENCES: loops, duplicate and missing Message-IDs do not break it', () => {
    day = 0;
    const out = formatThreads(threadReferences([m(1, 'a', 'x', ['b']), m(2, 'b', 'y', ['a']), m(3, 'a', 'z'), m(4, null, 'w'), m(5, null, 'v')]));
    for (const id of ['1', '2', '3', '4', '5']) assert.match(out, new RegExp(`\\b${id}\\b`), out);
    assert.equal(out.match(/\d/g)!.length, 5, 'every message once');
  });

  it('ORDEREDSUBJECT groups by base subject in date order', () => {
    day = 0;
    assert.equal(formatThreads(threadOrderedSubject([m(1, 'a', 'Rota'), m(2, 'b', 'Audit'), m(3, 'c', 'Re: rota'), m(4, 'd', 'Rota')])), '(1 (3)(4))(2)');
  });
});
