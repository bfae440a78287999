// FETCH responses (RFC 9051 section 7.5.2, RFC 3516 BINARY, RFC 7162 MODSEQ) from the stored rows
// and MessageIndex. Body sections are streamed from the blob store by byte range, with the
// socket's backpressure respected: a large message is never loaded whole to send part of it.
import { parseFlags } from '../../../core/mail/message-service.js';
import { resolveSection, type ByteRange } from '../../../core/mail/mime/index.js';
import { findPart } from '../../../core/mail/mime/section.js';
import { createTransferDecoder } from '../../../core/mail/mime/transfer-decode.js';
import type { MessageIndex } from '../../../core/mail/mime/types.js';
import type { MessageRow } from '../../../store/types.js';
import { fetchResponseName, formatImapDateTime, wire, type BodySection, type FetchAttribute } from '../proto/index.js';
import type { ImapSession } from '../session.js';
import type { Target } from '../commands/common.js';
import { bodyStructureOut } from './bodystructure.js';
import { envelopeOut } from './envelope.js';

const LITERAL_MAX_IN_MEMORY = 256 * 1024;

// A message's ENVELOPE and BODYSTRUCTURE never change: their wire form is kept beside the parsed
// index (which core caches), so a client re-reading a folder costs no re-serialisation.
const wireCache = new WeakMap<MessageIndex, Map<string, Buffer>>();

function cachedWire(index: MessageIndex, key: string, make: () => wire.ImapOut, utf8: boolean): Buffer {
  let m = wireCache.get(index);
  if (!m) wireCache.set(index, (m = new Map()));
  const k = `${key}:${utf8 ? 1 : 0}`;
  let b = m.get(k);
  if (!b) m.set(k, (b = wire.serialize(make(), { utf8 })));
  return b;
}

export interface FetchOptions {
  uid: boolean;
  changedSince?: number;
  /** Messages whose \Seen flag was set by this fetch (their FLAGS are sent). */
  seenSet?: Set<number>;
}

/** True when an attribute needs the parsed form of the message. */
export function needsIndex(a: FetchAttribute): boolean {
  switch (a.type) {
    case 'ENVELOPE':
    case 'BODYSTRUCTURE':
    case 'BODY':
    case 'RFC822.HEADER':
    case 'RFC822.TEXT':
    case 'BINARY[]':
    case 'BINARY.SIZE':
      return true;
    case 'BODY[]':
      return a.section.part.length > 0 || a.section.text !== undefined;
    default:
      return false;
  }
}

/** True when fetching the attribute sets \Seen (RFC 9051 6.4.5: BODY[...] and RFC822 without PEEK). */
export function setsSeen(a: FetchAttribute): boolean {
  return ((a.type === 'BODY[]' || a.type === 'BINARY[]') && !a.peek) || a.type === 'RFC822' || a.type === 'RFC822.TEXT';
}

/** Keeps the header fields named (or, with `not`, all others) of a header block (RFC 9051 HEADER.FIELDS). */
export function filterHeader(block: Buffer, names: readonly string[], not: boolean): Buffer {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const text = block.toString('latin1');
  const lines = text.split(/\r?\n/);
  const out: string[] = [];
  let keep = false;
  for (const line of lines) {
    if (line === '') break;
    if (/^[ \t]/.test(line)) {
      if (keep) out.push(line);
      continue;
    }
    const colon = line.indexOf(':');
    const name = (colon < 0 ? line : line.slice(0, colon)).trim().toLowerCase();
    keep = wanted.has(name) !== not;
    if (keep) out.push(line);
  }
  return Buffer.from(out.map((l) => `${l}\r\n`).join('') + '\r\n', 'latin1');
}

async function collect(s: ImapSession, hash: string, range: ByteRange): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s.services.messages.body(hash, range)) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

type Piece = { kind: 'bytes'; data: Buffer } | { kind: 'range'; hash: string; range: ByteRange };

/** The bytes of BODY[section] as either a buffer or a byte range of the blob; null when no such part. */
async function sectionPiece(s: ImapSession, row: MessageRow, index: MessageIndex | undefined, section: BodySection): Promise<Piece | null> {
  const hash = row.blob_hash;
  if (section.part.length === 0 && section.text === undefined) return { kind: 'range', hash, range: { start: 0, end: Number(row.size) } };
  if (!index) return null;
  const t = section.text;
  if (t === 'HEADER.FIELDS' || t === 'HEADER.FIELDS.NOT') {
    const r = resolveSection(index.structure, section.part, 'HEADER');
    if (!r) return null;
    return { kind: 'bytes', data: filterHeader(await collect(s, hash, r), section.fields ?? [], t === 'HEADER.FIELDS.NOT') };
  }
  const r = resolveSection(index.structure, section.part, t);
  return r ? { kind: 'range', hash, range: r } : null;
}

function applyPartial(p: Piece, partial: { offset: number; length: number } | undefined): Piece {
  if (!partial) return p;
  if (p.kind === 'bytes') return { kind: 'bytes', data: p.data.subarray(Math.min(partial.offset, p.data.length), Math.min(partial.offset + partial.length, p.data.length)) };
  const start = Math.min(p.range.start + partial.offset, p.range.end);
  return { kind: 'range', hash: p.hash, range: { start, end: Math.min(start + partial.length, p.range.end) } };
}

