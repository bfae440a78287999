import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CommandFramer, type FrameEvent } from '../../../../src/protocols/imap/proto/framer.js';
import { imapLimits } from '../../../../src/protocols/imap/proto/limits.js';
import { frameAll } from './helpers.js';

/** A compact view of events: command lines and literals as text, errors as code@tag. */
function summary(events: FrameEvent[]): string[] {
  return events.map((e) => {
    if (e.type === 'continue') return `+${e.tag ?? '?'}:${e.size}`;
    if (e.type === 'error') return `!${e.error.code}@${e.error.tag ?? '*'}${e.error.fatal ? ':fatal' : ''}`;
    const parts: string[] = [];
    e.command.lines.forEach((l, i) => {
      parts.push(l.toString('latin1'));
      const lit = e.command.literals[i];
      if (lit) parts.push(`<${lit.binary ? 'B' : ''}${lit.sync ? '' : '+'}${lit.data.toString('latin1')}>`);
    });
    return parts.join('|');
  });
}

const small = imapLimits({
  maxLineBytes: 40, maxLiteralBytes: 10, maxAppendLiteralBytes: 30, maxCommandLiteralBytes: 15,
  maxAppendTotalBytes: 50, maxLiteralsPerCommand: 3, maxDiscardBytes: 100,
});

