/**
 * The WebDAV door (RFC 4918) shared by CardDAV and CalDAV: one set of routes under /dav/, HTTP
 * Basic sign-in, request bodies (with limits, no DTDs), the principal resource (RFC 5397
 * current-user-principal) that both realms add their home sets to, and the one mapping from
 * domain errors to DAV status codes and error bodies (RFC 4918 section 16). Each realm
 * (addressbooks, calendars) answers the methods for the paths under its prefix.
 */
import type { Element } from '@xmldom/xmldom';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Account } from '../../core/accounts/account-service.js';
import { isWardpostError } from '../../core/errors.js';
import type { Services } from '../../core/services.js';
import { davAccount } from './auth.js';
import { DavXmlError, NS, child, children, davErrorBody, escapeXml, multistatus, parseXml, propKey, type MultiStatusItem, type PropValues } from './xml.js';

export const DAV_METHODS = ['PROPFIND', 'PROPPATCH', 'REPORT', 'GET', 'PUT', 'DELETE', 'MKCOL', 'MKCALENDAR', 'MOVE', 'COPY', 'POST'] as const;
export type DavMethod = (typeof DAV_METHODS)[number];

/** Largest request body the DAV door reads; past it the reply is 413 with a DAV error body. */
export const MAX_DAV_BODY = 2 * 1024 * 1024;
/** An oversized body is read and dropped up to this much (or this long) before the 413 goes out. */
const DRAIN_MAX_BYTES = 16 * 1024 * 1024;
const DRAIN_MAX_MS = 5000;

/**
 * Reads and drops the rest of a request body. Answering 413 and closing while the client is still
 * sending makes the kernel reset the connection, which can throw the answer away unread (the client
 * sees EPIPE, not 413); draining first lets it read why. Bounded, so a huge upload only costs a
 * closed connection.
 */
function drainBody(req: FastifyRequest): Promise<void> {
  const raw = req.raw;
  if (raw.readableEnded || raw.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let seen = 0;
    const done = () => {
      clearTimeout(timer);
      raw.off('data', onData).off('end', done).off('close', done).off('error', done);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > DRAIN_MAX_BYTES) done();
    };
    const timer = setTimeout(done, DRAIN_MAX_MS);
    raw.on('data', onData).once('end', done).once('close', done).once('error', done);
    raw.resume();
  });
}

/** Whose resource a principal is. */
export interface DavPrincipal {
  id: number;
  address: string;
  displayName: string;
  aliases: string[];
}

export interface DavRequest {
  account: Account;
  req: FastifyRequest;
  reply: FastifyReply;
  method: DavMethod;
  /** The decoded path below the realm's prefix ("ann@x/default/a.ics"), no leading slash. */
  path: string;
  /** The request body as text ("" when none). */
  body: string;
  /** The body parsed as XML (null when empty); throws DavXmlError when malformed. */
  xml(): Element | null;
  /** Depth header (RFC 4918 10.2); `fallback` when absent. */
  depth(fallback: 0 | 1 | 'infinity'): 0 | 1 | 'infinity';
}

export interface DavRealm {
  /** Paths it answers: "/dav/calendars/". */
  prefix: string;
  /** Its compliance classes for the DAV header (RFC 4918 10.1): "calendar-access"... */
  features: string[];
  /** Properties it adds to a principal resource (home sets, addresses). */
  principalProps(viewer: Account, principal: DavPrincipal): Promise<PropValues>;
  handle(r: DavRequest): Promise<unknown>;
}

/** One path segment of an href: percent-encoded, except "@" (RFC 3986 pchar), so hrefs of addresses read as clients wrote them. */
export const hrefSegment = (s: string) => encodeURIComponent(s).replace(/%40/g, '@');

export const principalHref = (address: string) => `/dav/principals/${hrefSegment(address)}/`;

/** 207 Multi-Status (or another status) with an XML body. */
export function xmlReply(reply: FastifyReply, body: string, status = 207): FastifyReply {
  return reply.code(status).header('content-type', 'application/xml; charset=utf-8').send(body);
}

