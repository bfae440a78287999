// Limits and hostile input: reaching a limit never throws, keeps the offsets right and stops
// recording; truncated or mutated messages always give a sane index.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MIME_LIMITS, indexBuffer, type MimePart } from '../../../../src/core/mail/mime/index.js';
import { checkInvariants, crlf, feed, partsByKey, plain, randomSizes, rng } from './helpers.js';

function depthOf(p: MimePart): number {
  const kids = [...(p.children ?? []), ...(p.message ? [p.message.part] : [])];
  return 1 + Math.max(0, ...kids.map(depthOf));
}

describe('limits', () => {
  it('exposes the documented defaults', () => {
    assert.equal(MIME_LIMITS.maxHeaderBytes, 1024 * 1024);
    assert.equal(MIME_LIMITS.maxParts, 1000);
    assert.equal(MIME_LIMITS.maxDepth, 32);
    assert.equal(MIME_LIMITS.maxSearchTextBytes, 256 * 1024);
    assert.ok(Object.isFrozen(MIME_LIMITS));
  });

  it('stops recording parts at maxParts', async () => {
    const lines = ['Content-Type: multipart/mixed; boundary=p', ''];
    for (let i = 0; i < 1500; i++) lines.push('--p', '', `part ${i}`);
    lines.push('--p--', 'epilogue', '');
    const raw = crlf(lines);
    const ix = indexBuffer(raw);
    checkInvariants(raw, ix);
    assert.equal(partsByKey(ix.structure).size, 1000);
    assert.deepEqual(ix.problems, ['max-parts']);
    const last = ix.structure.children?.at(-1);
    assert.equal(raw.subarray(last?.bodyStart, last?.bodyEnd).toString(), 'part 998');
    assert.equal(ix.structure.bodyEnd, raw.length);
    assert.deepEqual(plain(await feed(raw, randomSizes(3, 256))), plain(ix));
  });

  it('stops descending at maxDepth (multiparts)', () => {
    const lines: string[] = [];
    for (let d = 0; d < 40; d++) lines.push(`Content-Type: multipart/mixed; boundary=b${d}`, '', `--b${d}`);
    lines.push('', 'deep');
    for (let d = 39; d >= 0; d--) lines.push(`--b${d}--`);
    const raw = crlf(lines);
    const ix = indexBuffer(raw);
    checkInvariants(raw, ix);
    assert.equal(depthOf(ix.structure), 33);
    assert.ok(ix.problems.includes('max-depth'));
    const deepest = [...partsByKey(ix.structure).values()].find((p) => p.opaque);
    assert.equal(`${deepest?.type}/${deepest?.subtype}`, 'application/octet-stream');
    assert.equal(deepest?.path.split('.').length, 32);
  });

  it('stops descending at maxDepth (nested message/rfc822)', () => {
    const header = 'Content-Type: message/rfc822\r\n\r\n';
    const raw = Buffer.from(`${header.repeat(50)}Subject: deepest\r\n\r\nbody\r\n`);
    const ix = indexBuffer(raw);
    checkInvariants(raw, ix);
    assert.equal(depthOf(ix.structure), 33);
    assert.ok(ix.problems.includes('max-depth'));
    const shallow = indexBuffer(raw, { limits: { maxDepth: 3 } });
    assert.equal(depthOf(shallow.structure), 4);
  });

  it('ends an oversized header at maxHeaderBytes and keeps counting the body', async () => {
    const big = Array.from({ length: 30000 }, (_, i) => `X-Filler-${i}: ${'y'.repeat(40)}`);
    const raw = crlf(['Subject: big header', 'Content-Type: multipart/mixed; boundary=h', ...big, '', '--h', '', 'never parsed', '--h--', '']);
    const ix = indexBuffer(raw);
    checkInvariants(raw, ix);
    assert.ok(ix.problems.includes('header-too-large'));
    assert.ok(ix.headerSize <= MIME_LIMITS.maxHeaderBytes);
    assert.equal(ix.subject, 'big header');
    assert.equal(ix.structure.opaque, true);
    assert.equal(ix.structure.type, 'application');
    assert.equal(ix.structure.bodyEnd, raw.length);
    assert.deepEqual(plain(await feed(raw, randomSizes(9))), plain(ix));
  });

  it('ends an oversized header made of one endless line', async () => {
    const raw = Buffer.concat([Buffer.from('Subject: x\r\nX-Long: '), Buffer.alloc(3 * 1024 * 1024, 0x61), Buffer.from('\r\n\r\nbody\r\n')]);
    const ix = indexBuffer(raw, { limits: { maxHeaderBytes: 64 * 1024 } });
    checkInvariants(raw, ix);
    assert.equal(ix.headerSize, 'Subject: x\r\n'.length);
    assert.equal(ix.subject, 'x');
    assert.deepEqual(plain(await feed(raw, () => 4096, { limits: { maxHeaderBytes: 64 * 1024 } })), plain(ix));
  });

  it('finds the boundary after a megabyte-long body line', async () => {
    const long = 'z'.repeat(1024 * 1024);
    const raw = crlf(['Content-Type: multipart/mixed; boundary=L', '', '--L', '', long, '--L', '', 'after', '--L--', '']);
    const ix = indexBuffer(raw);
    checkInvariants(raw, ix);
    const [one, two] = ix.structure.children ?? [];
    assert.equal(one?.size, long.length);
    assert.equal(raw.subarray(two?.bodyStart, two?.bodyEnd).toString(), 'after');
    assert.deepEqual(plain(await feed(raw, randomSizes(4))), plain(ix));
    assert.deepEqual(plain(await feed(raw, () => 1000)), plain(ix));
  });

  it('cuts a long line ending in CRLF exactly where a CR sits at a chunk end', async () => {
    const body = `${'q'.repeat(40000)}\r\n`;
    const raw = Buffer.from(`Content-Type: multipart/mixed; boundary=c\r\n\r\n--c\r\n\r\n${body}--c--\r\n`);
    const crAt = raw.indexOf('\r\n--c--');
    const sizes = [crAt + 1, 10, 100000];
    let k = 0;
    const ix = await feed(raw, () => sizes[k++] ?? 100000);
    checkInvariants(raw, ix);
    assert.equal(ix.structure.children?.[0]?.size, 40000);
    assert.equal(ix.lineEndings, 'crlf');
  });
});

