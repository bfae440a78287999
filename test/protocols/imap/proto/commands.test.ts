import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandArgs, CommandName } from '../../../../src/protocols/imap/proto/commands/types.js';
import type { ParseOptions } from '../../../../src/protocols/imap/proto/commands/index.js';
import { parseCommand } from '../../../../src/protocols/imap/proto/commands/index.js';
import { parseIdleDone, parseSaslResponse } from '../../../../src/protocols/imap/proto/commands/continuation.js';
import { formatErrorResponse } from '../../../../src/protocols/imap/proto/errors.js';
import { frameOne, line, parseErr, parseOk } from './helpers.js';

const all = (...n: number[]) => ({ kind: 'set', ranges: n.map((x) => ({ start: x, end: x })) });
const range = (start: number | '*', end: number | '*') => ({ kind: 'set', ranges: [{ start, end }] });
const noReturn = { subscribed: false, children: false, specialUse: false };

type Case = { raw: string; name: CommandName; uid?: boolean; args: unknown; options?: ParseOptions };

const valid: Case[] = [
  { raw: 'a CAPABILITY', name: 'CAPABILITY', args: {} },
  { raw: 'a noop', name: 'NOOP', args: {} },
  { raw: 'a LOGOUT', name: 'LOGOUT', args: {} },
  { raw: 'a STARTTLS', name: 'STARTTLS', args: {} },
  { raw: 'a IDLE', name: 'IDLE', args: {} },
  { raw: 'a CHECK', name: 'CHECK', args: {} },
  { raw: 'a CLOSE', name: 'CLOSE', args: {} },
  { raw: 'a UNSELECT', name: 'UNSELECT', args: {} },
  { raw: 'a NAMESPACE', name: 'NAMESPACE', args: {} },
  { raw: 'a AUTHENTICATE plain', name: 'AUTHENTICATE', args: { mechanism: 'PLAIN' } },
  { raw: 'a AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==', name: 'AUTHENTICATE', args: { mechanism: 'PLAIN', initialResponse: Buffer.from('\0alice\0secret') } },
  { raw: 'a AUTHENTICATE EXTERNAL =', name: 'AUTHENTICATE', args: { mechanism: 'EXTERNAL', initialResponse: Buffer.alloc(0) } },
  { raw: 'a AUTHENTICATE SCRAM-SHA-256', name: 'AUTHENTICATE', args: { mechanism: 'SCRAM-SHA-256' } },
  { raw: 'a LOGIN alice secret', name: 'LOGIN', args: { username: 'alice', password: 'secret' } },
  { raw: 'a LOGIN "alice@example.org" "p a\\"ss"', name: 'LOGIN', args: { username: 'alice@example.org', password: 'p a"ss' } },
  { raw: 'a LOGIN {5+}\r\nalice {4+}\r\np ss', name: 'LOGIN', args: { username: 'alice', password: 'p ss' } },
  { raw: 'a LOGIN "j\u00f6rg" "\u00e9t\u00e9"', name: 'LOGIN', args: { username: 'jörg', password: 'été' } },
  { raw: 'a ENABLE CONDSTORE qresync UTF8=ACCEPT', name: 'ENABLE', args: { capabilities: ['CONDSTORE', 'QRESYNC', 'UTF8=ACCEPT'] } },
  { raw: 'a SELECT inbox', name: 'SELECT', args: { mailbox: 'INBOX', condstore: false } },
  { raw: 'a EXAMINE "Sent Items"', name: 'EXAMINE', args: { mailbox: 'Sent Items', condstore: false } },
  { raw: 'a SELECT INBOX (CONDSTORE)', name: 'SELECT', args: { mailbox: 'INBOX', condstore: true } },
  {
    raw: 'a SELECT INBOX (QRESYNC (67890007 2005071519404500 41,43:211,214:541))', name: 'SELECT',
    args: { mailbox: 'INBOX', condstore: false, qresync: { uidValidity: 67890007, modSeq: 2005071519404500, knownUids: { kind: 'set', ranges: [{ start: 41, end: 41 }, { start: 43, end: 211 }, { start: 214, end: 541 }] } } },
  },
  {
    raw: 'a EXAMINE INBOX (QRESYNC (1 2 1:10 (1:3 7:9)) CONDSTORE)', name: 'EXAMINE',
    args: { mailbox: 'INBOX', condstore: true, qresync: { uidValidity: 1, modSeq: 2, knownUids: range(1, 10), knownSequences: range(1, 3), knownSequenceUids: range(7, 9) } },
  },
  { raw: 'a SELECT INBOX (QRESYNC (1 2 (1 7)))', name: 'SELECT', args: { mailbox: 'INBOX', condstore: false, qresync: { uidValidity: 1, modSeq: 2, knownSequences: all(1), knownSequenceUids: all(7) } } },
  { raw: 'a SELECT INBOX (QRESYNC (1 2))', name: 'SELECT', args: { mailbox: 'INBOX', condstore: false, qresync: { uidValidity: 1, modSeq: 2 } } },
  { raw: 'a CREATE Projects/2024', name: 'CREATE', args: { mailbox: 'Projects/2024', specialUse: [] } },
  { raw: 'a CREATE MyDrafts (USE (\\drafts \\Sent))', name: 'CREATE', args: { mailbox: 'MyDrafts', specialUse: ['\\Drafts', '\\Sent'] } },
  { raw: 'a DELETE "Old Stuff"', name: 'DELETE', args: { mailbox: 'Old Stuff' } },
  { raw: 'a RENAME Entw&APw-rfe Drafts', name: 'RENAME', args: { mailbox: 'Entwürfe', newName: 'Drafts' } },
  { raw: 'a RENAME "Entw\u00fcrfe" Drafts', name: 'RENAME', args: { mailbox: 'Entwürfe', newName: 'Drafts' }, options: { utf8: true } },
  { raw: 'a SUBSCRIBE news', name: 'SUBSCRIBE', args: { mailbox: 'news' } },
  { raw: 'a UNSUBSCRIBE {4+}\r\nnews', name: 'UNSUBSCRIBE', args: { mailbox: 'news' } },
  { raw: 'a STATUS INBOX (MESSAGES UNSEEN uidnext HIGHESTMODSEQ SIZE DELETED APPENDLIMIT)', name: 'STATUS', args: { mailbox: 'INBOX', items: ['MESSAGES', 'UNSEEN', 'UIDNEXT', 'HIGHESTMODSEQ', 'SIZE', 'DELETED', 'APPENDLIMIT'] } },
  { raw: 'a LIST "" *', name: 'LIST', args: { reference: '', patterns: ['*'], selectOptions: [], returnOptions: noReturn, extended: false } },
  { raw: 'a LIST "" %/%', name: 'LIST', args: { reference: '', patterns: ['%/%'], selectOptions: [], returnOptions: noReturn, extended: false } },
  { raw: 'a LIST ~smith/Mail/ foo.*', name: 'LIST', args: { reference: '~smith/Mail/', patterns: ['foo.*'], selectOptions: [], returnOptions: noReturn, extended: false } },
  { raw: 'a LIST "" inbox', name: 'LIST', args: { reference: '', patterns: ['inbox'], selectOptions: [], returnOptions: noReturn, extended: false } },
  {
    raw: 'a LIST (SUBSCRIBED RECURSIVEMATCH) "" ("INBOX" "Sent*") RETURN (CHILDREN STATUS (MESSAGES UNSEEN))', name: 'LIST',
    args: { reference: '', patterns: ['INBOX', 'Sent*'], selectOptions: ['SUBSCRIBED', 'RECURSIVEMATCH'], returnOptions: { subscribed: false, children: true, specialUse: false, status: ['MESSAGES', 'UNSEEN'] }, extended: true },
  },
  { raw: 'a LIST (SPECIAL-USE) "" *', name: 'LIST', args: { reference: '', patterns: ['*'], selectOptions: ['SPECIAL-USE'], returnOptions: noReturn, extended: true } },
  { raw: 'a LIST "" * RETURN (SPECIAL-USE SUBSCRIBED)', name: 'LIST', args: { reference: '', patterns: ['*'], selectOptions: [], returnOptions: { subscribed: true, children: false, specialUse: true }, extended: true } },
  { raw: 'a LIST () "" % RETURN ()', name: 'LIST', args: { reference: '', patterns: ['%'], selectOptions: [], returnOptions: noReturn, extended: true } },
  { raw: 'a LIST "" "&ZeVnLIqe-*"', name: 'LIST', args: { reference: '', patterns: ['日本語*'], selectOptions: [], returnOptions: noReturn, extended: false } },
  { raw: 'a LSUB "#news." "comp.mail.*"', name: 'LSUB', args: { reference: '#news.', pattern: 'comp.mail.*' } },
  { raw: 'a CLOSE', name: 'CLOSE', args: {} },
  { raw: 'a EXPUNGE', name: 'EXPUNGE', args: {} },
  { raw: 'a UID EXPUNGE 3000:3002', name: 'EXPUNGE', uid: true, args: { uids: range(3000, 3002) } },
  { raw: 'a COPY 2:4 MEETING', name: 'COPY', args: { set: range(2, 4), mailbox: 'MEETING' } },
  { raw: 'a UID COPY $ Archive', name: 'COPY', uid: true, args: { set: { kind: 'saved' }, mailbox: 'Archive' } },
  { raw: 'a UID MOVE 42:69 foo', name: 'MOVE', uid: true, args: { set: range(42, 69), mailbox: 'foo' } },
  { raw: 'a MOVE 1:* inbox', name: 'MOVE', args: { set: range(1, '*'), mailbox: 'INBOX' } },
  { raw: 'a STORE 2:4 +FLAGS (\\Deleted)', name: 'STORE', args: { set: range(2, 4), operation: 'add', silent: false, flags: ['\\Deleted'] } },
  { raw: 'a STORE 1 -flags.silent \\seen $Junk', name: 'STORE', args: { set: all(1), operation: 'remove', silent: true, flags: ['\\Seen', '$Junk'] } },
  { raw: 'a UID STORE 1:* FLAGS ()', name: 'STORE', uid: true, args: { set: range(1, '*'), operation: 'replace', silent: false, flags: [] } },
  { raw: 'a STORE 7 (UNCHANGEDSINCE 320162338) +FLAGS.SILENT (\\Deleted)', name: 'STORE', args: { set: all(7), operation: 'add', silent: true, flags: ['\\Deleted'], unchangedSince: 320162338 } },
  { raw: 'a STORE 7 (UNCHANGEDSINCE 0) FLAGS \\Answered', name: 'STORE', args: { set: all(7), operation: 'replace', silent: false, flags: ['\\Answered'], unchangedSince: 0 } },
  { raw: 'a GETQUOTA ""', name: 'GETQUOTA', args: { root: '' } },
  { raw: 'a GETQUOTAROOT INBOX', name: 'GETQUOTAROOT', args: { mailbox: 'INBOX' } },
  { raw: 'a SETQUOTA "" (STORAGE 512 message 1000)', name: 'SETQUOTA', args: { root: '', limits: [{ resource: 'STORAGE', limit: 512 }, { resource: 'MESSAGE', limit: 1000 }] } },
  { raw: 'a SETQUOTA user.alice ()', name: 'SETQUOTA', args: { root: 'user.alice', limits: [] } },
  { raw: 'a GETACL INBOX', name: 'GETACL', args: { mailbox: 'INBOX' } },
  { raw: 'a MYRIGHTS Shared', name: 'MYRIGHTS', args: { mailbox: 'Shared' } },
  { raw: 'a SETACL INBOX/Drafts Chris +cda', name: 'SETACL', args: { mailbox: 'INBOX/Drafts', identifier: 'Chris', operation: 'add', rights: 'cda' } },
  { raw: 'a SETACL INBOX bob -w', name: 'SETACL', args: { mailbox: 'INBOX', identifier: 'bob', operation: 'remove', rights: 'w' } },
  { raw: 'a SETACL INBOX "anyone" lrs', name: 'SETACL', args: { mailbox: 'INBOX', identifier: 'anyone', operation: 'replace', rights: 'lrs' } },
  { raw: 'a SETACL INBOX bob ""', name: 'SETACL', args: { mailbox: 'INBOX', identifier: 'bob', operation: 'replace', rights: '' } },
  { raw: 'a DELETEACL INBOX Fred', name: 'DELETEACL', args: { mailbox: 'INBOX', identifier: 'Fred' } },
  { raw: 'a LISTRIGHTS ~/Mail/saved smith', name: 'LISTRIGHTS', args: { mailbox: '~/Mail/saved', identifier: 'smith' } },
  { raw: 'a ID NIL', name: 'ID', args: { params: null } },
  { raw: 'a ID ("name" "Thunderbird" "version" NIL)', name: 'ID', args: { params: [{ field: 'name', value: 'Thunderbird' }, { field: 'version', value: null }] } },
  { raw: 'a ID ()', name: 'ID', args: { params: [] } },
  { raw: 'a COMPRESS deflate', name: 'COMPRESS', args: { mechanism: 'DEFLATE' } },
  { raw: 'A0001 uid fetch 1 UID', name: 'FETCH', uid: true, args: { set: all(1), attributes: [{ type: 'UID' }], vanished: false } },
];

