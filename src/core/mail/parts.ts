/**
 * Reading pieces of a stored message by the offsets its index recorded at delivery: the raw
 * header block, one part's decoded bytes or text (JMAP bodyValues and blob download of an
 * attachment, RFC 8621 section 4.1.4), never re-parsing the whole message.
 */
import { decodeBytes } from './mime/charset.js';
import { createTransferDecoder } from './mime/transfer-decode.js';
import type { MessageIndex, MimePart } from './mime/types.js';
import type { MessageService } from './message-service.js';

/** One raw header field: its name as written and its value as written (folding kept), RFC 8621 section 4.1.3. */
export interface RawHeader {
  name: string;
  value: string;
}

async function readRange(messages: MessageService, hash: string, start: number, end: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of messages.body(hash, { start, end })) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** The whole raw message (bounded by the caller's size limits). */
export function readMessage(messages: MessageService, hash: string, size: number): Promise<Buffer> {
  return readRange(messages, hash, 0, size);
}

/** Splits a header block into fields, keeping names and folded values as written. */
export function splitRawHeaders(block: string): RawHeader[] {
  const out: RawHeader[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (!line) break;
    if ((line[0] === ' ' || line[0] === '\t') && out.length) {
      out[out.length - 1]!.value += `\r\n${line}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon > 0) out.push({ name: line.slice(0, colon).trimEnd(), value: line.slice(colon + 1) });
  }
  return out;
}

/** The raw header fields of a part (the message root by default). */
export async function rawHeaders(messages: MessageService, hash: string, part: MimePart): Promise<RawHeader[]> {
  const block = await readRange(messages, hash, part.headerStart, part.bodyStart);
  return splitRawHeaders(block.toString('utf8'));
}

/** A part's body with its Content-Transfer-Encoding undone. */
export async function partBytes(messages: MessageService, hash: string, part: MimePart): Promise<Buffer> {
  const raw = await readRange(messages, hash, part.bodyStart, part.bodyEnd);
  const dec = createTransferDecoder(part.encoding);
  return Buffer.concat([Buffer.from(dec.write(raw)), dec.end()]);
}

/** A text part's content as a string, decoded from its charset. */
export async function partText(messages: MessageService, hash: string, part: MimePart): Promise<string> {
  return decodeBytes(await partBytes(messages, hash, part), part.params.charset ?? null);
}

/** Every part of a message, depth first (entering embedded messages' roots, as JMAP bodyStructure does not). */
export function allParts(root: MimePart): MimePart[] {
  const out: MimePart[] = [];
  const walk = (p: MimePart) => {
    out.push(p);
    for (const c of p.children ?? []) walk(c);
  };
  walk(root);
  return out;
}

/** The part with IMAP section path `path` ("" is the root). */
export function partByPath(index: MessageIndex, path: string): MimePart | null {
  return allParts(index.structure).find((p) => p.path === path) ?? null;
}