/** The properties a PROPFIND asked for: null means all (allprop, or no body); `names` is propname. */
export function requestedProps(root: Element | null): { props: Element[] | null; names: boolean } {
  if (root && !(root.namespaceURI === NS.dav && ['propfind', 'sync-collection', 'calendar-query', 'calendar-multiget', 'addressbook-query', 'addressbook-multiget'].includes(root.localName ?? ''))) {
    if (root.namespaceURI === NS.dav && root.localName !== 'propfind') throw new DavXmlError(`unexpected ${root.localName} element`);
  }
  if (root?.namespaceURI === NS.dav && root.localName === 'propfind' && !children(root).length) throw new DavXmlError('an empty propfind element');
  const prop = child(root, NS.dav, 'prop');
  return { props: prop ? children(prop) : null, names: !!child(root, NS.dav, 'propname') };
}

/** One resource's answer to a PROPFIND: the requested properties it has (200) and has not (404). */
export function respond(href: string, available: PropValues, requested: Element[] | null, keyOf: (el: Element) => string | null = propKey, names = false): MultiStatusItem {
  if (names) return { href, found: new Map([...available.keys()].map((k) => [k, ''])) };
  if (!requested) return { href, found: available };
  const found: PropValues = new Map();
  const missing: string[] = [];
  for (const el of requested) {
    const key = keyOf(el);
    if (key && available.has(key)) found.set(key, available.get(key)!);
    else missing.push(key ?? `d:${el.localName}`);
  }
  return { href, found, missing };
}

const STATUS_OF_CODE: Record<string, number> = {
  not_found: 404,
  forbidden: 403,
  invalid_input: 400,
  conflict: 409,
  message_too_large: 413,
  unauthenticated: 401,
  account_suspended: 403,
  rate_limited: 503,
  quota_exceeded: 507,
};

/** RFC 4791 / 6638 / 5689 preconditions go in the CalDAV namespace; the rest are DAV's. */
const CALDAV_CONDITIONS = new Set(['valid-calendar-data', 'valid-calendar-object-resource', 'supported-calendar-component', 'supported-calendar-data', 'no-uid-conflict', 'max-resource-size', 'valid-filter', 'calendar-collection-location-ok', 'supported-filter', 'valid-scheduling-message', 'recipient-permissions', 'organizer-allowed', 'attendee-allowed']);

/** The one mapping of errors to DAV replies (RFC 4918 section 16 bodies for preconditions). */
export function sendDavError(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof DavXmlError) return xmlReply(reply, davErrorBody(null, err.message), 400);
  if (!isWardpostError(err)) throw err;
  const condition = typeof err.detail.dav === 'string' ? err.detail.dav : null;
  let status = typeof err.detail.status === 'number' ? err.detail.status : (STATUS_OF_CODE[err.code] ?? 400);
  // A failed precondition on the content is 403 (RFC 4791 section 1.3), unless a size (413).
  if (condition && status === 400) status = 403;
  const el = condition ? `${CALDAV_CONDITIONS.has(condition) ? 'cal' : 'd'}:${condition}` : null;
  const body = el && condition === 'no-uid-conflict' && typeof err.detail.href === 'string' ? `${el}><d:href>${escapeXml(err.detail.href)}</d:href></${el}` : el;
  if (status === 401) void reply.header('www-authenticate', 'Basic realm="Wardpost", charset="UTF-8"');
  return xmlReply(reply, davErrorBody(body, err.message), status);
}