describe('CommandFramer: framing table', () => {
  const cases: { name: string; input: string; expect: string[]; limits?: typeof small }[] = [
    { name: 'one command', input: 'a NOOP\r\n', expect: ['a NOOP'] },
    { name: 'bare LF tolerated', input: 'a NOOP\nb NOOP\n', expect: ['a NOOP', 'b NOOP'] },
    { name: 'pipelined commands', input: 'a NOOP\r\nb CAPABILITY\r\nc LOGOUT\r\n', expect: ['a NOOP', 'b CAPABILITY', 'c LOGOUT'] },
    { name: 'incomplete line held back', input: 'a NOOP\r\nb NO', expect: ['a NOOP'] },
    { name: 'empty line is a command of its own', input: '\r\n', expect: [''] },
    { name: 'synchronising literal asks for continuation', input: 'a LOGIN {3}\r\nbob pw\r\n', expect: ['+a:3', 'a LOGIN {3}|<bob>| pw'] },
    { name: 'LITERAL+ sends no continuation', input: 'a LOGIN {3+}\r\nbob pw\r\n', expect: ['a LOGIN {3+}|<+bob>| pw'] },
    { name: 'binary literal', input: 'a APPEND x ~{2+}\r\n\0\x01\r\n', expect: ['a APPEND x ~{2+}|<B+\0\x01>|'] },
    { name: 'empty literal', input: 'a LOGIN {0}\r\n pw\r\n', expect: ['+a:0', 'a LOGIN {0}|<>| pw'] },
    { name: 'literal holding CRLF', input: 'a LOGIN {4+}\r\nx\r\ny pw\r\n', expect: ['a LOGIN {4+}|<+x\r\ny>| pw'] },
    { name: 'two literals in one command', input: 'a LOGIN {1+}\r\nu {2+}\r\npw\r\n', expect: ['a LOGIN {1+}|<+u>| {2+}|<+pw>|'] },
    { name: 'literal marker must end the line', input: 'a LOGIN {3} x\r\n', expect: ['a LOGIN {3} x'] },
    { name: 'CR inside a line is kept for the parser', input: 'a NO\rOP\r\n', expect: ['a NO\rOP'] },
    { name: 'NUL bytes pass through to the parser', input: 'a NO\0OP\r\n', expect: ['a NO\0OP'] },
    { name: '8-bit bytes pass through', input: 'a SELECT "\xc3\xa9"\r\n', expect: ['a SELECT "\xc3\xa9"'] },
    {
      name: 'line too long: error with tag, next command fine', limits: small,
      input: `a1 LOGIN ${'x'.repeat(60)}\r\nb NOOP\r\n`, expect: ['!LINE_TOO_LONG@a1', 'b NOOP'],
    },
    {
      name: 'line too long exactly at the limit passes', limits: small,
      input: `${'a'.repeat(40)}\r\nb NOOP ${'b'.repeat(34)}\r\nc\r\n`, expect: ['a'.repeat(40), '!LINE_TOO_LONG@b', 'c'],
    },
    {
      name: 'too-long line ending in a non-sync literal skips the literal', limits: small,
      input: `a SEARCH ${'x'.repeat(50)} {5+}\r\nHELLO more\r\nb NOOP\r\n`, expect: ['!LINE_TOO_LONG@a', 'b NOOP'],
    },
    {
      name: 'too-long line with a sync literal: client waits, nothing skipped', limits: small,
      input: `a SEARCH ${'x'.repeat(50)} {5}\r\nb NOOP\r\n`, expect: ['!LINE_TOO_LONG@a', 'b NOOP'],
    },
    {
      name: 'limit counts all lines of a command', limits: small,
      input: `a LOGIN {1+}\r\nx ${'y'.repeat(35)}\r\nb NOOP\r\n`, expect: ['!LINE_TOO_LONG@a', 'b NOOP'],
    },
    {
      name: 'sync literal too large: refused, no continuation, not fatal', limits: small,
      input: 'a LOGIN {11}\r\nb NOOP\r\n', expect: ['!LITERAL_TOO_LARGE@a', 'b NOOP'],
    },
    {
      name: 'non-sync literal too large: discarded, then resync', limits: small,
      input: `a LOGIN {20+}\r\n${'z'.repeat(20)} rest\r\nb NOOP\r\n`, expect: ['!LITERAL_TOO_LARGE@a', 'b NOOP'],
    },
    {
      name: 'non-sync literal beyond the discard limit is fatal', limits: small,
      input: 'a LOGIN {101+}\r\nxxxx\r\nb NOOP\r\n', expect: ['!LITERAL_TOO_LARGE@a:fatal'],
    },
    {
      name: 'absurd literal length is fatal when non-sync', input: 'a LOGIN {99999999999999999999+}\r\nb NOOP\r\n',
      expect: ['!LITERAL_TOO_LARGE@a:fatal'],
    },
    {
      name: 'absurd literal length is only refused when sync', input: 'a LOGIN {99999999999999999999}\r\nb NOOP\r\n',
      expect: ['!LITERAL_TOO_LARGE@a', 'b NOOP'],
    },
    {
      name: 'APPEND may send larger literals', limits: small,
      input: `a APPEND x {25+}\r\n${'m'.repeat(25)}\r\n`, expect: [`a APPEND x {25+}|<+${'m'.repeat(25)}>|`],
    },
    {
      name: 'APPEND literal over its own limit', limits: small,
      input: `a APPEND x {31+}\r\n${'m'.repeat(31)}\r\nb NOOP\r\n`, expect: ['!LITERAL_TOO_LARGE@a', 'b NOOP'],
    },
    {
      name: 'sum of literals of one command limited', limits: small,
      input: 'a LOGIN {8+}\r\n12345678 {8+}\r\n12345678\r\nb NOOP\r\n', expect: ['!LITERAL_TOO_LARGE@a', 'b NOOP'],
    },
    {
      name: 'too many literals', limits: small,
      input: 'a X {1+}\r\n1 {1+}\r\n2 {1+}\r\n3 {1+}\r\n4\r\nb NOOP\r\n', expect: ['!TOO_MANY_LITERALS@a', 'b NOOP'],
    },
    {
      name: 'lying literal length swallows the next command', input: 'a LOGIN {10+}\r\nabc\r\nb NOOP\r\n',
      expect: ['a LOGIN {10+}|<+abc\r\nb NOO>|P'],
    },
    {
      name: 'tag unknown when the line does not start with one', limits: small,
      input: `(${'x'.repeat(60)}\r\n`, expect: ['!LINE_TOO_LONG@*'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(summary(frameAll(c.input, c.limits)), c.expect);
    });
  }
});

