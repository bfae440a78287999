import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize, TokenReader, type ImapToken } from '../../../../src/protocols/imap/proto/tokenizer.js';
import { sequenceSetToString } from '../../../../src/protocols/imap/proto/sequence-set.js';
import { imapLimits } from '../../../../src/protocols/imap/proto/limits.js';
import { frameOne, line } from './helpers.js';

function show(t: ImapToken): string {
  switch (t.type) {
    case 'atom': return t.value;
    case 'number': return `#${t.value}`;
    case 'nil': return 'NIL';
    case 'string': return `${t.form === 'quoted' ? 'q' : t.form === 'literal' ? 'l' : 'b'}"${t.value.toString('latin1')}"`;
    case 'list': return `(${t.items.map(show).join(' ')})`;
    case 'sequence-set': return `seq:${sequenceSetToString(t.value)}`;
    case 'section': return `${t.name}[${t.section.map(show).join(' ')}]${t.partial ? `<${t.partial.offset}.${t.partial.length}>` : ''}`;
  }
}

function tokens(raw: string): string {
  const r = tokenize(raw.includes('{') ? frameOne(raw) : line(Buffer.from(raw, 'latin1')));
  return r.ok ? r.tokens.map(show).join(' ') : `!${r.error.code}`;
}

describe('tokenize: table', () => {
  const cases: [string, string][] = [
    ['FETCH', 'FETCH'],
    ['a b c', 'a b c'],
    ['42 0 4294967295', '#42 #0 #4294967295'],
    ['4294967296', '!INVALID_SEQUENCE_SET'],
    ['NIL nil', 'NIL NIL'],
    ['"NIL"', 'q"NIL"'],
    ['""', 'q""'],
    ['"a b"', 'q"a b"'],
    ['"say \\"hi\\""', 'q"say "hi""'],
    ['"back\\\\slash"', 'q"back\\slash"'],
    ['"bad \\n escape"', '!BAD_QUOTED'],
    ['"unterminated', '!BAD_QUOTED'],
    ['"caf\xc3\xa9"', 'q"caf\xc3\xa9"'],
    ['"nul\0"', '!INVALID_CHAR'],
    ['"cr\r"', '!INVALID_CHAR'],
    ['(a (b (c)) "d")', '(a (b (c)) q"d")'],
    ['()', '()'],
    ['(a', '!UNEXPECTED_END'],
    ['a)', '!EXPECTED_SP'],
    ['1:*', 'seq:1:*'],
    ['2,4:7,9', 'seq:2,4:7,9'],
    ['*:3', 'seq:*:3'],
    ['$', 'seq:$'],
    ['*', 'seq:*'],
    ['1:', '!INVALID_SEQUENCE_SET'],
    ['BODY[]', 'BODY[]'],
    ['BODY.PEEK[HEADER.FIELDS (From To)]<0.1024>', 'BODY.PEEK[HEADER.FIELDS (From To)]<0.1024>'],
    ['BINARY[1.2]', 'BINARY[1.2]'],
    ['BODY[1', '!UNEXPECTED_END'],
    ['BODY[]<1>', '!EXPECTED_ATOM'],
    ['a  b', '!EXPECTED_ATOM'],
    ['a\tb', '!INVALID_CHAR'],
    ['caf\xc3\xa9', '!INVALID_CHAR'],
    ['a\0b', '!INVALID_CHAR'],
    ['%', '!EXPECTED_ATOM'],
    ['foo] bar', 'foo] bar'],
    ['\\Seen', '!EXPECTED_ATOM'],
    ['{3}\r\nabc', 'l"abc"'],
    ['x {3+}\r\na\0c', '!INVALID_CHAR'],
    ['x ~{3+}\r\na\0c', 'x b"a\0c"'],
    ['({2+}\r\nab {0+}\r\n)', '(l"ab" l"")'],
  ];
  for (const [input, expected] of cases) {
    it(JSON.stringify(input), () => assert.equal(tokens(input), expected));
  }
});

describe('tokenize: limits', () => {
  it('nesting deeper than the limit fails with NESTING_TOO_DEEP', () => {
    const ok = `${'('.repeat(16)}x${')'.repeat(16)}`;
    const deep = `${'('.repeat(17)}x${')'.repeat(17)}`;
    assert.equal(tokenize(line(ok)).ok, true);
    const r = tokenize(line(deep));
    assert.equal(r.ok ? 'ok' : r.error.code, 'NESTING_TOO_DEEP');
  });

  it('very deep nesting fails cleanly rather than overflowing the stack', () => {
    const r = tokenize(line(`${'('.repeat(100_000)}${')'.repeat(100_000)}`));
    assert.equal(r.ok ? 'ok' : r.error.code, 'NESTING_TOO_DEEP');
  });

  it('more tokens than the limit fails with TOO_MANY_TOKENS', () => {
    const limits = imapLimits({ maxTokens: 100 });
    assert.equal(tokenize(line(Array(100).fill('a').join(' ')), limits).ok, true);
    const r = tokenize(line(Array(101).fill('a').join(' ')), limits);
    assert.equal(r.ok ? 'ok' : r.error.code, 'TOO_MANY_TOKENS');
  });

  it('a literal whose marker does not match its length is refused', () => {
    const r = tokenize({ lines: [Buffer.from('{4}'), Buffer.alloc(0)], literals: [{ data: Buffer.from('abc'), binary: false, sync: true }] });
    assert.equal(r.ok ? 'ok' : r.error.code, 'BAD_LITERAL');
  });

  it('a marker with no literal after it is refused', () => {
    const r = tokenize(line('{3}'));
    assert.equal(r.ok ? 'ok' : r.error.code, 'BAD_LITERAL');
  });
});

describe('TokenReader', () => {
  it('reads astrings, nstrings and list-mailboxes by context', () => {
    const r = new TokenReader(line('INBOX "a b" NIL foo/%/* x]'));
    assert.equal(r.astring().toString(), 'INBOX');
    r.sp();
    assert.equal(r.astring().toString(), 'a b');
    r.sp();
    assert.equal(r.nstring(), null);
    r.sp();
    assert.equal(r.listMailbox().toString(), 'foo/%/*');
    r.sp();
    assert.equal(r.astring().toString(), 'x]');
    assert.equal(r.atEnd(), true);
  });

  it('numbers: 32-bit by default, number64 up to 2^53 - 1', () => {
    const r = new TokenReader(line('4294967296 9007199254740991 9007199254740992'));
    assert.throws(() => r.number(), { code: 'NUMBER_OUT_OF_RANGE' });
    assert.equal(r.number64(), 4294967296);
    r.sp();
    assert.equal(r.number64(), 9007199254740991);
    r.sp();
    assert.throws(() => r.number64(), { code: 'NUMBER_OUT_OF_RANGE' });
  });

  it('reports the offset and what was found', () => {
    const r = new TokenReader(line('abc def'));
    r.atom();
    r.sp();
    assert.throws(() => r.number('a UID'), (e: unknown) => {
      const err = e as { code: string; offset: number; message: string };
      return err.code === 'EXPECTED_NUMBER' && err.offset === 4 && err.message === 'Expected a UID, found "def"';
    });
  });
});
