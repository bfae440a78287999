// Text normalisation and transfer decoding against their reference definitions: the regular
// expressions normalisation was first written as, and libqp's decode for quoted-printable.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import libqp from 'libqp';
import { isSpace, normalizeText, normalizeUtf8, TextNormalizer } from '../../../../src/core/mail/mime/text-normalize.js';
import { createTransferDecoder } from '../../../../src/core/mail/mime/transfer-decode.js';
import { rng } from './helpers.js';

/** The definition: collapse blanks, trim lines, at most one empty line, control characters dropped. */
function reference(s: string): string {
  return s
    .replace(/\r\n?/g, '\n')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed here
    .replace(/[\0-\x08\x0b\x0c\x0e-\x1f\x7f]/g, ' ')
    .replace(/[ \t\u00a0\u2000-\u200b\u3000]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const PIECES = [
  'a', 'b', 'é', 'xyz ', 'word', ' ', ' ', '  ', '\n', '\n', '\r', '\r\n', '\t', '\u00a0', '\u2003', '\u200b', '\u3000', '\0', '\x0b',
  '\x0c', '\x1f', '\x7f', '\u2028', '\u2029', '\u1680', '\ufeff', '\u202f', '\u205f', '\u0085', '\u180e', '\u200a', '\u205e', '\u2080',
  '\u3080', '\u1a80', '\u00a1', '😀', '\ud800',
];

function randomText(next: () => number, maxPieces: number): string {
  let s = '';
  const n = Math.floor(next() * maxPieces);
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(next() * PIECES.length)];
  return s;
}

function nonSpace(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (!isSpace(s.charCodeAt(i))) n++;
  return n;
}

describe('text normalisation', () => {
  it('isSpace is the white space of trim and \\s', () => {
    for (let c = 0; c < 0x10000; c++) {
      const s = String.fromCharCode(c);
      assert.equal(isSpace(c), s.trim() === '', `U+${c.toString(16)}`);
      assert.equal(isSpace(c), /\s/.test(s), `U+${c.toString(16)}`);
    }
  });

  it('normalizeText and normalizeUtf8 give the reference result', () => {
    const next = rng(11);
    for (let k = 0; k < 30_000; k++) {
      const s = randomText(next, 30);
      const expected = reference(s);
      assert.equal(normalizeText(s), expected, JSON.stringify(s));
      if (!/[\ud800-\udfff]/.test(s.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))) {
        assert.equal(normalizeUtf8(Buffer.from(s), Infinity).text, expected, `UTF-8 ${JSON.stringify(s)}`);
      }
    }
  });

  it('stops early with a prefix of the result and its length up to countMax, whatever the pieces', () => {
    const next = rng(12);
    for (let k = 0; k < 30_000; k++) {
      const s = randomText(next, 40);
      const full = reference(s);
      const countMax = Math.floor(next() * 30);
      const buildMin = Math.floor(next() * 30);
      const wordsMin = Math.floor(next() * 10);
      const check = (text: string, length: number, what: string): void => {
        const expected = full.slice(0, countMax);
        assert.equal(length, Math.min(full.length, countMax), `${what} length of ${JSON.stringify(s)}`);
        assert.ok(expected.startsWith(text), `${what} prefix of ${JSON.stringify(s)}`);
        if (text.length < expected.length) {
          assert.ok(text.length >= buildMin && nonSpace(text) >= wordsMin, `${what} long enough for ${JSON.stringify(s)}`);
        }
      };
      const norm = new TextNormalizer(countMax, buildMin, wordsMin);
      for (let pos = 0; pos < s.length; ) {
        const end = pos + 1 + Math.floor(next() * 6);
        if (!norm.push(s.slice(pos, end))) break;
        pos = end;
      }
      const r = norm.finish();
      check(r.text, r.length, 'pieces');
      if (!/[\ud800-\udfff]/.test(s.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))) {
        const u = normalizeUtf8(Buffer.from(s), countMax, buildMin, wordsMin);
        check(u.text, u.length, 'UTF-8');
      }
    }
  });
});

describe('transfer decoding', () => {
  const decodeAll = (encoding: string, slices: readonly Buffer[]): Buffer => {
    const d = createTransferDecoder(encoding);
    return Buffer.concat([...slices.map((s) => Buffer.from(d.write(s))), d.end()]);
  };

  it('quoted-printable lines decode as libqp decodes them', () => {
    const next = rng(13);
    const alphabet = ['a', 'g', '4', '1', 'F', 'f', '\xe9', '=', '=', ' ', '  ', '\t', '\r', '=\r\n', '= \n', '=4', '=\r', '= ', ' \r', '=3D', '=c3=a9'];
    for (let k = 0; k < 30_000; k++) {
      let s = '';
      const n = Math.floor(next() * 24);
      for (let i = 0; i < n; i++) s += alphabet[Math.floor(next() * alphabet.length)];
      const line = s.replace(/\n/g, '') + (next() < 0.7 ? '\n' : '');
      assert.deepEqual(decodeAll('quoted-printable', [Buffer.from(line, 'latin1')]), libqp.decode(line), JSON.stringify(line));
    }
  });

  it('quoted-printable decodes line by line however the lines are grouped (a soft break does not join "=4" and "1")', () => {
    const lines = ['caf=C3=A9 =\r\n', '=4=\r\n', '1 and=20\r\n', 'tail  \r\n', '=\n', 'end='];
    const perLine = Buffer.concat(lines.map((l) => libqp.decode(l)));
    const raw = Buffer.from(lines.join(''), 'latin1');
    assert.deepEqual(decodeAll('quoted-printable', [raw]), perLine);
    assert.deepEqual(decodeAll('quoted-printable', lines.map((l) => Buffer.from(l, 'latin1'))), perLine);
  });

  it('base64 gives the same bytes in one slice or line by line, padded blocks included', () => {
    const lines = [`${Buffer.from('ab').toString('base64')}${Buffer.from('cd').toString('base64')}\r\n`, 'YWJj\r\n', 'ZA==\r\n', 'YQ=A\r\n', 'YWJj\r\n'];
    const raw = Buffer.from(lines.join(''), 'latin1');
    assert.deepEqual(decodeAll('base64', [raw]), decodeAll('base64', lines.map((l) => Buffer.from(l, 'latin1'))));
    assert.equal(decodeAll('base64', [Buffer.from('YWJj\r\nZGVm\r\n')]).toString(), 'abcdef');
  });
});