function pathOf(url: string): string {
  const raw = url.split('?')[0]!;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** Registers /dav/ and the well-known redirects (RFC 6764) for every realm. */
export function registerDav(app: FastifyInstance, services: Services, realms: DavRealm[]): void {
  for (const m of [...DAV_METHODS, 'OPTIONS']) if (!app.supportedMethods.includes(m)) app.addHttpMethod(m, { hasBody: true });

  const features = ['1', '3', 'extended-mkcol', ...realms.flatMap((r) => r.features)];
  const allow = `OPTIONS, GET, HEAD, ${DAV_METHODS.filter((m) => m !== 'GET').join(', ')}`;

  const principal = async (viewer: Account, address: string): Promise<DavPrincipal | null> => {
    if (address === viewer.address) return { id: viewer.id, address: viewer.address, displayName: viewer.displayName, aliases: viewer.aliases };
    try {
      const row = await services.calendar.service.owner(address);
      return { id: row.id, address: row.address, displayName: row.display_name, aliases: await services.calendar.service.store.accounts.aliases(row.id) };
    } catch {
      return null;
    }
  };

  const principalItem = async (viewer: Account, who: DavPrincipal, href: string, want: ReturnType<typeof requestedProps>): Promise<MultiStatusItem> => {
    const props: PropValues = new Map([
      ['d:current-user-principal', `<d:href>${principalHref(viewer.address)}</d:href>`],
      ['d:principal-URL', `<d:href>${principalHref(who.address)}</d:href>`],
      ['d:resourcetype', href === '/dav/' ? '<d:collection/>' : '<d:principal/>'],
      ['d:displayname', escapeXml(who.displayName)],
      ['d:supported-report-set', ''],
    ]);
    for (const r of realms) for (const [k, v] of await r.principalProps(viewer, who)) props.set(k, v);
    return respond(href, props, want.props, propKey, want.names);
  };

  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const account = await davAccount(services, req, reply);
    if (!account) return reply;
    const method = req.method as DavMethod;
    const body = typeof req.body === 'string' ? req.body : Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    let parsed: Element | null | undefined;
    const path = pathOf(req.url);
    try {
      const r: DavRequest = {
        account,
        req,
        reply,
        method,
        path: '',
        body,
        xml: () => (parsed === undefined ? (parsed = parseXml(body)) : parsed),
        depth: (fallback) => {
          const d = String(req.headers.depth ?? '').toLowerCase();
          return d === '0' ? 0 : d === '1' ? 1 : d === 'infinity' ? 'infinity' : fallback;
        },
      };
      const realm = realms.find((x) => path.startsWith(x.prefix) || `${path}/` === x.prefix);
      if (realm) return await realm.handle({ ...r, path: path.slice(realm.prefix.length) });
      // The DAV root and principals.
      const p = path.replace(/\/+$/, '');
      const m = /^\/dav\/principals\/([^/]+)$/.exec(p);
      if (p !== '/dav' && !m) return xmlReply(reply, davErrorBody(null, `nothing at ${path}`), 404);
      if (method !== 'PROPFIND') return reply.code(405).header('allow', 'OPTIONS, PROPFIND').send(`${method} is not allowed on ${path}`);
      const want = requestedProps(r.xml());
      if (p === '/dav') {
        const items = [await principalItem(account, { id: account.id, address: account.address, displayName: account.displayName, aliases: account.aliases }, '/dav/', want)];
        return xmlReply(reply, multistatus(items));
      }
      const who = await principal(account, m![1]!);
      if (!who) return xmlReply(reply, davErrorBody(null, `no principal ${m![1]}`), 404);
      return xmlReply(reply, multistatus([await principalItem(account, who, principalHref(who.address), want)]));
    } catch (err) {
      return sendDavError(reply, err);
    }
  };

  void app.register(async (dav) => {
    // Bodies as text: XML, iCalendar, and anything a plain WebDAV client PUTs.
    dav.removeAllContentTypeParsers();
    dav.addContentTypeParser('*', { parseAs: 'string', bodyLimit: MAX_DAV_BODY }, (_req, body, done) => done(null, body));
    dav.setErrorHandler(async (err: Error & { statusCode?: number; code?: string }, req, reply) => {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      const condition = err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'cal:max-resource-size' : null;
      if (condition) await drainBody(req);
      if (status === 500) dav.log.error({ err }, 'DAV request failed');
      return xmlReply(reply, davErrorBody(condition, status === 500 ? 'internal error' : err.message), status);
    });
    for (const name of ['caldav', 'carddav']) {
      dav.get(`/.well-known/${name}`, async (_req, reply) => reply.redirect('/dav/', 301));
      dav.route({ method: 'PROPFIND', url: `/.well-known/${name}`, handler: async (_req, reply) => reply.redirect('/dav/', 301) });
    }
    dav.options('/dav', async (_req, reply) => reply.header('dav', features.join(', ')).header('allow', allow).code(200).send());
    dav.options('/dav/*', async (_req, reply) => reply.header('dav', features.join(', ')).header('allow', allow).code(200).send());
    for (const method of DAV_METHODS) {
      dav.route({ method, url: '/dav', handler });
      dav.route({ method, url: '/dav/*', handler });
    }
  });
}
