// Turns the scanner's records into the stored `MessageIndex`: MIME parts with defaults and
// downgrades applied, the RFC 8621 body/attachment choice, search text and preview.
import type { MimeLimits } from './limits.js';
import { selectBodyParts, type BodyParts } from './body-parts.js';
import type { ScanResult, ScannedPart } from './structure-scanner.js';
import { isSpace } from './text-normalize.js';
import type { Envelope, MessageIndex, MimePart } from './types.js';

const EMPTY_ENVELOPE: Envelope = {
  date: null, subject: null, from: [], sender: [], replyTo: [], to: [], cc: [], bcc: [], inReplyTo: null, messageId: null,
};

/**
 * One scanned part as a `MimePart`. A multipart without children and a message/* part without an
 * embedded message cannot be described by BODYSTRUCTURE as such: a multipart whose boundary never
 * showed is reported as text/plain (its body is what the sender wrote), anything left unread
 * because of a limit as application/octet-stream.
 */
function toMimePart(p: ScannedPart, texts: Map<MimePart, string>): MimePart {
  const info = p.info;
  let type = info?.type ?? 'text';
  let subtype = info?.subtype ?? 'plain';
  let params = info?.params ?? { charset: 'us-ascii' };
  let opaque = p.opaque;
  const hasChildren = p.children.length > 0;
  if (type === 'multipart' && !hasChildren) {
    if (p.noBoundary && !opaque) {
      subtype = 'plain';
      params = { charset: 'us-ascii', ...params };
    } else {
      subtype = 'octet-stream';
      opaque = true;
    }
    type = opaque ? 'application' : 'text';
  } else if (type === 'message' && (subtype === 'rfc822' || subtype === 'global') && !p.message) {
    type = 'application';
    subtype = 'octet-stream';
    opaque = true;
  }
  const part: MimePart = {
    path: p.path,
    headerStart: p.headerStart,
    bodyStart: p.bodyStart,
    bodyEnd: p.bodyEnd,
    type,
    subtype,
    params,
    id: info?.id ?? null,
    description: info?.description ?? null,
    encoding: info?.encoding ?? '7bit',
    disposition: info?.disposition ?? null,
    language: info?.language ?? null,
    location: info?.location ?? null,
    md5: info?.md5 ?? null,
    filename: info?.filename ?? null,
    size: p.bodyEnd - p.bodyStart,
    lines: p.lines,
  };
  if (type === 'multipart') part.children = p.children.map((c) => toMimePart(c, texts));
  if (p.message) part.message = { envelope: p.message.envelope ?? EMPTY_ENVELOPE, part: toMimePart(p.message, texts) };
  if (opaque) part.opaque = true;
  if (p.text) texts.set(part, p.text);
  return part;
}

/** Parts in tree order, embedded messages included. */
function* walk(part: MimePart): Generator<MimePart> {
  yield part;
  for (const c of part.children ?? []) yield* walk(c);
  if (part.message) yield* walk(part.message.part);
}

/** Cuts `s` to at most `maxBytes` UTF-8 bytes on a character boundary. */
function clipUtf8(s: string, maxBytes: number): string {
  if (s.length * 3 <= maxBytes || Buffer.byteLength(s, 'utf8') <= maxBytes) return s;
  // Every character takes at least one byte, so the first maxBytes + 1 characters hold the first
  // maxBytes bytes (the extra one keeps a surrogate pair at the cut whole). When the first maxBytes
  // characters take maxBytes bytes, they are all ASCII and are the answer.
  if (s.length >= maxBytes && Buffer.byteLength(s.slice(0, maxBytes), 'utf8') === maxBytes) return s.slice(0, maxBytes);
  const head = s.length > maxBytes + 1 ? s.slice(0, maxBytes + 1) : s;
  const cut = Buffer.from(head, 'utf8').subarray(0, maxBytes).toString('utf8');
  return cut.replace(/\uFFFD$/, '');
}

/**
 * The first `max` characters of the texts joined with blank lines, white-space runs collapsed to one
 * space and trimmed; reads only as far as it needs to.
 */
function previewOf(texts: readonly string[], max: number): string {
  let out = '';
  let count = 0;
  let gap = false;
  for (const t of texts) {
    gap = true; // the blank line that joins the texts (a leading one is trimmed)
    const n = t.length;
    let i = 0;
    while (i < n && count <= max) {
      while (i < n && isSpace(t.charCodeAt(i))) {
        gap = true;
        i++;
      }
      if (i === n) break;
      const start = i;
      const room = max + 1 - count - (gap && count > 0 ? 1 : 0);
      while (i < n && i - start < room && !isSpace(t.charCodeAt(i))) i++;
      if (gap && count > 0) {
        out += ' ';
        count++;
      }
      out += t.slice(start, i);
      count += i - start;
      gap = false;
    }
    if (count > max) break;
  }
  if (count <= max) return out;
  const code = out.charCodeAt(max - 1);
  return out.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/** Builds the `MessageIndex` of a finished scan. */
export function assemble(scan: ScanResult, limits: MimeLimits): MessageIndex {
  const texts = new Map<MimePart, string>();
  const structure = toMimePart(scan.root, texts);
  const main = selectBodyParts(structure);

  // Body text first (textBody order), then every other text except the HTML alternatives of plain
  // text (in the message and in every embedded message), so that nothing is indexed twice.
  const htmlOnly = new Set<MimePart>();
  const skipAlternatives = (sel: BodyParts): void => {
    for (const h of sel.htmlBody) if (!sel.textBody.includes(h)) htmlOnly.add(h);
  };
  skipAlternatives(main);
  for (const p of walk(structure)) if (p.message) skipAlternatives(selectBodyParts(p.message.part));
  const bodyTexts: string[] = [];
  const used = new Set<MimePart>();
  for (const p of main.textBody) {
    const t = texts.get(p);
    if (t) bodyTexts.push(t);
    used.add(p);
  }
  const otherTexts: string[] = [];
  for (const p of walk(structure)) {
    const t = texts.get(p);
    if (t && !used.has(p) && !htmlOnly.has(p)) otherTexts.push(t);
  }
  const searchText = clipUtf8([...bodyTexts, ...otherTexts].join('\n\n'), limits.maxSearchTextBytes);

  const summary = scan.root.summary;
  const hasAttachment = main.attachments.some((p) => {
    const inlineMedia = ['image', 'audio', 'video'].includes(p.type);
    return p.disposition?.type === 'attachment' || !(inlineMedia && p.id !== null);
  });
  return {
    size: scan.size,
    headerSize: scan.root.bodyStart,
    lineEndings: scan.lineEndings,
    envelope: scan.root.envelope ?? EMPTY_ENVELOPE,
    structure,
    subject: summary?.subject ?? '',
    from: summary?.from ?? [],
    sender: summary?.sender ?? [],
    replyTo: summary?.replyTo ?? [],
    to: summary?.to ?? [],
    cc: summary?.cc ?? [],
    bcc: summary?.bcc ?? [],
    date: summary?.date ?? null,
    messageId: summary?.messageId ?? null,
    inReplyTo: summary?.inReplyTo ?? null,
    references: summary?.references ?? [],
    textBody: main.textBody.map((p) => p.path),
    htmlBody: main.htmlBody.map((p) => p.path),
    attachments: main.attachments.map((p) => p.path),
    searchText,
    preview: previewOf(bodyTexts, limits.previewLength),
    hasAttachment,
    problems: scan.problems,
  };
}
