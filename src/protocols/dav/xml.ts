/**
 * The little XML WebDAV needs (RFC 4918): parse a request body with namespaces (xmldom), find
 * elements by namespace and local name, and write multistatus responses.
 */
import { DOMParser, XMLSerializer, type Element } from '@xmldom/xmldom';

export const NS = {
  dav: 'DAV:',
  card: 'urn:ietf:params:xml:ns:carddav',
  cal: 'urn:ietf:params:xml:ns:caldav',
  cs: 'http://calendarserver.org/ns/',
  ical: 'http://apple.com/ns/ical/',
} as const;

/** The prefix each known namespace is written with (declared once on every multistatus root). */
const PREFIXES: Record<string, string> = { [NS.dav]: 'd', [NS.card]: 'card', [NS.cal]: 'cal', [NS.cs]: 'cs', [NS.ical]: 'ical' };
const ROOT_DECLS = Object.entries(PREFIXES).map(([ns, p]) => `xmlns:${p}="${ns}"`).join(' ');
/** Largest XML request body we read (a PROPFIND or REPORT is small; this is far above any real one). */
export const MAX_XML_BYTES = 512 * 1024;

export class DavXmlError extends Error {}

/** Parses a request body; an empty body is `null` (allowed for PROPFIND: means allprop). */
export function parseXml(body: string): Element | null {
  if (!body.trim()) return null;
  if (Buffer.byteLength(body) > MAX_XML_BYTES) throw new DavXmlError(`the XML body is over ${MAX_XML_BYTES} bytes`);
  // No document type declarations at all: that is where entity expansion ("billion laughs") and
  // external entities live, and no WebDAV request needs one.
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) throw new DavXmlError('a DOCTYPE or ENTITY declaration is not accepted in a WebDAV request');
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
  /** Further property groups with a status of their own (PROPPATCH: 403, 424...). */
  other?: { status: number; keys: string[] }[];
}

const STATUS_TEXT: Record<number, string> = { 200: 'OK', 404: 'Not Found', 403: 'Forbidden', 409: 'Conflict', 424: 'Failed Dependency', 507: 'Insufficient Storage' };

/** The element name of a property key (a key may carry its own namespace declaration after a space). */
const tagOf = (key: string) => key.split(' ')[0]!;

export function multistatus(items: MultiStatusItem[], syncToken?: string): string {
  const out = ['<?xml version="1.0" encoding="utf-8"?>', `<d:multistatus ${ROOT_DECLS}>`];
  for (const it of items) {
    out.push(`<d:response><d:href>${escapeXml(it.href)}</d:href>`);
    if (it.status) out.push(`<d:status>HTTP/1.1 ${it.status} ${STATUS_TEXT[it.status] ?? ''}</d:status>`);
    if (it.found?.size) {
      out.push('<d:propstat><d:prop>');
      for (const [k, v] of it.found) out.push(v === '' ? `<${k}/>` : `<${k}>${v}</${tagOf(k)}>`);
      out.push('</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>');
    }
    for (const o of it.other ?? []) {
      out.push(`<d:propstat><d:prop>${o.keys.map((k) => `<${k}/>`).join('')}</d:prop><d:status>HTTP/1.1 ${o.status} ${STATUS_TEXT[o.status] ?? ''}</d:status></d:propstat>`);
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
  const prefix = PREFIXES[el.namespaceURI ?? ''];
  return prefix ? `${prefix}:${el.localName}` : null;
}

/**
 * The key of any property, known namespace or not: "d:getetag", or for a namespace of the
 * client's own (dead properties) an element that declares it: `x:prop0 xmlns:x="urn:..."`.
 */
export function anyPropKey(ns: string | null, name: string): string {
  const prefix = PREFIXES[ns ?? ''];
  if (prefix) return `${prefix}:${name}`;
  return ns ? `x:${name} xmlns:x="${escapeXml(ns)}"` : `${name} xmlns=""`;
}

/** The child nodes of an element as XML text, each carrying the namespace declarations it needs. */
export function innerXml(el: Element): string {
  const s = new XMLSerializer();
  let out = '';
  for (let n = el.firstChild; n; n = n.nextSibling) out += s.serializeToString(n);
  return out;
}

/**
 * An RFC 4918 section 16 error body: the precondition or postcondition element that failed,
 * with a human message beside it.
 */
export function davErrorBody(condition: string | null, message: string): string {
  const cond = condition ? `<${condition}/>` : '';
  return `<?xml version="1.0" encoding="utf-8"?><d:error ${ROOT_DECLS}>${cond}<wp:message xmlns:wp="http://wardpost.org/ns/">${escapeXml(message)}</wp:message></d:error>`;
}