async function binaryPart(s: ImapSession, row: MessageRow, index: MessageIndex | undefined, part: readonly number[]): Promise<Buffer | null> {
  if (!index) return null;
  const mime = part.length ? findPart(index.structure, part) : index.structure;
  if (!mime || mime.children) return null;
  const range = part.length ? resolveSection(index.structure, part) : { start: mime.bodyStart, end: mime.bodyEnd };
  if (!range) return null;
  const dec = createTransferDecoder(mime.encoding);
  const out: Buffer[] = [];
  for await (const c of s.services.messages.body(row.blob_hash, range)) out.push(Buffer.from(dec.write(c as Buffer)));
  out.push(dec.end());
  return Buffer.concat(out);
}

/** Writes one `* n FETCH (...)` per message, streaming body literals. */
export async function writeFetch(
  s: ImapSession,
  list: readonly Target[],
  rows: ReadonlyMap<number, MessageRow>,
  indexes: ReadonlyMap<string, MessageIndex>,
  attrs: readonly FetchAttribute[],
  opts: FetchOptions,
): Promise<void> {
  const wantModseq = s.condstore && (opts.changedSince !== undefined || attrs.some((a) => a.type === 'MODSEQ'));
  const ser = { utf8: s.utf8 };
  for (const t of list) {
    const row = rows.get(t.uid);
    if (!row) continue;
    if (opts.changedSince !== undefined && Number(row.modseq) <= opts.changedSince) continue;
    const index = indexes.get(row.blob_hash);
    const chunks: Buffer[] = [Buffer.from(`* ${t.seq} FETCH (`)];
    let first = true;
    const item = (name: string, value: wire.ImapOut | Buffer) => {
      chunks.push(Buffer.from(`${first ? '' : ' '}${name} `, 'latin1'));
      chunks.push(Buffer.isBuffer(value) ? value : wire.serialize(value, ser));
      first = false;
    };
    const seenNow = opts.seenSet?.has(t.uid) ?? false;
    if (opts.uid || attrs.some((a) => a.type === 'UID')) item('UID', Buffer.from(String(t.uid)));
    let flagsDone = false;
    const flags = () => {
      if (flagsDone) return;
      flagsDone = true;
      item('FLAGS', s.flagAtoms(t.uid, parseFlags(row.flags)));
    };
    if (seenNow) flags();
    for (const a of attrs) {
      switch (a.type) {
        case 'UID':
        case 'MODSEQ':
          break;
        case 'FLAGS':
          flags();
          break;
        case 'INTERNALDATE':
          item('INTERNALDATE', wire.raw(formatImapDateTime(new Date(Number(row.internal_date)))));
          break;
        case 'RFC822.SIZE':
          item('RFC822.SIZE', Buffer.from(String(Number(row.size))));
          break;
        case 'ENVELOPE':
          item('ENVELOPE', index ? cachedWire(index, 'E', () => envelopeOut(index.envelope), s.utf8) : null);
          break;
        case 'BODYSTRUCTURE':
        case 'BODY':
          item(a.type, index ? cachedWire(index, a.type, () => bodyStructureOut(index.structure, a.type === 'BODYSTRUCTURE', s.utf8), s.utf8) : null);
          break;
        case 'BINARY.SIZE': {
          const data = await binaryPart(s, row, index, a.part);
          item(fetchResponseName(a), data ? Buffer.from(String(data.length)) : null);
          break;
        }
        case 'BINARY[]': {
          let data = await binaryPart(s, row, index, a.part);
          if (data && a.partial) data = data.subarray(Math.min(a.partial.offset, data.length), Math.min(a.partial.offset + a.partial.length, data.length));
          item(fetchResponseName(a), data ? wire.literal(data, data.includes(0)) : null);
          break;
        }
        default: {
          let name: string;
          let section: BodySection;
          let partial: { offset: number; length: number } | undefined;
          if (a.type === 'BODY[]') {
            name = fetchResponseName(a, (f) => wire.serialize(wire.astr(f)).toString('latin1'));
            section = a.section;
            partial = a.partial;
          } else {
            name = a.type;
            section = a.type === 'RFC822' ? { part: [] } : { part: [], text: a.type === 'RFC822.HEADER' ? 'HEADER' : 'TEXT' };
          }
          const piece = await sectionPiece(s, row, index, section);
          if (!piece) {
            item(name, null);
            break;
          }
          const p = applyPartial(piece, partial);
          if (p.kind === 'bytes') {
            item(name, wire.literal(p.data));
            break;
          }
          const len = Math.max(0, p.range.end - p.range.start);
          chunks.push(Buffer.from(`${first ? '' : ' '}${name} {${len}}\r\n`, 'latin1'));
          first = false;
          if (len <= LITERAL_MAX_IN_MEMORY) {
            if (len) chunks.push(await collect(s, p.hash, p.range));
          } else {
            await s.writeAndDrain(Buffer.concat(chunks));
            chunks.length = 0;
            let sent = 0;
            for await (const c of s.services.messages.body(p.hash, p.range)) {
              sent += (c as Buffer).length;
              await s.writeAndDrain(c as Buffer);
            }
            if (sent !== len) throw new Error(`blob ${p.hash} shorter than its index says`);
          }
        }
      }
    }
    if (wantModseq) item('MODSEQ', [Number(row.modseq)]);
    chunks.push(Buffer.from(')\r\n'));
    await s.writeAndDrain(Buffer.concat(chunks));
  }
}
