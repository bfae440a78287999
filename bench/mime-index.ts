/**
 * MIME indexer micro-benchmark: time per message and throughput for the shapes that dominate
 * delivery (small text, 1 MB text, 1 MB attachments), fed the way delivery feeds them.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/mime-index.js      (WARDPOST_BENCH_SECONDS=2 per case)
 *
 * Targets: a 10 KB text/plain message in under 60 µs; 1 MB plain-text and base64-attachment
 * messages in 64 KiB chunks at 200 MB/s or more.
 */
import { seededRandom as rng } from '../src/core/util/seeded-random.js';
import { MimeIndexer, indexBuffer } from '../src/core/mail/mime/index.js';

const SECONDS = Number(process.env.WARDPOST_BENCH_SECONDS ?? 2);
const KB = 1024;
const MB = 1024 * 1024;


const HEAD = 'From: Bench Sender <bench@example.org>\r\nTo: someone@wardpost.test\r\nSubject: =?utf-8?Q?Befund_f=C3=BCr?= bench\r\nDate: Tue, 4 Mar 2025 10:11:12 +0100\r\nMessage-ID: <1.2@bench>\r\nMIME-Version: 1.0\r\n';

/** Plain text paragraphs of `bytes` bytes (CRLF lines, a blank line every few lines). */
function prose(bytes: number, seed: number): string {
  const words = ['the', 'patient', 'was', 'seen', 'today', 'and', 'results', 'of', 'blood', 'tests', 'are', 'within', 'normal', 'range,', 'follow-up', 'in', 'three', 'weeks.', 'Größe', 'café'];
  const r = rng(seed);
  let out = '';
  let line = '';
  let n = 0;
  while (out.length < bytes) {
    line += (line ? ' ' : '') + (words[Math.floor(r() * words.length)] as string);
    if (line.length > 66) {
      out += `${line}\r\n`;
      line = '';
      if (++n % 6 === 0) out += '\r\n';
    }
  }
  return out;
}

/** Base64 of `bytes` random bytes in 76-character CRLF lines. */
function base64Body(bytes: number, seed: number): string {
  const r = rng(seed);
  const buf = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) buf[i] = Math.floor(r() * 256);
  return (buf.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n') + '\r\n';
}

