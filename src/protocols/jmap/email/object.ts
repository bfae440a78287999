/**
 * The JMAP Email object (RFC 8621 section 4.1) built from the stored index of a body and its
 * copies in the account's folders. Header and body-value properties read the blob by offsets;
 * everything else comes from the index computed at delivery.
 */
import { parseAddressList, parseMailDate, parseMessageIds, toDisplayAddresses, decodeWords } from '../../../core/mail/mime/index.js';
import type { DisplayAddress, MessageIndex, MimePart } from '../../../core/mail/mime/types.js';
import type { MessageService } from '../../../core/mail/message-service.js';
import { partByPath, partText, rawHeaders, type RawHeader } from '../../../core/mail/parts.js';
import type { MessageListRow } from '../../../store/types.js';
import { mailboxId } from '../methods/mailbox.js';
import { MethodError } from '../proto/errors.js';
import { emailId, keywordsOf, messageBlobId, partBlobId, utcDate } from './ids.js';

export const DEFAULT_EMAIL_PROPERTIES = [
  'id', 'blobId', 'threadId', 'mailboxIds', 'keywords', 'size', 'receivedAt', 'messageId', 'inReplyTo', 'references', 'sender', 'from',
  'to', 'cc', 'bcc', 'replyTo', 'subject', 'sentAt', 'hasAttachment', 'preview', 'bodyValues', 'textBody', 'htmlBody', 'attachments',
];
const KNOWN = new Set([...DEFAULT_EMAIL_PROPERTIES, 'headers', 'bodyStructure']);
export const DEFAULT_BODY_PROPERTIES = ['partId', 'blobId', 'size', 'name', 'type', 'charset', 'disposition', 'cid', 'language', 'location'];

export interface BodyOptions {
  bodyProperties: string[];
  fetchTextBodyValues: boolean;
  fetchHTMLBodyValues: boolean;
  fetchAllBodyValues: boolean;
  maxBodyValueBytes: number;
}

const HEADER_PROP = /^header:([^:]+)(?::as(Raw|Text|Addresses|GroupedAddresses|MessageIds|Date|URLs))?(:all)?$/;

/** Refuses unknown properties (invalidArguments), as RFC 8620 section 5.1 requires. */
export function checkEmailProperties(props: readonly string[]): void {
  for (const p of props) if (!KNOWN.has(p) && !HEADER_PROP.test(p)) throw new MethodError('invalidArguments', `unknown Email property "${p}"`);
}

const addr = (list: readonly DisplayAddress[]) => (list.length ? list.map((a) => ({ name: a.name || null, email: a.address })) : null);

/** A header value in one of the parsed forms of RFC 8621 section 4.1.2. */
export function headerForm(raw: string, form: string): unknown {
  const unfolded = raw.replace(/\r?\n/g, '');
  switch (form) {
    case 'Text':
      return decodeWords(unfolded).replace(/\s+/g, ' ').trim();
    case 'Addresses':
      return toDisplayAddresses(parseAddressList(unfolded)).map((a) => ({ name: a.name || null, email: a.address }));
    case 'GroupedAddresses':
      return [{ name: null, addresses: toDisplayAddresses(parseAddressList(unfolded)).map((a) => ({ name: a.name || null, email: a.address })) }];
    case 'MessageIds': {
      const ids = parseMessageIds(unfolded);
      return ids.length ? ids : null;
    }
    case 'Date': {
      const d = parseMailDate(unfolded);
      return d ? utcDate(d.getTime()) : null;
    }
    case 'URLs': {
      const urls = [...unfolded.matchAll(/<([^>]*)>/g)].map((m) => m[1]!.trim());
      return urls.length ? urls : null;
    }
    default:
      return raw;
  }
}

function headerProperty(headers: RawHeader[], prop: string): unknown {
  const m = HEADER_PROP.exec(prop)!;
  const name = m[1]!.toLowerCase();
  const form = m[2] ?? 'Raw';
  const values = headers.filter((h) => h.name.toLowerCase() === name).map((h) => headerForm(h.value, form));
  return m[3] ? values : (values[values.length - 1] ?? null);
}

const decodedSize = (p: MimePart) => (p.encoding === 'base64' ? Math.floor((p.size * 3) / 4) : p.size);