describe('CommandFramer: chunking', () => {
  const inputs = [
    'a LOGIN {5}\r\nalice {6+}\r\nsecret\r\nb NOOP\r\n',
    'x APPEND INBOX (\\Seen) ~{4+}\r\n\0\r\n\xff UTF8 (~{3+}\r\nabc)\r\ny IDLE\r\nDONE\n',
    `a SEARCH ${'x'.repeat(50)} {5+}\r\nHELLO more\r\nb NOOP\r\n`,
  ];
  for (const [index, input] of inputs.entries()) {
    it(`input ${index}: same events for a split at every byte position`, () => {
      const limits = index === 2 ? small : undefined;
      const whole = summary(frameAll(input, limits));
      const bytes = Buffer.from(input, 'latin1');
      for (let k = 0; k <= bytes.length; k++) {
        const f = new CommandFramer(limits);
        const events = [...f.push(bytes.subarray(0, k)), ...f.push(bytes.subarray(k))];
        assert.deepEqual(summary(events), whole, `split at ${k}`);
      }
    });
    it(`input ${index}: same events byte by byte`, () => {
      const limits = index === 2 ? small : undefined;
      assert.deepEqual(summary(frameAll(input, limits, 1)), summary(frameAll(input, limits)));
    });
  }
});

describe('CommandFramer: state', () => {
  it('cancelLiteral drops a command waiting for its synchronising literal', () => {
    const f = new CommandFramer();
    assert.deepEqual(summary(f.push(Buffer.from('a APPEND x {3}\r\n'))), ['+a:3']);
    assert.equal(f.pending, true);
    assert.equal(f.cancelLiteral(), true);
    assert.equal(f.bufferedBytes, 0);
    assert.deepEqual(summary(f.push(Buffer.from('b NOOP\r\n'))), ['b NOOP']);
    assert.equal(f.cancelLiteral(), false);
  });

  it('continue events name the command (UID prefix included)', () => {
    const events = frameAll('a UID SEARCH TEXT {2}\r\nhi\r\n');
    assert.deepEqual(events[0], { type: 'continue', tag: 'a', command: 'UID SEARCH', size: 2 });
  });

  it('after a fatal error all input is ignored', () => {
    const f = new CommandFramer();
    const events = f.push(Buffer.from('a X {99999999999999999999+}\r\n'));
    assert.equal(events[0]?.type, 'error');
    assert.equal(f.closed, true);
    assert.deepEqual(f.push(Buffer.from('b NOOP\r\n')), []);
  });

  it('buffered bytes stay bounded while a huge line streams in', () => {
    const limits = imapLimits({ maxLineBytes: 1000 });
    const f = new CommandFramer(limits);
    let max = 0;
    f.push(Buffer.from('t1 SEARCH '));
    for (let i = 0; i < 500; i++) {
      f.push(Buffer.alloc(997, 0x61));
      max = Math.max(max, f.bufferedBytes);
    }
    assert.ok(max <= 1001, `buffered ${max}`);
    assert.deepEqual(summary(f.push(Buffer.from(' {3+}\r\nabc\r\nt2 NOOP\r\n'))), ['t2 NOOP']);
  });

  it('a discarded non-sync literal is never buffered', () => {
    const limits = imapLimits({ maxLiteralBytes: 100, maxDiscardBytes: 10_000_000 });
    const f = new CommandFramer(limits);
    const events = f.push(Buffer.from('a LOGIN {5000000+}\r\n'));
    assert.deepEqual(summary(events), ['!LITERAL_TOO_LARGE@a']);
    for (let i = 0; i < 50; i++) {
      assert.deepEqual(f.push(Buffer.alloc(100_000, 0x62)), []);
      assert.ok(f.bufferedBytes <= 32);
    }
    assert.deepEqual(summary(f.push(Buffer.from(' x\r\nb NOOP\r\n'))), ['b NOOP']);
  });

  it('a large APPEND literal arrives in many chunks intact', () => {
    const f = new CommandFramer();
    const body = Buffer.alloc(3 * 1024 * 1024, 0x41);
    f.push(Buffer.from(`a APPEND INBOX {${body.length}+}\r\n`));
    for (let i = 0; i < body.length; i += 65536) assert.deepEqual(f.push(body.subarray(i, i + 65536)), []);
    const events = f.push(Buffer.from('\r\n'));
    assert.equal(events.length, 1);
    const e = events[0];
    assert.ok(e?.type === 'command');
    assert.equal(e.command.literals[0]?.data.length, body.length);
    assert.ok(e.command.literals[0]?.data.equals(body));
  });
});
