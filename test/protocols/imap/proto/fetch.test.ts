import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandArgs } from '../../../../src/protocols/imap/proto/commands/types.js';
import { fetchResponseName, type FetchAttribute } from '../../../../src/protocols/imap/proto/commands/fetch.js';
import { formatErrorResponse } from '../../../../src/protocols/imap/proto/errors.js';
import { parseErr, parseOk } from './helpers.js';

function attributes(items: string, uid = false): readonly FetchAttribute[] {
  const cmd = parseOk(`a ${uid ? 'UID ' : ''}FETCH 1 ${items}`);
  assert.equal(cmd.name, 'FETCH');
  return (cmd.args as CommandArgs['FETCH']).attributes;
}

describe('FETCH attributes', () => {
  const cases: [string, FetchAttribute[]][] = [
    ['FLAGS', [{ type: 'FLAGS' }]],
    ['(flags uid)', [{ type: 'FLAGS' }, { type: 'UID' }]],
    ['FAST', [{ type: 'FLAGS' }, { type: 'INTERNALDATE' }, { type: 'RFC822.SIZE' }]],
    ['ALL', [{ type: 'FLAGS' }, { type: 'INTERNALDATE' }, { type: 'RFC822.SIZE' }, { type: 'ENVELOPE' }]],
    ['FULL', [{ type: 'FLAGS' }, { type: 'INTERNALDATE' }, { type: 'RFC822.SIZE' }, { type: 'ENVELOPE' }, { type: 'BODY' }]],
    ['(ENVELOPE BODYSTRUCTURE INTERNALDATE MODSEQ)', [{ type: 'ENVELOPE' }, { type: 'BODYSTRUCTURE' }, { type: 'INTERNALDATE' }, { type: 'MODSEQ' }]],
    ['(RFC822 RFC822.HEADER RFC822.TEXT RFC822.SIZE)', [{ type: 'RFC822' }, { type: 'RFC822.HEADER' }, { type: 'RFC822.TEXT' }, { type: 'RFC822.SIZE' }]],
    ['BODY', [{ type: 'BODY' }]],
    ['BODY[]', [{ type: 'BODY[]', peek: false, section: { part: [] } }]],
    ['BODY.PEEK[]', [{ type: 'BODY[]', peek: true, section: { part: [] } }]],
    ['BODY[TEXT]', [{ type: 'BODY[]', peek: false, section: { part: [], text: 'TEXT' } }]],
    ['body.peek[header]', [{ type: 'BODY[]', peek: true, section: { part: [], text: 'HEADER' } }]],
    ['BODY[1]', [{ type: 'BODY[]', peek: false, section: { part: [1] } }]],
    ['BODY[1.2.3]', [{ type: 'BODY[]', peek: false, section: { part: [1, 2, 3] } }]],
    ['BODY[4.2.MIME]', [{ type: 'BODY[]', peek: false, section: { part: [4, 2], text: 'MIME' } }]],
    ['BODY[3.HEADER]', [{ type: 'BODY[]', peek: false, section: { part: [3], text: 'HEADER' } }]],
    ['BODY[2.TEXT]<0.2048>', [{ type: 'BODY[]', peek: false, section: { part: [2], text: 'TEXT' }, partial: { offset: 0, length: 2048 } }]],
    [
      'BODY.PEEK[HEADER.FIELDS (DATE FROM "Subject")]',
      [{ type: 'BODY[]', peek: true, section: { part: [], text: 'HEADER.FIELDS', fields: ['DATE', 'FROM', 'Subject'] } }],
    ],
    [
      'BODY[1.HEADER.FIELDS.NOT (Received)]<10.5>',
      [{ type: 'BODY[]', peek: false, section: { part: [1], text: 'HEADER.FIELDS.NOT', fields: ['Received'] }, partial: { offset: 10, length: 5 } }],
    ],
    ['BINARY[]', [{ type: 'BINARY[]', peek: false, part: [] }]],
    ['BINARY.PEEK[1.2]<0.100>', [{ type: 'BINARY[]', peek: true, part: [1, 2], partial: { offset: 0, length: 100 } }]],
    ['BINARY.SIZE[3]', [{ type: 'BINARY.SIZE', part: [3] }]],
    ['(UID BODY.PEEK[HEADER] BODY.PEEK[TEXT]<0.100>)', [
      { type: 'UID' },
      { type: 'BODY[]', peek: true, section: { part: [], text: 'HEADER' } },
      { type: 'BODY[]', peek: true, section: { part: [], text: 'TEXT' }, partial: { offset: 0, length: 100 } },
    ]],
  ];
  for (const [items, expected] of cases) {
    it(items, () => assert.deepEqual(attributes(items), expected));
  }

  it('macro is kept', () => {
    assert.equal((parseOk('a FETCH 1:* ALL').args as CommandArgs['FETCH']).macro, 'ALL');
    assert.equal((parseOk('a FETCH 1:* (FLAGS)').args as CommandArgs['FETCH']).macro, undefined);
  });

  it('CHANGEDSINCE and VANISHED (RFC 7162)', () => {
    assert.deepEqual(parseOk('a UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)').args, {
      set: { kind: 'set', ranges: [{ start: 300, end: 500 }] },
      attributes: [{ type: 'FLAGS' }],
      changedSince: 12345,
      vanished: true,
    });
    assert.deepEqual((parseOk('a FETCH 1:* FLAGS (CHANGEDSINCE 7)').args as CommandArgs['FETCH']).changedSince, 7);
  });
});

