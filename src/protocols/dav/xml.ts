/**
 * The little XML WebDAV needs (RFC 4918): parse a request body with namespaces (xmldom), find
 * elements by namespace and local name, and write multistatus responses.
 */
import { DOMParser, type Element } from '@xmldom/xmldom';

export const NS = { dav: 'DAV:', card: 'urn:ietf:params:xml:ns:carddav', cs: 'http://calendarserver.org/ns/' } as const;

export class DavXmlError extends Error {}

/** Parses a request body; an empty body is `null` (allowed for PROPFIND: means allprop). */
export function parseXml(body: string): Element | null {
  if (!body.trim()) return null;
  let doc;
  try {
    doc = new DOMParser({ onError: (level, msg) => { if (level !== 'warning') throw new DavXmlError(msg); } }).parseFromString(body, 'application/xml');
  } catch (e) {
    throw new DavXmlError(`malformed XML: ${(e as Error).message}`);
  }
  const root = doc.documentElement;
  if (!root) throw new DavXmlError('malformed XML: no root element');
  return root as unknown as Element;
}

export function children(el: Element | null | undefined, ns?: string, name?: string): Element[] {
  const out: Element[] = [];
  if (!el) return out;
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType !== 1) continue;
    const e = n as unknown as Element;
    if ((ns === undefined || e.namespaceURI === ns) && (name === undefined || e.localName === name)) out.push(e);
  }
  return out;
}

export const child = (el: Element | null | undefined, ns: string, name: string): Element | undefined => children(el, ns, name)[0];

export function text(el: Element | null | undefined): string {
  return el?.textContent?.trim() ?? '';
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** A property value for multistatus: raw XML (already escaped) keyed by "prefix:name". */
export type PropValues = Map<string, string>;

export interface MultiStatusItem {
  href: string;
  /** Properties found (200) and not found (404); or a bare status for the whole resource. */
  found?: PropValues;
  missing?: string[];
  status?: number;
}

const STATUS_TEXT: Record<number, string> = { 200: 'OK', 404: 'Not Found', 403: 'Forbidden' };

export function multistatus(items: MultiStatusItem[], syncToken?: string): string {
  const out = ['<?xml version="1.0" encoding="utf-8"?>', `<d:multistatus xmlns:d="DAV:" xmlns:card="${NS.card}" xmlns:cs="${NS.cs}">`];
  for (const it of items) {
    out.push(`<d:response><d:href>${escapeXml(it.href)}</d:href>`);
    if (it.status) out.push(`<d:status>HTTP/1.1 ${it.status} ${STATUS_TEXT[it.status] ?? ''}</d:status>`);
    if (it.found?.size) {
      out.push('<d:propstat><d:prop>');
      for (const [k, v] of it.found) out.push(v === '' ? `<${k}/>` : `<${k}>${v}</${k}>`);
      out.push('</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>');
    }
    if (it.missing?.length) {
      out.push(`<d:propstat><d:prop>${it.missing.map((k) => `<${k}/>`).join('')}</d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>`);
    }
    out.push('</d:response>');
  }
  if (syncToken) out.push(`<d:sync-token>${escapeXml(syncToken)}</d:sync-token>`);
  out.push('</d:multistatus>');
  return out.join('');
}

/** The "prefix:name" we write for a requested property element, or null when we do not know its namespace. */
export function propKey(el: Element): string | null {
  const prefix = el.namespaceURI === NS.dav ? 'd' : el.namespaceURI === NS.card ? 'card' : el.namespaceURI === NS.cs ? 'cs' : null;
  return prefix ? `${prefix}:${el.localName}` : null;
}
