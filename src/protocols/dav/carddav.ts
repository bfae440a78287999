/**
 * CardDAV (RFC 6352) read-only global address book of the national directory, on WebDAV (RFC 4918)
 * with sync-collection (RFC 6578). Every signed-in account sees one address book:
 *   /dav/addressbooks/<address>/directory/
 * whose members are the people, shared mailboxes and lists of the account's own organisation (a
 * whole-book sync stays a sensible size), while addressbook-query searches the whole country,
 * through the same DirectoryService as every other door, with the same visibility rules.
 */
import { createHash } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Account } from '../../core/accounts/account-service.js';
import type { DirectoryEntry, Viewer } from '../../core/directory/types.js';
import { isWardpostError } from '../../core/errors.js';
import type { Services } from '../../core/services.js';
import { DavXmlError, NS, child, children, escapeXml, multistatus, parseXml, propKey, text, type MultiStatusItem, type PropValues } from './xml.js';
import { toVCard, vcardUid } from './vcard.js';

const BOOK = 'directory';
const TOKEN_PREFIX = 'http://wardpost.org/ns/sync/';
const MAX_QUERY_RESULTS = 200;

const etag = (card: string) => `"${createHash('sha1').update(card).digest('base64url')}"`;
const viewerOf = (a: Account): Viewer => ({ accountId: a.id, orgId: a.org.id, national: a.role === 'national-admin' });

async function authenticate(services: Services, req: FastifyRequest, reply: FastifyReply): Promise<Account | null> {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(req.headers.authorization ?? '');
  if (m) {
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    try {
      if (i > 0) return await services.accounts.authenticate(decoded.slice(0, i), decoded.slice(i + 1));
    } catch (err) {
      if (!isWardpostError(err)) throw err;
    }
  }
  await reply.code(401).header('www-authenticate', 'Basic realm="Wardpost", charset="UTF-8"').send('sign in with your address and password');
  return null;
}

function xmlReply(reply: FastifyReply, body: string, status = 207): FastifyReply {
  return reply.code(status).header('content-type', 'application/xml; charset=utf-8').send(body);
}

/** Properties we can answer for a resource; the requested ones (or all, for allprop) are returned. */
function respond(href: string, available: PropValues, requested: Element[] | null): MultiStatusItem {
  if (!requested) return { href, found: available };
  const found: PropValues = new Map();
  const missing: string[] = [];
  for (const el of requested) {
    const key = propKey(el);
    if (key && available.has(key)) found.set(key, available.get(key)!);
    else missing.push(key ?? `d:${el.localName}`);
  }
  return { href, found, missing };
}

function requestedProps(root: Element | null): Element[] | null {
  const prop = child(root, NS.dav, 'prop');
  return prop ? children(prop) : null; // no <prop> (allprop, propname, empty body): everything
}

