// Streaming: a 5 MB attachment in chunks from 1 byte to 64 KiB gives the same index, exact
// offsets, and memory that does not grow with the message; the Writable works in a pipeline.
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { MIME_LIMITS, MimeIndexer, indexBuffer, indexMessage } from '../../../../src/core/mail/mime/index.js';
import { normalizeText } from '../../../../src/core/mail/mime/text-extract.js';
import { checkInvariants, checkParts, feed, plain, randomSizes, rng } from './helpers.js';

v8.setFlagsFromString('--expose_gc');
const gc = vm.runInNewContext('gc') as () => void;

const HEADER = [
  'From: Big Sender <big@example.org>',
  'To: someone@example.org',
  'Subject: =?utf-8?Q?gro=C3=9Fe_Datei?=',
  'Content-Type: multipart/mixed; boundary="==big=="',
  '',
  '--==big==',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Hier ist die gro=C3=9Fe Datei.',
  '--==big==',
  'Content-Type: application/octet-stream; name="big.bin"',
  'Content-Disposition: attachment; filename="big.bin"',
  'Content-Transfer-Encoding: base64',
  '',
  '',
].join('\r\n');
const TRAILER = '\r\n--==big==--\r\n';

/** 76-character base64 lines of pseudo-random bytes, `lines` of them (CRLF between, none after the last). */
function base64Lines(lines: number, seed: number): Buffer {
  const r = rng(seed);
  const bytes = Buffer.alloc(57 * lines);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(r() * 256);
  const b64 = bytes.toString('base64');
  const out = Buffer.alloc(lines * 78 - 2);
  for (let i = 0; i < lines; i++) {
    out.write(b64.slice(i * 76, i * 76 + 76), i * 78, 'latin1');
    if (i < lines - 1) out.write('\r\n', i * 78 + 76, 'latin1');
  }
  return out;
}

const LINES = 68_000; // ~5.3 MB of base64
const attachment = base64Lines(LINES, 42);
const raw = Buffer.concat([Buffer.from(HEADER), attachment, Buffer.from(TRAILER)]);

describe('streaming a 5 MB message', () => {
  const reference = indexBuffer(raw);

  it('records exact offsets', () => {
    assert.ok(raw.length > 5_000_000);
    checkInvariants(raw, reference);
    checkParts(raw, reference, {
      '': { type: 'multipart/mixed' },
      '1': { type: 'text/plain', body: 'Hier ist die gro=C3=9Fe Datei.' },
      '2': {
        type: 'application/octet-stream',
        header: 'Content-Type: application/octet-stream; name="big.bin"\r\nContent-Disposition: attachment; filename="big.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n',
        lines: LINES,
        filename: 'big.bin',
      },
    });
    const part = reference.structure.children?.[1];
    assert.ok(part && raw.subarray(part.bodyStart, part.bodyEnd).equals(attachment));
    assert.equal(reference.subject, 'große Datei');
    assert.equal(reference.searchText, 'Hier ist die große Datei.');
    assert.equal(reference.hasAttachment, true);
  });

  it('gives identical results for any chunking (1 byte to 64 KiB)', async () => {
    const expected = plain(reference);
    for (const size of [3, 1000, 65536]) {
      assert.deepEqual(plain(await feed(raw, () => size)), expected, `chunks of ${size}`);
    }
    for (let seed = 1; seed <= 4; seed++) {
      assert.deepEqual(plain(await feed(raw, randomSizes(seed))), expected, `random chunks, seed ${seed}`);
    }
    // The first 300 KB one byte at a time, the rest in large chunks.
    let fed = 0;
    const mixed = await feed(raw, () => (fed += 1) < 300_000 ? 1 : 65536);
    assert.deepEqual(plain(mixed), expected, 'byte-wise head');
  });

  /** Streams freshly allocated chunks through a MimeIndexer, sampling memory (after GC) as it goes. */
  async function peakGrowth(makeChunks: () => Generator<Buffer>): Promise<{ growth: number; size: number }> {
    gc();
    const base = process.memoryUsage();
    const baseline = base.heapUsed + base.arrayBuffers;
    let peak = 0;
    let size = 0;
    let sinceSample = 0;
    const sample = (): void => {
      gc();
      const m = process.memoryUsage();
      peak = Math.max(peak, m.heapUsed + m.arrayBuffers - baseline);
    };
    async function* source(): AsyncGenerator<Buffer> {
      for (const chunk of makeChunks()) {
        size += chunk.length;
        sinceSample += chunk.length;
        if (sinceSample > 256 * 1024) {
          sinceSample = 0;
          sample();
        }
        yield chunk;
      }
    }
    const indexer = new MimeIndexer();
    await pipeline(Readable.from(source(), { highWaterMark: 1 }), indexer);
    const index = await indexer.result;
    sample();
    assert.equal(index.size, size);
    return { growth: peak, size };
  }

  function* chunked(parts: readonly (string | (() => Generator<Buffer>))[], seed: number): Generator<Buffer> {
    const sizes = randomSizes(seed);
    for (const p of parts) {
      const src = typeof p === 'string' ? [Buffer.from(p)] : p();
      for (const buf of src) {
        for (let pos = 0; pos < buf.length; ) {
          const n = Math.min(sizes(), buf.length - pos);
          yield Buffer.from(buf.subarray(pos, pos + n));
          pos += n;
        }
      }
    }
  }

  it('does not hold the message in memory (attachment)', async () => {
    const block = base64Lines(1000, 7);
    const body = (blocks: number) => function* (): Generator<Buffer> {
      for (let i = 0; i < blocks; i++) yield Buffer.concat([block, Buffer.from('\r\n')]);
    };
    await peakGrowth(() => chunked([HEADER, body(4), TRAILER], 3)); // warm-up: compiled code is heap too
    const { growth, size } = await peakGrowth(() => chunked([HEADER, body(68), TRAILER], 3));
    assert.ok(size > 5_000_000);
    assert.ok(growth < 2.5 * 1024 * 1024, `memory grew by ${growth} bytes for a ${size}-byte message`);
  });

  it('does not hold the message in memory (5 MB text body, extraction capped)', async () => {
    const line = Buffer.from('Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor=\r\n');
    const body = (blocks: number) => function* (): Generator<Buffer> {
      for (let i = 0; i < blocks; i++) yield Buffer.concat(Array.from({ length: 100 }, () => line));
    };
    const head = 'Subject: long\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n';
    await peakGrowth(() => chunked([head, body(160)], 5)); // warm-up, past the extraction cap
    const { growth, size } = await peakGrowth(() => chunked([head, body(640)], 5));
    assert.ok(size > 5_000_000);
    // The one thing kept is the text extracted for search: at most maxTextPartBytes.
    assert.ok(growth < MIME_LIMITS.maxTextPartBytes + 2 * 1024 * 1024, `memory grew by ${growth} bytes for a ${size}-byte message`);
  });
});