/** One EmailBodyPart (RFC 8621 section 4.1.4). */
async function bodyPart(messages: MessageService, hash: string, p: MimePart, props: readonly string[]): Promise<Record<string, unknown>> {
  const all: Record<string, () => unknown> = {
    partId: () => (p.children ? null : p.path || '0'),
    blobId: () => (p.children ? null : partBlobId(hash, p.path)),
    size: () => decodedSize(p),
    name: () => p.filename,
    type: () => `${p.type}/${p.subtype}`,
    charset: () => (p.type === 'text' ? (p.params.charset ?? 'us-ascii') : (p.params.charset ?? null)),
    disposition: () => p.disposition?.type ?? null,
    cid: () => (p.id ? p.id.replace(/^<|>$/g, '') : null),
    language: () => p.language,
    location: () => p.location,
  };
  const out: Record<string, unknown> = {};
  for (const k of props) {
    if (all[k]) out[k] = all[k]();
    else if (k === 'headers') out.headers = (await rawHeaders(messages, hash, p)).map((h) => ({ name: h.name, value: h.value }));
    else if (HEADER_PROP.test(k)) out[k] = headerProperty(await rawHeaders(messages, hash, p), k);
  }
  if (p.children) out.subParts = await Promise.all(p.children.map((c) => bodyPart(messages, hash, c, props)));
  return out;
}

export interface EmailSource {
  hash: string;
  rows: MessageListRow[];
  index: MessageIndex;
  threadId: string;
}

/** Builds the requested properties of one Email. */
export async function buildEmail(messages: MessageService, src: EmailSource, props: readonly string[], body: BodyOptions): Promise<Record<string, unknown>> {
  const { hash, rows, index } = src;
  const first = rows[0]!;
  const parts = (paths: string[]) => paths.map((p) => partByPath(index, p)).filter((p): p is MimePart => !!p);
  const out: Record<string, unknown> = { id: emailId(hash) };
  let headers: RawHeader[] | null = null;
  const hdrs = async () => (headers ??= await rawHeaders(messages, hash, index.structure));
  for (const prop of props) {
    switch (prop) {
      case 'id': break;
      case 'blobId': out.blobId = messageBlobId(hash); break;
      case 'threadId': out.threadId = src.threadId; break;
      case 'mailboxIds': out.mailboxIds = Object.fromEntries(rows.map((r) => [mailboxId(r.mailboxId), true])); break;
      case 'keywords': out.keywords = Object.assign({}, ...rows.map((r) => keywordsOf(r.flags))); break;
      case 'size': out.size = first.size; break;
      case 'receivedAt': out.receivedAt = utcDate(Math.min(...rows.map((r) => r.internalDate))); break;
      case 'messageId': out.messageId = index.messageId ? [index.messageId] : null; break;
      case 'inReplyTo': out.inReplyTo = index.inReplyTo ? [index.inReplyTo] : null; break;
      case 'references': out.references = index.references.length ? index.references : null; break;
      case 'sender': out.sender = addr(index.sender); break;
      case 'from': out.from = addr(index.from); break;
      case 'to': out.to = addr(index.to); break;
      case 'cc': out.cc = addr(index.cc); break;
      case 'bcc': out.bcc = addr(index.bcc); break;
      case 'replyTo': out.replyTo = addr(index.replyTo); break;
      case 'subject': out.subject = index.subject; break;
      case 'sentAt': out.sentAt = index.date ? utcDate(index.date.getTime()) : null; break;
      case 'hasAttachment': out.hasAttachment = index.hasAttachment; break;
      case 'preview': out.preview = index.preview; break;
      case 'headers': out.headers = (await hdrs()).map((h) => ({ name: h.name, value: h.value })); break;
      case 'textBody': out.textBody = await Promise.all(parts(index.textBody).map((p) => bodyPart(messages, hash, p, body.bodyProperties))); break;
      case 'htmlBody': out.htmlBody = await Promise.all(parts(index.htmlBody).map((p) => bodyPart(messages, hash, p, body.bodyProperties))); break;
      case 'attachments': out.attachments = await Promise.all(parts(index.attachments).map((p) => bodyPart(messages, hash, p, body.bodyProperties))); break;
      case 'bodyStructure': out.bodyStructure = await bodyPart(messages, hash, index.structure, body.bodyProperties); break;
      case 'bodyValues': out.bodyValues = await bodyValues(messages, src, body); break;
      default: out[prop] = headerProperty(await hdrs(), prop);
    }
  }
  return out;
}

async function bodyValues(messages: MessageService, src: EmailSource, body: BodyOptions): Promise<Record<string, unknown>> {
  const { index, hash } = src;
  const paths = new Set<string>();
  if (body.fetchTextBodyValues || body.fetchAllBodyValues) index.textBody.forEach((p) => paths.add(p));
  if (body.fetchHTMLBodyValues || body.fetchAllBodyValues) index.htmlBody.forEach((p) => paths.add(p));
  const out: Record<string, unknown> = {};
  for (const path of paths) {
    const part = partByPath(index, path);
    if (!part || part.type !== 'text') continue;
    let value = await partText(messages, hash, part);
    let isTruncated = false;
    if (body.maxBodyValueBytes > 0 && Buffer.byteLength(value) > body.maxBodyValueBytes) {
      value = Buffer.from(value).subarray(0, body.maxBodyValueBytes).toString('utf8').replace(/\uFFFD$/, '');
      isTruncated = true;
    }
    out[path || '0'] = { value, isEncodingProblem: false, isTruncated };
  }
  return out;
}