describe('parseCommand: valid commands', () => {
  for (const c of valid) {
    it(JSON.stringify(c.raw), () => {
      const cmd = parseOk(c.raw, c.options);
      assert.equal(cmd.name, c.name);
      assert.equal(cmd.uid, c.uid ?? false);
      assert.equal(cmd.tag, c.raw.split(' ')[0]);
      assert.deepEqual(cmd.args, c.args);
    });
  }
});

describe('parseCommand: APPEND', () => {
  it('one message with flags and date', () => {
    const cmd = parseOk('a APPEND saved-messages (\\Seen $Work) "05-Jan-2024 10:00:00 +0100" {5+}\r\nHello');
    assert.equal(cmd.name, 'APPEND');
    const args = cmd.args as CommandArgs['APPEND'];
    assert.equal(args.mailbox, 'saved-messages');
    assert.equal(args.messages.length, 1);
    const m = args.messages[0];
    assert.deepEqual(m?.flags, ['\\Seen', '$Work']);
    assert.equal(m?.internalDate?.date.toISOString(), '2024-01-05T09:00:00.000Z');
    assert.equal(m?.data.toString(), 'Hello');
    assert.equal(m?.binary, false);
  });

  it('MULTIAPPEND with a binary literal and a UTF8 message', () => {
    const cmd = parseOk(Buffer.from('a APPEND INBOX {2+}\r\nm1 () ~{3+}\r\n\0\x01\x02 (\\Draft) UTF8 (~{2+}\r\n\xc3\xa9)', 'latin1'));
    const args = cmd.args as CommandArgs['APPEND'];
    assert.deepEqual(args.messages.map((m) => [m.flags, m.data.toString('latin1'), m.binary, m.utf8]), [
      [[], 'm1', false, false],
      [[], '\0\x01\x02', true, false],
      [['\\Draft'], '\xc3\xa9', true, true],
    ]);
  });

  const bad: [string, string][] = [
    ['a APPEND INBOX "hello"', 'INVALID_DATE'],
    ['a APPEND INBOX NIL', 'EXPECTED_STRING'],
    ['a APPEND INBOX', 'UNEXPECTED_END'],
    ['a APPEND INBOX (\\Recent) {1+}\r\nx', 'INVALID_FLAG'],
    ['a APPEND INBOX "31-Feb-2024 10:00:00 +0000" {1+}\r\nx', 'INVALID_DATE'],
    ['a APPEND INBOX {3+}\r\na\0c', 'INVALID_CHAR'],
    ['a APPEND INBOX CATENATE (TEXT {1+}\r\nx)', 'INVALID_ARGUMENT'],
    ['a APPEND INBOX {1+}\r\nx junk', 'EXPECTED_STRING'],
  ];
  for (const [raw, code] of bad) it(`refuses ${JSON.stringify(raw)}`, () => assert.equal(parseErr(raw).code, code));
});

