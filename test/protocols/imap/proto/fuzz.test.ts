// Seeded fuzzing: random and mutated command streams through the framer and the parser. Nothing
// may throw, every error must be a typed ImapParseError (never INTERNAL), and the framer must
// never hold more than its limits allow.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CommandFramer, type FramedCommand } from '../../../../src/protocols/imap/proto/framer.js';
import { parseCommand } from '../../../../src/protocols/imap/proto/commands/index.js';
import { parseIdleDone, parseSaslResponse } from '../../../../src/protocols/imap/proto/commands/continuation.js';
import { tokenize } from '../../../../src/protocols/imap/proto/tokenizer.js';
import { ImapParseError } from '../../../../src/protocols/imap/proto/errors.js';
import { imapLimits } from '../../../../src/protocols/imap/proto/limits.js';
import { prng } from './helpers.js';

const SEEDS = [
  'a1 LOGIN alice "s3cr\\"et"',
  'a2 SELECT INBOX (QRESYNC (67890007 90060115194045000 41,43:211,214:541 (1:3 7:9)))',
  'a3 UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (DATE FROM)]<0.1024> BINARY[1.2] MODSEQ) (CHANGEDSINCE 5 VANISHED)',
  'a4 SEARCH RETURN (MIN MAX) CHARSET UTF-8 OR (FROM "x" SINCE 1-Feb-1994) NOT UID 1:5,7 HEADER Subject {3+}\r\nabc',
  'a5 STORE 2:4 (UNCHANGEDSINCE 9) +FLAGS.SILENT (\\Deleted $Junk)',
  'a6 APPEND INBOX (\\Seen) "17-Jul-1996 02:44:25 -0700" {5+}\r\nHello ~{3+}\r\n\0\x01\x02',
  'a7 LIST (SUBSCRIBED RECURSIVEMATCH) "" ("INBOX" "Entw&APw-rfe*") RETURN (CHILDREN STATUS (MESSAGES UNSEEN))',
  'a8 UID SORT RETURN (COUNT) (REVERSE ARRIVAL SUBJECT) UTF-8 ALL',
  'a9 THREAD REFERENCES UTF-8 SEEN',
  'b1 ID ("name" "x" "version" NIL)',
  'b2 SETACL INBOX bob +lrs',
  'b3 CREATE Drafts (USE (\\Drafts))',
  'b4 AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==',
  'b5 UID EXPUNGE 1:*',
  'b6 SETQUOTA "" (STORAGE 512)',
  'DONE',
  '*',
];

const INTERESTING = [' ', '(', ')', '{', '}', '"', '\\', '*', '%', '[', ']', '<', '>', '.', ':', ',', '$', '+', '-', '~', '0', '9', '\0', '\r', '\n', '\xff', 'NIL', 'UID ', '{5}\r\n', '{3+}\r\n', '~{2+}\r\n', '{999999999+}\r\n', '{99999999999999999999}\r\n'];

function mutate(rand: () => number, input: string): string {
  let s = input;
  const ops = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < ops; i++) {
    const at = Math.floor(rand() * (s.length + 1));
    const pick = INTERESTING[Math.floor(rand() * INTERESTING.length)] as string;
    switch (Math.floor(rand() * 6)) {
      case 0: s = s.slice(0, at) + pick + s.slice(at); break;
      case 1: s = s.slice(0, at) + s.slice(at + 1 + Math.floor(rand() * 5)); break;
      case 2: s = s.slice(0, at) + String.fromCharCode(Math.floor(rand() * 256)) + s.slice(at + 1); break;
      case 3: s = s.slice(0, at) + s.slice(at, at + 8).repeat(1 + Math.floor(rand() * 20)) + s.slice(at + 8); break;
      case 4: s = s.slice(0, at); break;
      default: s = s.slice(0, at) + (SEEDS[Math.floor(rand() * SEEDS.length)] as string).slice(Math.floor(rand() * 10)); break;
    }
  }
  return s;
}

function randomLine(rand: () => number): string {
  let s = '';
  const n = Math.floor(rand() * 80);
  for (let i = 0; i < n; i++) {
    s += rand() < 0.5 ? (INTERESTING[Math.floor(rand() * INTERESTING.length)] as string) : String.fromCharCode(32 + Math.floor(rand() * 95));
  }
  return s;
}