function qp(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1').replace(/[^\r\n\x20-\x3c\x3e-\x7e]/g, (c) => `=${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** The message of bench/delivery.ts: ASCII text/plain, CRLF lines. */
function deliveryMessage(bytes: number): Buffer {
  const head = 'From: bench@example.org\r\nTo: bench@wardpost.test\r\nSubject: bench 7\r\nMessage-ID: <7.1@bench>\r\n\r\n';
  const line = '7 the quick brown fox jumps over the lazy dog 0123456789 abcdefghijklmnop\r\n';
  return Buffer.from(head + line.repeat(Math.ceil((bytes - head.length) / line.length)));
}

function textMessage(bytes: number): Buffer {
  return Buffer.from(`${HEAD}Content-Type: text/plain; charset=utf-8\r\n\r\n${prose(bytes, 1)}`);
}

function qpMessage(bytes: number): Buffer {
  return Buffer.from(`${HEAD}Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${qp(prose(bytes, 2))}`);
}

function htmlMessage(bytes: number): Buffer {
  const paras = prose(bytes, 3).split('\r\n\r\n').map((p) => `<p style="margin:0">${p.replace(/é/g, '&eacute;')}</p>`);
  return Buffer.from(`${HEAD}Content-Type: text/html; charset=utf-8\r\n\r\n<html><body>${paras.join('\r\n')}</body></html>\r\n`);
}

function alternative(bytes: number): Buffer {
  const text = prose(bytes / 3, 4);
  const html = `<html><body><div>${text.replace(/\r\n\r\n/g, '</div>\r\n<div>')}</div></body></html>\r\n`;
  return Buffer.from(`${HEAD}Content-Type: multipart/alternative; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${html}\r\n--b1--\r\n`);
}

function attachment(bytes: number): Buffer {
  return Buffer.from(`${HEAD}Content-Type: multipart/mixed; boundary="b2"\r\n\r\n--b2\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee the attached report.\r\n--b2\r\nContent-Type: application/pdf; name="report.pdf"\r\nContent-Disposition: attachment; filename="report.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Body(Math.floor(bytes * 0.74), 5)}--b2--\r\n`);
}

function base64Text(bytes: number): Buffer {
  const body = (Buffer.from(prose(Math.floor(bytes * 0.74), 6)).toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
  return Buffer.from(`${HEAD}Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${body}\r\n`);
}

function chunks(raw: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let pos = 0; pos < raw.length; pos += size) out.push(Buffer.from(raw.subarray(pos, pos + size)));
  return out;
}

async function viaWritable(parts: readonly Buffer[]): Promise<unknown> {
  const indexer = new MimeIndexer();
  for (const c of parts) indexer.write(c);
  indexer.end();
  return indexer.result;
}

interface Row {
  name: string;
  size: number;
  chunk: string;
  usPerMsg: number;
  mbPerSec: number;
}

/**
 * Best of ten rounds, each as many runs as fit in a tenth of the time budget: the machine is shared,
 * and the best round is the one least disturbed by other work.
 */
async function time(name: string, raw: Buffer, chunk: number | null): Promise<Row> {
  const parts = chunk === null ? [] : chunks(raw, chunk);
  const once = chunk === null ? async () => indexBuffer(raw) : async () => viaWritable(parts);
  for (let i = 0; i < 20; i++) await once(); // warm-up
  const rounds = 10;
  const budget = BigInt(Math.round((SECONDS / rounds) * 1e9));
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    let n = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0n;
    do {
      await once();
      n++;
      elapsed = process.hrtime.bigint() - start;
    } while (elapsed < budget);
    best = Math.min(best, Number(elapsed) / 1000 / n);
  }
  return { name, size: raw.length, chunk: chunk === null ? 'indexBuffer' : chunk >= raw.length ? 'one write' : `${chunk / KB} KiB`, usPerMsg: best, mbPerSec: raw.length / MB / (best / 1e6) };
}

const cases: [string, Buffer, number | null][] = [
  ['10 KB delivery text', deliveryMessage(10 * KB), null],
  ['10 KB delivery text', deliveryMessage(10 * KB), 64 * KB],
  ['10 KB text/plain', textMessage(10 * KB), 64 * KB],
  ['10 KB alternative', alternative(10 * KB), 64 * KB],
  ['10 KB text/html', htmlMessage(10 * KB), 64 * KB],
  ['1 MB delivery text', deliveryMessage(MB), 64 * KB],
  ['1 MB text/plain', textMessage(MB), 64 * KB],
  ['1 MB text/plain q-p', qpMessage(MB), 64 * KB],
  ['1 MB text/plain base64', base64Text(MB), 64 * KB],
  ['1 MB text/html', htmlMessage(MB), 64 * KB],
  ['1 MB base64 attachment', attachment(MB), 64 * KB],
  ['10 MB base64 attachment', attachment(10 * MB), 64 * KB],
];

const rows: Row[] = [];
for (const [name, raw, chunk] of cases) rows.push(await time(name, raw, chunk));

const pad = (s: string, n: number): string => s.padEnd(n);
const lpad = (s: string, n: number): string => s.padStart(n);
console.log(`${pad('message', 26)}${lpad('bytes', 10)}  ${pad('fed as', 12)}${lpad('µs/msg', 11)}${lpad('MB/s', 9)}`);
for (const r of rows) {
  console.log(`${pad(r.name, 26)}${lpad(String(r.size), 10)}  ${pad(r.chunk, 12)}${lpad(r.usPerMsg.toFixed(1), 11)}${lpad(r.mbPerSec.toFixed(1), 9)}`);
}