describe('hostile and broken input', () => {
  const sample = crlf([
    'From: "A" <a@x>', 'Subject: =?utf-8?B?w6k=?=', 'Content-Type: multipart/mixed; boundary="s"', '', 'pre', '--s',
    'Content-Type: text/plain; charset=iso-8859-1', 'Content-Transfer-Encoding: quoted-printable', '', 'caf=E9', '--s',
    'Content-Type: message/rfc822', '', 'Subject: in', 'Content-Type: multipart/alternative; boundary=t', '', '--t', '', 'x', '--t',
    'Content-Type: text/html', 'Content-Transfer-Encoding: base64', '', 'PGI+eTwvYj4=', '--t--', '--s',
    "Content-Disposition: attachment; filename*=utf-8''%E2%82%AC", '', 'file', '--s--', 'post', '',
  ]);

  it('indexes every truncation of a message', () => {
    for (let n = 0; n <= sample.length; n++) {
      const raw = sample.subarray(0, n);
      checkInvariants(raw, indexBuffer(raw));
    }
  });

  it('indexes messages with random bytes changed, inserted and removed', () => {
    const r = rng(99);
    const alphabet = Buffer.from('-\r\n:;="\\<>@()\0\xff\xc3a=?');
    for (let round = 0; round < 400; round++) {
      const bytes = [...sample];
      for (let k = 0; k < 1 + Math.floor(r() * 8); k++) {
        const at = Math.floor(r() * bytes.length);
        const b = alphabet[Math.floor(r() * alphabet.length)] ?? 0;
        const op = r();
        if (op < 0.4) bytes[at] = b;
        else if (op < 0.7) bytes.splice(at, 0, b);
        else bytes.splice(at, 1);
      }
      const raw = Buffer.from(bytes);
      checkInvariants(raw, indexBuffer(raw));
    }
  });

  it('indexes pure noise and the empty message', () => {
    const r = rng(5);
    const noise = Buffer.from(Array.from({ length: 20000 }, () => Math.floor(r() * 256)));
    checkInvariants(noise, indexBuffer(noise));
    const empty = indexBuffer(Buffer.alloc(0));
    checkInvariants(Buffer.alloc(0), empty);
    assert.equal(empty.lineEndings, 'none');
    assert.equal(empty.subject, '');
  });
});