const invalid: [string, string, string?][] = [
  ['', 'EMPTY_COMMAND'],
  ['a', 'UNEXPECTED_END'],
  ['+ NOOP', 'INVALID_TAG'],
  ['a+b NOOP', 'INVALID_TAG'],
  ['"a" NOOP', 'INVALID_TAG'],
  ['a FOO', 'UNKNOWN_COMMAND', 'a BAD Unknown command "FOO"\r\n'],
  ['a UID NOOP', 'UID_NOT_ALLOWED'],
  ['a constructor', 'UNKNOWN_COMMAND'],
  ['a __proto__', 'UNKNOWN_COMMAND'],
  ['a UID toString 1', 'UNKNOWN_COMMAND'],
  ['a UID', 'UNEXPECTED_END'],
  ['a NOOP extra', 'TRAILING_DATA'],
  ['a NOOP ', 'TRAILING_DATA'],
  ['a  NOOP', 'EXPECTED_ATOM'],
  ['a LOGIN alice', 'UNEXPECTED_END', 'a BAD [CLIENTBUG] Missing a password\r\n'],
  ['a LOGIN alice  secret', 'EXPECTED_STRING'],
  ['a LOGIN "alice secret', 'BAD_QUOTED'],
  ['a LOGIN {3+}\r\n\xff\xfe\xfd pw', 'INVALID_UTF8'],
  ['a LOGIN al\xc3\xa9 pw', 'INVALID_CHAR'],
  ['a LOGIN al\0ce pw', 'INVALID_CHAR'],
  ['a LOGIN {5+}\r\nalice {4+}\r\np\0ss', 'INVALID_CHAR'],
  ['a SELECT INBOX (QRESYNC (1 9007199254740992))', 'NUMBER_OUT_OF_RANGE'],
  ['a AUTHENTICATE PLAIN !!!', 'INVALID_BASE64'],
  ['a AUTHENTICATE PLAIN AGF', 'INVALID_BASE64'],
  ['a ENABLE', 'UNEXPECTED_END'],
  ['a SELECT', 'UNEXPECTED_END'],
  ['a SELECT INBOX (FOO)', 'UNKNOWN_ARGUMENT'],
  ['a SELECT INBOX ()', 'EXPECTED_LIST'],
  ['a SELECT INBOX (QRESYNC (0 1))', 'NUMBER_OUT_OF_RANGE'],
  ['a SELECT INBOX (QRESYNC (1 2 1:*))', 'INVALID_SEQUENCE_SET'],
  ['a SELECT &AOk', 'INVALID_MAILBOX_NAME'],
  ['a CREATE x (USE (\\Bogus))', 'UNKNOWN_ARGUMENT'],
  ['a CREATE x (FOO)', 'UNKNOWN_ARGUMENT'],
  ['a RENAME a', 'UNEXPECTED_END'],
  ['a STATUS INBOX ()', 'EXPECTED_LIST'],
  ['a STATUS INBOX (MESSAGES BOGUS)', 'UNKNOWN_ARGUMENT', 'a BAD [CLIENTBUG] Unknown STATUS item "BOGUS"\r\n'],
  ['a STATUS INBOX MESSAGES', 'EXPECTED_LIST'],
  ['a LIST (RECURSIVEMATCH) "" *', 'INVALID_ARGUMENT'],
  ['a LIST (BOGUS) "" *', 'UNKNOWN_ARGUMENT'],
  ['a LIST "" * RETURN (BOGUS)', 'UNKNOWN_ARGUMENT'],
  ['a LIST "" * FOO', 'UNKNOWN_ARGUMENT'],
  ['a LIST "" ()', 'EXPECTED_LIST'],
  ['a LIST ""', 'UNEXPECTED_END'],
  ['a COPY 0 x', 'INVALID_SEQUENCE_SET'],
  ['a COPY 1:2', 'UNEXPECTED_END'],
  ['a COPY a:b x', 'INVALID_SEQUENCE_SET'],
  ['a EXPUNGE 1', 'TRAILING_DATA'],
  ['a UID EXPUNGE', 'UNEXPECTED_END'],
  ['a STORE 1 FLAGZ (\\Seen)', 'UNKNOWN_ARGUMENT'],
  ['a STORE 1 +FLAGS', 'UNEXPECTED_END'],
  ['a STORE 1 +FLAGS (\\Recent)', 'INVALID_FLAG'],
  ['a STORE 1 +FLAGS (\\)', 'EXPECTED_ATOM'],
  ['a STORE 1 (UNCHANGEDSINCE) FLAGS ()', 'EXPECTED_SP'],
  ['a STORE 1 (FOO 1) FLAGS ()', 'UNKNOWN_ARGUMENT'],
  ['a SETQUOTA "" (STORAGE)', 'EXPECTED_SP'],
  ['a SETACL INBOX bob +W', 'INVALID_ARGUMENT'],
  ['a ID', 'UNEXPECTED_END'],
  ['a ID ("name")', 'EXPECTED_SP'],
  [`a ID (${Array.from({ length: 31 }, (_, i) => `"f${i}" "v"`).join(' ')})`, 'INVALID_ARGUMENT'],
  [`a ID ("${'x'.repeat(31)}" "v")`, 'INVALID_ARGUMENT'],
  ['a COMPRESS', 'UNEXPECTED_END'],
];