export function registerCardDav(app: FastifyInstance, services: Services): void {
  for (const m of ['PROPFIND', 'REPORT']) if (!app.supportedMethods.includes(m)) app.addHttpMethod(m, { hasBody: true });
  app.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.get('/.well-known/carddav', async (_req, reply) => reply.redirect('/dav/', 301));
  app.route({ method: 'PROPFIND', url: '/.well-known/carddav', handler: async (_req, reply) => reply.redirect('/dav/', 301) });

  const home = (a: Account) => `/dav/addressbooks/${encodeURIComponent(a.address)}/`;
  const book = (a: Account) => `${home(a)}${BOOK}/`;
  const principal = (a: Account) => `/dav/principals/${encodeURIComponent(a.address)}/`;

  const principalProps = (a: Account): PropValues =>
    new Map([
      ['d:current-user-principal', `<d:href>${principal(a)}</d:href>`],
      ['d:principal-URL', `<d:href>${principal(a)}</d:href>`],
      ['card:addressbook-home-set', `<d:href>${home(a)}</d:href>`],
      ['d:resourcetype', '<d:collection/>'],
      ['d:displayname', escapeXml(a.displayName)],
    ]);

  const bookProps = (a: Account, token: string): PropValues =>
    new Map([
      ['d:resourcetype', '<d:collection/><card:addressbook/>'],
      ['d:displayname', 'National directory'],
      ['card:addressbook-description', `Colleagues of ${escapeXml(a.org.name)}; search finds anyone in the national directory`],
      ['cs:getctag', escapeXml(token)],
      ['d:sync-token', escapeXml(token)],
      ['d:current-user-principal', `<d:href>${principal(a)}</d:href>`],
      ['d:current-user-privilege-set', '<d:privilege><d:read/></d:privilege>'],
      ['card:supported-address-data', '<card:address-data-type content-type="text/vcard" version="3.0"/>'],
      ['d:supported-report-set', ['card:addressbook-query', 'card:addressbook-multiget', 'd:sync-collection'].map((r) => `<d:supported-report><d:report><${r}/></d:report></d:supported-report>`).join('')],
    ]);

  const cardProps = (e: DirectoryEntry, withData: boolean): PropValues => {
    const card = toVCard(e);
    const p: PropValues = new Map([
      ['d:getetag', escapeXml(etag(card))],
      ['d:getcontenttype', 'text/vcard; charset=utf-8'],
      ['d:resourcetype', ''],
    ]);
    if (withData) p.set('card:address-data', escapeXml(card));
    return p;
  };

  const handle = (fn: (a: Account, req: FastifyRequest, reply: FastifyReply) => Promise<unknown>) => async (req: FastifyRequest, reply: FastifyReply) => {
    const a = await authenticate(services, req, reply);
    if (!a) return reply;
    try {
      return await fn(a, req, reply);
    } catch (err) {
      if (err instanceof DavXmlError) return reply.code(400).send(err.message);
      if (isWardpostError(err)) return reply.code(err.code === 'not_found' ? 404 : 400).send(err.message);
      throw err;
    }
  };

  /** Which resource a /dav/ path names, for the signed-in account. */
  const resolve = (a: Account, url: string): { kind: 'root' | 'principal' | 'home' | 'book' | 'card' | 'other'; id?: number } => {
    const p = decodeURIComponent(url.split('?')[0]!).replace(/\/+$/, '/');
    if (p === '/dav/' || p === '/dav') return { kind: 'root' };
    const mine = (prefix: string) => p.startsWith(`${prefix}${a.address}/`);
    if (mine('/dav/principals/')) return { kind: 'principal' };
    if (!mine('/dav/addressbooks/')) return { kind: 'other' };
    const rest = p.slice(`/dav/addressbooks/${a.address}/`.length);
    if (rest === '') return { kind: 'home' };
    if (rest === `${BOOK}/`) return { kind: 'book' };
    const m = new RegExp(`^${BOOK}/(\\d+)\\.vcf$`).exec(rest);
    return m ? { kind: 'card', id: Number(m[1]) } : { kind: 'other' };
  };

  app.route({
    method: 'PROPFIND',
    url: '/dav/*',
    handler: handle(async (a, req, reply) => {
      const root = parseXml(typeof req.body === 'string' ? req.body : '');
      const want = requestedProps(root);
      const depth = req.headers.depth === '0' ? 0 : 1;
      const r = resolve(a, req.url);
      const items: MultiStatusItem[] = [];
      if (r.kind === 'root' || r.kind === 'principal') items.push(respond(r.kind === 'root' ? '/dav/' : principal(a), principalProps(a), want));
      else if (r.kind === 'home') {
        items.push(respond(home(a), new Map([['d:resourcetype', '<d:collection/>'], ['d:displayname', 'Address books'], ['d:current-user-principal', `<d:href>${principal(a)}</d:href>`]]), want));
        if (depth) items.push(respond(book(a), bookProps(a, TOKEN_PREFIX + Date.now()), want));
      } else if (r.kind === 'book') {
        const { entries, asOf } = await services.directory.addressBook(viewerOf(a));
        items.push(respond(book(a), bookProps(a, TOKEN_PREFIX + asOf), want));
        if (depth) for (const e of entries) items.push(respond(`${book(a)}${e.id}.vcf`, cardProps(e, false), want));
      } else if (r.kind === 'card') {
        const e = await services.directory.get(viewerOf(a), r.id!);
        items.push(respond(`${book(a)}${e.id}.vcf`, cardProps(e, false), want));
      } else return reply.code(404).send('no such address book or card');
      return xmlReply(reply, multistatus(items));
    }),
  });

  app.get('/dav/*', handle(async (a, req, reply) => {
    const r = resolve(a, req.url);
    if (r.kind !== 'card') return reply.code(r.kind === 'other' ? 404 : 405).send('GET a card: /dav/addressbooks/<you>/directory/<id>.vcf');
    const card = toVCard(await services.directory.get(viewerOf(a), r.id!));
    return reply.header('content-type', 'text/vcard; charset=utf-8').header('etag', etag(card)).send(card);
  }));

  app.route({
    method: 'REPORT',
    url: '/dav/*',
    handler: handle(async (a, req, reply) => {
      if (resolve(a, req.url).kind !== 'book') return reply.code(404).send('REPORT is supported on the address book collection');
      const root = parseXml(typeof req.body === 'string' ? req.body : '');
      if (!root) return reply.code(400).send('a REPORT needs a body');
      const want = requestedProps(root);
      const withData = !want || want.some((p) => p.namespaceURI === NS.card && p.localName === 'address-data');
      const viewer = viewerOf(a);
      const item = (e: DirectoryEntry) => respond(`${book(a)}${e.id}.vcf`, cardProps(e, withData), want);

      if (root.namespaceURI === NS.card && root.localName === 'addressbook-multiget') {
        const items: MultiStatusItem[] = [];
        for (const h of children(root, NS.dav, 'href')) {
          const m = /\/(\d+)\.vcf$/.exec(text(h));
          try {
            if (!m) throw new Error('not a card');
            items.push(item(await services.directory.get(viewer, Number(m[1]))));
          } catch {
            items.push({ href: text(h), status: 404 });
          }
        }
        return xmlReply(reply, multistatus(items));
      }
      if (root.namespaceURI === NS.card && root.localName === 'addressbook-query') {
        const entries = await addressbookQuery(services, viewer, root);
        return xmlReply(reply, multistatus(entries.map(item)));
      }
      if (root.namespaceURI === NS.dav && root.localName === 'sync-collection') {
        const token = text(child(root, NS.dav, 'sync-token'));
        let since: number | undefined;
        if (token) {
          if (!token.startsWith(TOKEN_PREFIX) || !/^\d+$/.test(token.slice(TOKEN_PREFIX.length))) {
            return xmlReply(reply, '<?xml version="1.0" encoding="utf-8"?><d:error xmlns:d="DAV:"><d:valid-sync-token/></d:error>', 403);
          }
          since = Number(token.slice(TOKEN_PREFIX.length));
        }
        const res = await services.directory.addressBook(viewer, since);
        const items = [...res.entries.map(item), ...res.removed.map((id) => ({ href: `${book(a)}${id}.vcf`, status: 404 }))];
        return xmlReply(reply, multistatus(items, TOKEN_PREFIX + res.asOf));
      }
      return reply.code(403).send(`unsupported report ${root.localName}`);
    }),
  });

  app.options('/dav/*', async (_req, reply) => reply.header('dav', '1, 3, addressbook').header('allow', 'OPTIONS, GET, HEAD, PROPFIND, REPORT').code(200).send());
  for (const m of ['PUT', 'DELETE', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE'] as const) {
    if (!app.supportedMethods.includes(m)) app.addHttpMethod(m, { hasBody: true });
    app.route({ method: m, url: '/dav/*', handler: async (_req, reply) => reply.code(403).send('the national directory is read-only here; changes are made by administrators') });
  }
}

/**
 * addressbook-query (RFC 6352 8.6): each text-match becomes a directory search (national, with the
 * viewer's visibility), then the filter is applied exactly to the candidates' vCard values.
 */
async function addressbookQuery(services: Services, viewer: Viewer, root: Element): Promise<DirectoryEntry[]> {
  const filter = child(root, NS.card, 'filter');
  const allOf = filter?.getAttribute('test') === 'allof';
  const limitEl = child(child(root, NS.card, 'limit'), NS.card, 'nresults');
  const limit = Math.min(MAX_QUERY_RESULTS, Number(text(limitEl)) || 50);
  const tests: { prop: string; match: string; type: string; negate: boolean }[] = [];
  for (const pf of children(filter, NS.card, 'prop-filter')) {
    const prop = (pf.getAttribute('name') ?? '').toUpperCase();
    for (const tm of children(pf, NS.card, 'text-match')) {
      tests.push({ prop, match: text(tm).toLowerCase(), type: tm.getAttribute('match-type') ?? 'contains', negate: tm.getAttribute('negate-condition') === 'yes' });
    }
  }
  const positive = tests.filter((t) => !t.negate && t.match);
  if (!positive.length) return [];
  const candidates = new Map<number, DirectoryEntry>();
  for (const t of positive) {
    const r = await services.directory.search(viewer, { text: t.match, limit: MAX_QUERY_RESULTS });
    for (const e of r.entries) candidates.set(e.id, e);
  }
  const values = (e: DirectoryEntry, prop: string): string[] => {
    switch (prop) {
      case 'FN': return [e.displayName];
      case 'N': return [`${e.familyName};${e.givenName}`, e.familyName, e.givenName];
      case 'EMAIL': return e.email ? [e.email] : [];
      case 'TEL': return [e.phones.desk, e.phones.mobile, e.phones.pager].filter((x): x is string => !!x);
      case 'ORG': return e.org ? [e.org.name] : [];
      case 'TITLE': return e.jobTitle ? [e.jobTitle] : [];
      case 'UID': return [vcardUid(e)];
      default: return [];
    }
  };
  const passes = (e: DirectoryEntry, t: (typeof tests)[number]) => {
    const hit = values(e, t.prop).some((v) => {
      const s = v.toLowerCase();
      return t.type === 'equals' ? s === t.match : t.type === 'starts-with' ? s.startsWith(t.match) : t.type === 'ends-with' ? s.endsWith(t.match) : s.includes(t.match);
    });
    return t.negate ? !hit : hit;
  };
  return [...candidates.values()].filter((e) => (allOf ? tests.every((t) => passes(e, t)) : tests.some((t) => passes(e, t)))).slice(0, limit);
}