describe('FETCH: invalid', () => {
  const cases: [string, string, string?][] = [
    ['a FETCH 1 (BODDY)', 'UNKNOWN_ARGUMENT', 'a BAD [CLIENTBUG] Unknown FETCH attribute "BODDY"\r\n'],
    ['a FETCH 1 BODDY', 'UNKNOWN_ARGUMENT'],
    ['a FETCH 1 ()', 'EXPECTED_LIST'],
    ['a FETCH 1', 'UNEXPECTED_END'],
    ['a FETCH 1 (FLAGS', 'UNEXPECTED_END'],
    ['a FETCH 1 (FLAGS))', 'TRAILING_DATA'],
    ['a FETCH 1 (ALL)', 'UNKNOWN_ARGUMENT'],
    ['a FETCH 1 BODY.PEEK', 'INVALID_ARGUMENT'],
    ['a FETCH 1 BINARY', 'INVALID_ARGUMENT'],
    ['a FETCH 1 ENVELOPE[]', 'INVALID_ARGUMENT'],
    ['a FETCH 1 BODY[', 'UNEXPECTED_END'],
    ['a FETCH 1 BODY[0]', 'INVALID_ARGUMENT'],
    ['a FETCH 1 BODY[1.]', 'INVALID_ARGUMENT'],
    ['a FETCH 1 BODY[1HEADER]', 'INVALID_ARGUMENT'],
    ['a FETCH 1 BODY[MIME]', 'INVALID_ARGUMENT'],
    ['a FETCH 1 BODY[FOO]', 'UNKNOWN_ARGUMENT'],
    ['a FETCH 1 BODY[HEADER.FIELDS]', 'EXPECTED_SP'],
    ['a FETCH 1 BODY[HEADER.FIELDS ()]', 'EXPECTED_LIST'],
    ['a FETCH 1 BODY[HEADER.FIELDS (A:B)]', 'INVALID_ARGUMENT'],
    ['a FETCH 1 BODY[]<0>', 'EXPECTED_ATOM'],
    ['a FETCH 1 BODY[]<0.0>', 'INVALID_ARGUMENT'],
    ['a FETCH 1 BODY[]<0.10', 'UNEXPECTED_END'],
    ['a FETCH 1 BINARY[TEXT]', 'INVALID_ARGUMENT'],
    ['a FETCH 1 BINARY.SIZE[1]<0.1>', 'TRAILING_DATA'],
    ['a FETCH 1 FLAGS (VANISHED)', 'INVALID_ARGUMENT'],
    ['a UID FETCH 1 FLAGS (VANISHED)', 'INVALID_ARGUMENT'],
    ['a FETCH 1 FLAGS (CHANGEDSINCE 5 VANISHED)', 'INVALID_ARGUMENT'],
    ['a FETCH 1 FLAGS (CHANGEDSINCE x)', 'EXPECTED_NUMBER'],
    ['a FETCH 1 FLAGS (BOGUS)', 'UNKNOWN_ARGUMENT'],
    ['a FETCH 1 FLAGS ()', 'EXPECTED_LIST'],
    ['a FETCH 1,,2 FLAGS', 'INVALID_SEQUENCE_SET'],
    ['a FETCH x FLAGS', 'INVALID_SEQUENCE_SET'],
    ['a FETCH 1 FL\xc3\x84GS', 'INVALID_CHAR'],
  ];
  for (const [raw, code, reply] of cases) {
    it(`${JSON.stringify(raw)} -> ${code}`, () => {
      const e = parseErr(Buffer.from(raw, 'latin1'));
      assert.equal(e.code, code, e.message);
      assert.equal(e.tag, 'a');
      if (reply) assert.equal(formatErrorResponse(e), reply);
    });
  }
});

describe('fetchResponseName', () => {
  const cases: [string, string][] = [
    ['BODY.PEEK[HEADER.FIELDS (DATE FROM)]<0.100>', 'BODY[HEADER.FIELDS (DATE FROM)]<0>'],
    ['BODY[1.2.MIME]', 'BODY[1.2.MIME]'],
    ['BODY[]', 'BODY[]'],
    ['BINARY.PEEK[1]<5.10>', 'BINARY[1]<5>'],
    ['BINARY.SIZE[2.1]', 'BINARY.SIZE[2.1]'],
    ['RFC822.SIZE', 'RFC822.SIZE'],
  ];
  for (const [items, name] of cases) {
    it(`${items} answers as ${name}`, () => assert.equal(fetchResponseName(attributes(items)[0] as FetchAttribute), name));
  }
});