describe('parseCommand: invalid commands', () => {
  for (const [raw, code, reply] of invalid) {
    it(`${JSON.stringify(raw)} -> ${code}`, () => {
      const error = parseErr(Buffer.from(raw, 'latin1'));
      assert.equal(error.code, code, error.message);
      assert.equal(error.status, 'BAD');
      if (raw.startsWith('a ') && code !== 'INVALID_TAG') assert.equal(error.tag, 'a');
      if (reply) assert.equal(formatErrorResponse(error), reply);
    });
  }

  it('keeps the command name (with UID) on errors', () => {
    const error = parseErr('t1 UID FETCH 1:* (BODDY)');
    assert.equal(error.tag, 't1');
    assert.equal(error.command, 'UID FETCH');
  });

  it('an empty line has no tag', () => {
    const r = parseCommand(line(''));
    assert.equal(r.ok ? 'ok' : r.error.tag, undefined);
  });
});

describe('continuation lines', () => {
  it('DONE ends IDLE, in any case', () => {
    assert.deepEqual(parseIdleDone(frameOne('done')), { ok: true });
    assert.deepEqual(parseIdleDone(frameOne('DONE')), { ok: true });
    const r = parseIdleDone(frameOne('a NOOP'));
    assert.equal(r.ok ? 'ok' : r.error.code, 'UNKNOWN_COMMAND');
  });

  it('SASL responses: base64, empty, cancel', () => {
    assert.deepEqual(parseSaslResponse(frameOne('*')), { ok: true, cancel: true });
    assert.deepEqual(parseSaslResponse(frameOne('')), { ok: true, cancel: false, data: Buffer.alloc(0) });
    assert.deepEqual(parseSaslResponse(frameOne('aGk=')), { ok: true, cancel: false, data: Buffer.from('hi') });
    const r = parseSaslResponse(frameOne('a*b'));
    assert.equal(r.ok ? 'ok' : r.error.code, 'INVALID_BASE64');
  });
});