/** Prose of about `bytes` bytes: words, some non-ASCII, blank runs, tabs, blank lines, lines that start with "--". */
function prose(bytes: number, seed: number, eol: string): string {
  const words = ['the', 'patient', 'was', 'seen', 'today,', 'Größe', 'café', 'naïve', '🎉', 'results', 'within', 'normal', 'range.', '--', '-- ', '--==big=', 'x\ty', 'a\u00a0b', 'wide  gap'];
  const r = rng(seed);
  const out: string[] = [];
  let line = '';
  let size = 0;
  while (size < bytes) {
    line += (line ? ' ' : '') + (words[Math.floor(r() * words.length)] as string);
    if (line.length > 60 + r() * 20) {
      out.push(r() < 0.05 ? `${line}  ` : line);
      size += line.length + eol.length;
      line = '';
      if (r() < 0.1) out.push('', ...(r() < 0.3 ? ['', ''] : []));
    }
  }
  return out.join(eol) + eol;
}

function quotedPrintable(text: string): string {
  const latin1 = Buffer.from(text, 'utf8').toString('latin1');
  const escaped = latin1.replace(/[^\r\n\t\x20-\x3c\x3e-\x7e]/g, (c) => `=${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  // Soft line breaks every 70 characters or so, never inside an "=XX".
  return escaped.split('\r\n').map((l) => (l.match(/(?:=[0-9A-F]{2}|[^=]){1,70}/g) ?? []).join('=\r\n')).join('\r\n');
}

function base64Text(text: string): string {
  const padded = `${Buffer.from('ab').toString('base64')}${Buffer.from('cd').toString('base64')}`;
  const b64 = Buffer.from(text, 'utf8').toString('base64');
  return [...(b64.match(/.{1,76}/g) ?? []), padded, 'YWJj'].join('\r\n');
}

/** A 2 MB message whose text parts go past every extraction cap, in most of the shapes mail takes. */
function largeTextMessage(): Buffer {
  const plain = prose(300_000, 1, '\r\n');
  const html = `<html><body>${prose(200_000, 2, '\r\n').replace(/\r\n\r\n/g, '</p>\r\n<p>')}</body></html>`;
  const log = prose(1_200_000, 3, '\n');
  const long = 'z'.repeat(40_000);
  return Buffer.from([
    'From: Big Sender <big@example.org>', 'To: someone@example.org', 'Subject: =?utf-8?Q?gro=C3=9Fe_Texte?=',
    'Content-Type: multipart/mixed; boundary="==big=="', '', 'preamble', '--==big==',
    'Content-Type: multipart/alternative; boundary="alt"', '', '--alt',
    'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable', '', quotedPrintable(plain), '--alt',
    'Content-Type: text/html; charset=utf-8', '', html, '--alt--', '--==big==',
    'Content-Type: text/plain; charset=utf-8', 'Content-Disposition: attachment; filename="log.txt"', '', log, '--==big==',
    'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64', '', base64Text(prose(100_000, 4, '\r\n')), '--==big==',
    'Content-Type: message/rfc822', '', 'Subject: inner', 'Content-Type: text/plain; charset=iso-8859-1', '', `d\xe9j\xe0 ${long} vu`, '--==big==',
    'Content-Type: application/octet-stream', 'Content-Transfer-Encoding: base64', '', base64Lines(3000, 5).toString('latin1'), '--==big==--', 'epilogue', '',
  ].join('\r\n'), 'utf8');
}

describe('streaming a 2 MB message with large text parts', () => {
  const raw = largeTextMessage();

  for (const opts of [undefined, { limits: { maxSearchTextBytes: 5000, previewLength: 40, maxTextPartBytes: 100_000 } }]) {
    it(`gives identical results for any chunking${opts ? ' (small text limits)' : ''}`, async () => {
      const reference = indexBuffer(raw, opts);
      checkInvariants(raw, reference);
      const expected = plain(reference);
      for (const size of [7, 1000, 65536]) {
        assert.deepEqual(plain(await feed(raw, () => size, opts)), expected, `chunks of ${size}`);
      }
      for (let seed = 1; seed <= 3; seed++) {
        assert.deepEqual(plain(await feed(raw, randomSizes(seed), opts)), expected, `random chunks, seed ${seed}`);
      }
      let fed = 0;
      const mixed = await feed(raw, () => ((fed += 1) < 200_000 ? 1 : 65536), opts);
      assert.deepEqual(plain(mixed), expected, 'byte-wise head');
    });
  }

  it('extracts capped text', () => {
    const ix = indexBuffer(raw);
    assert.ok(raw.length > 2_000_000, `${raw.length} bytes`);
    assert.deepEqual([ix.textBody, ix.htmlBody, ix.attachments], [['1.1', '3'], ['1.2', '3'], ['2', '4', '5']]);
    const firstLine = prose(300_000, 1, '\r\n').split('\r\n')[0] ?? '';
    assert.ok(ix.searchText.startsWith(`${normalizeText(firstLine)}\n`), 'search text starts with the body text');
    const bytes = Buffer.byteLength(ix.searchText);
    assert.ok(bytes <= MIME_LIMITS.maxSearchTextBytes && bytes > MIME_LIMITS.maxSearchTextBytes - 4, `searchText of ${bytes} bytes`);
    assert.equal(ix.preview.length, MIME_LIMITS.previewLength);
    assert.ok(!ix.preview.includes('  ') && !ix.preview.includes('\n'));
    const small = indexBuffer(raw, { limits: { maxSearchTextBytes: 5000, previewLength: 40 } });
    assert.ok(Buffer.byteLength(small.searchText) <= 5000);
    assert.equal(small.preview, ix.preview.slice(0, 40));
  });
});

describe('MimeIndexer as a Writable', () => {
  const small = Buffer.from('Subject: tee\r\nContent-Type: text/plain\r\n\r\nhello\r\n');

  it('sits at the end of a pipeline behind a tee to a blob store', async () => {
    const stored: Buffer[] = [];
    const tee = new PassThrough();
    tee.on('data', (c: Buffer) => stored.push(c));
    const indexer = new MimeIndexer();
    await pipeline(Readable.from([small.subarray(0, 7), small.subarray(7)]), tee, indexer);
    const index = await indexer.result;
    assert.ok(Buffer.concat(stored).equals(small));
    assert.equal(index.subject, 'tee');
    assert.equal(index.searchText, 'hello');
  });

  it('indexMessage reads a Readable', async () => {
    const index = await indexMessage(Readable.from([small]));
    assert.equal(index.size, small.length);
  });

  it('accepts string and Uint8Array chunks', async () => {
    const indexer = new MimeIndexer();
    indexer.write('Subject: s\r\n');
    indexer.write(new Uint8Array(Buffer.from('\r\nbody')));
    indexer.end();
    const index = await indexer.result;
    assert.equal(index.subject, 's');
    assert.equal(index.structure.bodyStart, 14);
  });

  it('rejects result when destroyed, and indexMessage when the source fails', async () => {
    const indexer = new MimeIndexer();
    const emitted = new Promise((resolve) => indexer.once('error', resolve));
    indexer.write(small);
    indexer.destroy(new Error('boom'));
    assert.match(String(await emitted), /boom/);
    await assert.rejects(indexer.result, /boom/);
    const failing = new Readable({
      read() {
        this.destroy(new Error('source failed'));
      },
    });
    await assert.rejects(indexMessage(failing), /source failed/);
  });
});
