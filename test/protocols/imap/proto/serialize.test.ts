import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  astr, atom, canQuote, code, continuation, encodeString, literal, mailbox, nstr, raw, saslChallenge, serialize, status, str, untagged,
  type ImapOut, type SerializeOptions,
} from '../../../../src/protocols/imap/proto/serialize.js';
import { formatErrorResponse, ImapParseError } from '../../../../src/protocols/imap/proto/errors.js';
import { tokenize } from '../../../../src/protocols/imap/proto/tokenizer.js';
import { CommandFramer } from '../../../../src/protocols/imap/proto/framer.js';

const text = (b: Buffer) => b.toString('latin1');

describe('serialize: values', () => {
  const cases: [string, ImapOut, string | Buffer, SerializeOptions?][] = [
    ['NIL', null, 'NIL'],
    ['number', 42, '42'],
    ['bigint', 18446744073709551615n, '18446744073709551615'],
    ['atom', atom('FLAGS'), 'FLAGS'],
    ['flag atom', atom('\\Seen'), '\\Seen'],
    ['\\* flag', atom('\\*'), '\\*'],
    ['quoted', str('hello world'), '"hello world"'],
    ['empty string', str(''), '""'],
    ['escapes', str('say "hi" \\o/'), '"say \\"hi\\" \\\\o/"'],
    ['CRLF forces a literal', str('a\r\nb'), '{4}\r\na\r\nb'],
    ['8-bit forces a literal in rev1', str('café'), '{5}\r\ncafé'],
    ['8-bit quoted in UTF-8 sessions', str('café'), '"café"', { utf8: true }],
    ['invalid UTF-8 stays a literal', str(Buffer.from([0x61, 0xff])), Buffer.from('{2}\r\na\xff', 'latin1'), { utf8: true }],
    ['NUL forces a binary literal', str(Buffer.from([0x61, 0x00])), '~{2}\r\na\0'],
    ['long values go as literals', str('x'.repeat(11)), `{11}\r\n${'x'.repeat(11)}`, { maxQuotedBytes: 10 }],
    ['nstring null', nstr(null), 'NIL'],
    ['nstring value', nstr('x'), '"x"'],
    ['astring as atom', astr('INBOX'), 'INBOX'],
    ['astring NIL must be quoted', astr('NIL'), '"NIL"'],
    ['astring with space', astr('Sent Items'), '"Sent Items"'],
    ['astring empty', astr(''), '""'],
    ['forced literal', literal('abc'), '{3}\r\nabc'],
    ['binary literal', literal(Buffer.from([1, 2]), true), '~{2}\r\n\x01\x02'],
    ['raw', raw('1:3,5'), '1:3,5'],
    ['list', [atom('\\Seen'), atom('$Forwarded')], '(\\Seen $Forwarded)'],
    ['empty list', [], '()'],
    ['nested list', [1, [str('a'), null], []], '(1 ("a" NIL) ())'],
    ['mailbox rev1', mailbox('Entwürfe', false), 'Entw&APw-rfe'],
    ['mailbox UTF-8', mailbox('Entwürfe', true), '"Entwürfe"', { utf8: true }],
    ['mailbox with &', mailbox('A&B', false), 'A&-B'],
  ];
  for (const [name, value, expected, options] of cases) {
    it(name, () => assert.deepEqual(serialize(value, options), typeof expected === 'string' ? Buffer.from(expected, 'utf8') : expected));
  }

  it('refuses values IMAP cannot carry', () => {
    assert.throws(() => serialize(-1), RangeError);
    assert.throws(() => serialize(1.5), RangeError);
    assert.throws(() => serialize(atom('two words')), RangeError);
    assert.throws(() => serialize(atom('')), RangeError);
  });

  it('canQuote', () => {
    assert.equal(canQuote(Buffer.from('plain')), true);
    assert.equal(canQuote(Buffer.from('tab\there')), true);
    assert.equal(canQuote(Buffer.from('cr\r')), false);
    assert.equal(canQuote(Buffer.from('é')), false);
    assert.equal(canQuote(Buffer.from('é'), { utf8: true }), true);
  });

  it('what is written reads back as the same string', () => {
    const samples = ['', 'a', 'NIL', 'a "b" \\c', 'line\r\nbreak', 'ünïcödé', 'x'.repeat(2000), '\u0001ctl'];
    for (const s of samples) {
      for (const utf8 of [false, true]) {
        const bytes = encodeString(s, { utf8 });
        const framer = new CommandFramer();
        const events = framer.push(Buffer.concat([bytes, Buffer.from('\r\n')]));
        const cmd = events.find((e) => e.type === 'command');
        assert.ok(cmd && cmd.type === 'command');
        const r = tokenize(cmd.command);
        assert.ok(r.ok, JSON.stringify(s));
        const t = r.tokens[0];
        assert.ok(t?.type === 'string');
        assert.equal(t.value.toString('utf8'), s);
      }
    }
  });
});

describe('serialize: responses', () => {
  it('untagged data', () => {
    assert.equal(text(untagged([3, atom('EXISTS')])), '* 3 EXISTS\r\n');
    assert.equal(text(untagged([atom('LIST'), [atom('\\HasNoChildren')], str('/'), astr('INBOX')])), '* LIST (\\HasNoChildren) "/" INBOX\r\n');
    assert.equal(text(untagged([atom('SEARCH'), 2, 3, 6])), '* SEARCH 2 3 6\r\n');
  });
  it('tagged and untagged status with response codes', () => {
    assert.equal(text(status('a1', 'OK', 'LOGIN completed')), 'a1 OK LOGIN completed\r\n');
    assert.equal(text(status('*', 'OK', 'Predicted next UID', code('UIDNEXT', 4392))), '* OK [UIDNEXT 4392] Predicted next UID\r\n');
    assert.equal(text(status('*', 'OK', 'Limited', code('PERMANENTFLAGS', [atom('\\Deleted'), atom('\\Seen'), atom('\\*')]))), '* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n');
    assert.equal(text(status('a2', 'OK', 'done', code('COPYUID', 38505, raw('304,319:320'), raw('3956:3958')))), 'a2 OK [COPYUID 38505 304,319:320 3956:3958] done\r\n');
    assert.equal(text(status('a3', 'NO', 'no\r\nsuch', code('TRYCREATE'))), 'a3 NO [TRYCREATE] no such\r\n');
    assert.equal(text(status('*', 'BYE', '')), '* BYE done\r\n');
  });
  it('continuation requests', () => {
    assert.equal(text(continuation()), '+ Ready\r\n');
    assert.equal(text(continuation('idling')), '+ idling\r\n');
    assert.equal(text(saslChallenge(Buffer.from('hi'))), '+ aGk=\r\n');
    assert.equal(text(saslChallenge(Buffer.alloc(0))), '+ \r\n');
  });
  it('error replies', () => {
    const e = new ImapParseError('LITERAL_TOO_LARGE', 'Literal larger than 65536 bytes', { tag: 'x1' });
    assert.equal(formatErrorResponse(e), 'x1 BAD [TOOBIG] Literal larger than 65536 bytes\r\n');
    assert.equal(formatErrorResponse(new ImapParseError('EMPTY_COMMAND', 'Empty command line')), '* BAD Empty command line\r\n');
    assert.equal(formatErrorResponse(new ImapParseError('LINE_TOO_LONG', 'too long', { tag: 'q' })), 'q BAD [LIMIT] too long\r\n');
    assert.equal(formatErrorResponse(new ImapParseError('BAD_CHARSET', 'nope', { tag: 'c' })), 'c NO [BADCHARSET (UTF-8 US-ASCII)] nope\r\n');
  });
});
