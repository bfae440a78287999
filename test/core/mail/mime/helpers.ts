// Shared helpers for the MIME indexer tests: message building, chunked feeding, offset checks.
import { seededRandom as rng } from '../../../../src/core/util/seeded-random.js';
import assert from 'node:assert/strict';
import { MimeIndexer, type MessageIndex, type MimeIndexOptions, type MimePart } from '../../../../src/core/mail/mime/index.js';

/** Joins lines with CRLF (the last element '' gives a trailing CRLF). */
export function crlf(lines: readonly string[]): Buffer {
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

/** Joins lines with bare LF. */
export function lf(lines: readonly string[]): Buffer {
  return Buffer.from(lines.join('\n'), 'utf8');
}

export { seededRandom as rng } from '../../../../src/core/util/seeded-random.js';

/** Chunk sizes from 1 byte to `max`, log-uniform so that tiny and large chunks both occur often. */
export function randomSizes(seed: number, max = 64 * 1024): () => number {
  const r = rng(seed);
  return () => Math.max(1, Math.floor(Math.exp(r() * Math.log(max))));
}

/** Feeds `raw` to a MimeIndexer with `.write()` in chunks whose sizes `next` returns, then `.end()`. */
export async function feed(raw: Buffer, next: () => number, opts?: MimeIndexOptions): Promise<MessageIndex> {
  const indexer = new MimeIndexer(opts);
  let pos = 0;
  while (pos < raw.length) {
    const n = Math.min(next(), raw.length - pos);
    // Copy, so that the indexer cannot rely on the caller's buffer staying unchanged.
    if (!indexer.write(Buffer.from(raw.subarray(pos, pos + n)))) await new Promise((r) => indexer.once('drain', r));
    pos += n;
  }
  indexer.end();
  return indexer.result;
}

/** Every part with a unique key: its path, or "<path>/message" for the root of an embedded message. */
export function partsByKey(root: MimePart): Map<string, MimePart> {
  const out = new Map<string, MimePart>();
  const walk = (p: MimePart, key: string): void => {
    out.set(key, p);
    for (const c of p.children ?? []) walk(c, c.path);
    if (p.message) walk(p.message.part, `${key}/message`);
  };
  walk(root, root.path);
  return out;
}

/** Body line count as BODYSTRUCTURE reports it: LFs, plus one for an unterminated last line. */
export function countLines(body: Buffer): number {
  if (body.length === 0) return 0;
  let n = 0;
  for (const b of body) if (b === 0x0a) n++;
  return body[body.length - 1] === 0x0a ? n : n + 1;
}

/** Structural invariants that hold for every index of every message. */
export function checkInvariants(raw: Buffer, index: MessageIndex): void {
  assert.equal(index.size, raw.length);
  assert.equal(index.structure.headerStart, 0);
  assert.equal(index.headerSize, index.structure.bodyStart);
  const check = (p: MimePart, lo: number, hi: number): void => {
    assert.ok(lo <= p.headerStart && p.headerStart <= p.bodyStart && p.bodyStart <= p.bodyEnd && p.bodyEnd <= hi, `offsets of ${p.path}`);
    assert.equal(p.size, p.bodyEnd - p.bodyStart, `size of ${p.path}`);
    assert.equal(p.lines, countLines(raw.subarray(p.bodyStart, p.bodyEnd)), `lines of ${p.path}`);
    if (p.type === 'multipart') assert.ok((p.children ?? []).length > 0, `multipart ${p.path} has children`);
    if (p.type === 'message' && (p.subtype === 'rfc822' || p.subtype === 'global')) assert.ok(p.message, `message ${p.path}`);
    let prev = p.bodyStart;
    for (const c of p.children ?? []) {
      check(c, prev, p.bodyEnd);
      prev = c.bodyEnd;
    }
    if (p.message) {
      assert.equal(p.message.part.headerStart, p.bodyStart);
      assert.equal(p.message.part.bodyEnd, p.bodyEnd);
      check(p.message.part, p.bodyStart, p.bodyEnd);
    }
  };
  check(index.structure, 0, raw.length);
}

/** Expected facts about one part; only the given fields are checked. */
export interface PartExpectation {
  type?: string;
  header?: string;
  body?: string;
  lines?: number;
  params?: Record<string, string>;
  encoding?: string;
  filename?: string | null;
}

/** Checks that the parts are exactly `expected` (by key) and that the byte ranges hold what is said. */
export function checkParts(raw: Buffer, index: MessageIndex, expected: Readonly<Record<string, PartExpectation>>): void {
  const parts = partsByKey(index.structure);
  assert.deepEqual([...parts.keys()].sort(), Object.keys(expected).sort(), 'part keys');
  for (const [key, exp] of Object.entries(expected)) {
    const p = parts.get(key);
    assert.ok(p, key);
    if (exp.type !== undefined) assert.equal(`${p.type}/${p.subtype}`, exp.type, `type of ${key}`);
    if (exp.header !== undefined) assert.equal(raw.subarray(p.headerStart, p.bodyStart).toString('utf8'), exp.header, `header of ${key}`);
    if (exp.body !== undefined) assert.equal(raw.subarray(p.bodyStart, p.bodyEnd).toString('utf8'), exp.body, `body of ${key}`);
    if (exp.lines !== undefined) assert.equal(p.lines, exp.lines, `lines of ${key}`);
    if (exp.params !== undefined) assert.deepEqual(p.params, exp.params, `params of ${key}`);
    if (exp.encoding !== undefined) assert.equal(p.encoding, exp.encoding, `encoding of ${key}`);
    if (exp.filename !== undefined) assert.equal(p.filename, exp.filename, `filename of ${key}`);
  }
}

/** Index as plain JSON (Dates as strings) for deep comparisons across chunkings. */
export function plain(index: MessageIndex): unknown {
  return JSON.parse(JSON.stringify(index)) as unknown;
}
