// IMAP section numbers (RFC 3501 §6.4.5, RFC 9051 §6.4.5) to byte ranges of the raw message.
import type { MimePart } from './types.js';

/** A byte range of the raw message, `end` exclusive. */
export interface ByteRange {
  start: number;
  end: number;
}

/** The part-specifier after the section number, as in BODY[1.2.MIME]. */
export type SectionText = 'HEADER' | 'TEXT' | 'MIME';

/**
 * The part named by an IMAP section number, `[]` being the message itself. A non-multipart message
 * (or embedded message) has a part 1, itself; parts of an embedded message are numbered under its
 * message/rfc822 part. Returns null when there is no such part.
 */
export function findPart(root: MimePart, section: readonly number[]): MimePart | null {
  let cur = root;
  for (let k = 0; k < section.length; k++) {
    const n = section[k] as number;
    const body = k === 0 ? root : cur.message?.part ?? null;
    let next: MimePart | undefined;
    if (body) next = body.children ? body.children[n - 1] : n === 1 ? body : undefined;
    else if (cur.children) next = cur.children[n - 1];
    if (!next) return null;
    cur = next;
  }
  return cur;
}

/**
 * The byte range of BODY[section] / BODY[section.HEADER|TEXT|MIME] (RFC 3501 §6.4.5), or null when
 * the section does not exist. HEADER and TEXT apply to the message ([] or a message/rfc822 part);
 * HEADER.FIELDS is HEADER filtered by the caller. MIME is a part's own MIME header.
 */
export function resolveSection(root: MimePart, section: readonly number[], text?: SectionText): ByteRange | null {
  const part = findPart(root, section);
  if (!part) return null;
  if (text === undefined) {
    if (section.length === 0) return { start: root.headerStart, end: root.bodyEnd };
    return { start: part.bodyStart, end: part.bodyEnd };
  }
  if (text === 'MIME') {
    return section.length === 0 ? null : { start: part.headerStart, end: part.bodyStart };
  }
  const message = section.length === 0 ? root : part.message?.part;
  if (!message) return null;
  return text === 'HEADER' ? { start: message.headerStart, end: message.bodyStart } : { start: message.bodyStart, end: message.bodyEnd };
}

/** Parses "1.2.3" into [1, 2, 3] ("" gives []); null when it is not a section number. */
export function parseSectionNumber(s: string): number[] | null {
  if (s === '') return [];
  const parts = s.split('.');
  const nums = parts.map((p) => (/^[1-9]\d{0,8}$/.test(p) ? Number(p) : NaN));
  return nums.every((n) => Number.isFinite(n)) ? nums : null;
}

/** The first part of this type (depth first, the part itself included), or null. */
export function partOfType(p: MimePart, type: string, subtype: string): MimePart | null {
  if (p.type === type && p.subtype === subtype) return p;
  for (const c of p.children ?? []) {
    const hit = partOfType(c, type, subtype);
    if (hit) return hit;
  }
  return null;
}