function checkTyped(error: unknown, where: string): void {
  assert.ok(error instanceof ImapParseError, `${where}: untyped error ${String(error)}`);
  assert.notEqual(error.code, 'INTERNAL', `${where}: internal error`);
}

function parseAll(command: FramedCommand, where: string): void {
  try {
    const r = parseCommand(command);
    if (!r.ok) checkTyped(r.error, where);
    else assert.ok(r.command.tag.length > 0);
    const utf8 = parseCommand(command, { utf8: true });
    if (!utf8.ok) checkTyped(utf8.error, where);
    const t = tokenize(command);
    if (!t.ok) checkTyped(t.error, where);
    const done = parseIdleDone(command);
    if (!done.ok) checkTyped(done.error, where);
    const sasl = parseSaslResponse(command);
    if (!sasl.ok) checkTyped(sasl.error, where);
  } catch (e) {
    assert.fail(`${where}: threw ${String(e)}`);
  }
}

describe('fuzz', () => {
  const limits = imapLimits({
    maxLineBytes: 256, maxLiteralBytes: 64, maxAppendLiteralBytes: 512, maxCommandLiteralBytes: 128,
    maxAppendTotalBytes: 1024, maxLiteralsPerCommand: 8, maxDiscardBytes: 4096,
  });
  const bound = limits.maxLineBytes + 1 + limits.maxAppendTotalBytes + 32;

  it('mutated and random streams through framer and parser', () => {
    const rand = prng(0x1a2b3c4d);
    let framer = new CommandFramer(limits);
    let commands = 0;
    let errors = 0;
    let fatal = 0;
    for (let i = 0; i < 6000; i++) {
      const text = i % 3 === 2 ? randomLine(rand) : mutate(rand, SEEDS[i % SEEDS.length] as string);
      const bytes = Buffer.from(`${text}\r\n`, 'latin1');
      let off = 0;
      while (off < bytes.length) {
        const size = 1 + Math.floor(rand() * 40);
        for (const event of framer.push(bytes.subarray(off, off + size))) {
          if (event.type === 'command') {
            commands++;
            parseAll(event.command, `case ${i} ${JSON.stringify(text)}`);
          } else if (event.type === 'error') {
            errors++;
            checkTyped(event.error, `framer case ${i}`);
            if (event.error.fatal) fatal++;
          }
        }
        assert.ok(framer.bufferedBytes <= bound, `case ${i}: ${framer.bufferedBytes} bytes buffered`);
        off += size;
        if (framer.closed) {
          framer = new CommandFramer(limits);
          break;
        }
      }
      // occasionally give up on a half-read command, as a timed-out connection would
      if (rand() < 0.05) framer = new CommandFramer(limits);
    }
    assert.ok(commands > 3000, `only ${commands} commands framed`);
    assert.ok(errors > 0);
    assert.ok(fatal >= 0);
  });

  it('mutated lines parsed directly with default limits', () => {
    const rand = prng(42);
    for (let i = 0; i < 4000; i++) {
      const text = i % 4 === 3 ? randomLine(rand) : mutate(rand, SEEDS[i % SEEDS.length] as string);
      // one line as is: CR, LF and literal markers included, with no literals behind them
      parseAll({ lines: [Buffer.from(text, 'latin1')], literals: [] }, `line ${i}`);
    }
  });

  it('inconsistent framed input (markers and literals that do not match) is refused, not crashed on', () => {
    const rand = prng(7);
    for (let i = 0; i < 1000; i++) {
      const parts = 1 + Math.floor(rand() * 3);
      const lines: Buffer[] = [];
      const literals: { data: Buffer; binary: boolean; sync: boolean }[] = [];
      for (let p = 0; p < parts; p++) {
        lines.push(Buffer.from(mutate(rand, SEEDS[Math.floor(rand() * SEEDS.length)] as string), 'latin1'));
        if (p < parts - 1) literals.push({ data: Buffer.from(randomLine(rand), 'latin1'), binary: rand() < 0.5, sync: rand() < 0.5 });
      }
      parseAll({ lines, literals }, `framed ${i}`);
    }
  });
});
