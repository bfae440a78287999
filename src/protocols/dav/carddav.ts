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
import type { Account } from '../../core/accounts/account-service.js';
import type { DirectoryEntry, Viewer } from '../../core/directory/types.js';
import { isWardpostError } from '../../core/errors.js';
import type { Services } from '../../core/services.js';
import type { DirectoryPhoto } from '../../store/types.js';
import { principalHref, requestedProps, respond, xmlReply, type DavRealm, type DavRequest } from './webdav.js';
import { NS, child, children, escapeXml, multistatus, text, type MultiStatusItem, type PropValues } from './xml.js';
import { toVCard, vcardUid } from './vcard.js';

const BOOK = 'directory';
const TOKEN_PREFIX = 'http://wardpost.org/ns/sync/';
const MAX_QUERY_RESULTS = 200;

const etag = (card: string) => `"${createHash('sha1').update(card).digest('base64url')}"`;
const viewerOf = (a: Account): Viewer => ({ accountId: a.id, orgId: a.org.id, national: a.role === 'national-admin' });

/** The CardDAV realm of the WebDAV door: /dav/addressbooks/<address>/directory/. */
export function cardDavRealm(services: Services): DavRealm {
  const home = (a: Account) => `/dav/addressbooks/${encodeURIComponent(a.address)}/`;
  const book = (a: Account) => `${home(a)}${BOOK}/`;
  const principal = (a: Account) => principalHref(a.address);

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

  // A card's ETag covers its text and its photo's version tag, so listing cards needs no photo read.
  const cardEtag = (e: DirectoryEntry) => etag(toVCard(e) + (e.photo ?? ''));
  const photoOf = async (viewer: Viewer, e: DirectoryEntry) => {
    if (e.photo === null) return undefined;
    try {
      return await services.directory.photo(viewer, e.id);
    } catch (err) {
      if (isWardpostError(err, 'not_found')) return undefined; // removed meanwhile
      throw err;
    }
  };
  const cardProps = (e: DirectoryEntry, withData: boolean, photo?: DirectoryPhoto): PropValues => {
    const p: PropValues = new Map([
      ['d:getetag', escapeXml(cardEtag(e))],
      ['d:getcontenttype', 'text/vcard; charset=utf-8'],
      ['d:resourcetype', ''],
    ]);
    if (withData) p.set('card:address-data', escapeXml(toVCard(e, photo)));
    return p;
  };

  /** Which resource a path below /dav/addressbooks/ names, for the signed-in account. */
  const resolve = (a: Account, path: string): { kind: 'home' | 'book' | 'card' | 'other'; id?: number } => {
    const p = path.replace(/\/+$/, '/');
    if (!p.startsWith(`${a.address}/`) && p !== a.address) return { kind: 'other' };
    const rest = p.slice(a.address.length + 1);
    if (rest === '') return { kind: 'home' };
    if (rest === `${BOOK}/` || rest === BOOK) return { kind: 'book' };
    const m = new RegExp(`^${BOOK}/(\\d+)\\.vcf$`).exec(rest);
    return m ? { kind: 'card', id: Number(m[1]) } : { kind: 'other' };
  };

  const propfind = async ({ account: a, reply, xml, depth, path }: DavRequest) => {
    const want = requestedProps(xml());
    const d = depth(1) === 0 ? 0 : 1;
    const r = resolve(a, path);
    const items: MultiStatusItem[] = [];
    if (r.kind === 'home') {
      items.push(respond(home(a), new Map([['d:resourcetype', '<d:collection/>'], ['d:displayname', 'Address books'], ['d:current-user-principal', `<d:href>${principal(a)}</d:href>`]]), want.props, undefined, want.names));
      if (d) items.push(respond(book(a), bookProps(a, TOKEN_PREFIX + Date.now()), want.props, undefined, want.names));
    } else if (r.kind === 'book') {
      const { entries, asOf } = await services.directory.addressBook(viewerOf(a));
      items.push(respond(book(a), bookProps(a, TOKEN_PREFIX + asOf), want.props, undefined, want.names));
      if (d) for (const e of entries) items.push(respond(`${book(a)}${e.id}.vcf`, cardProps(e, false), want.props, undefined, want.names));
    } else if (r.kind === 'card') {
      const e = await services.directory.get(viewerOf(a), r.id!);
      items.push(respond(`${book(a)}${e.id}.vcf`, cardProps(e, false), want.props, undefined, want.names));
    } else return reply.code(404).send('no such address book or card');
    return xmlReply(reply, multistatus(items));
  };

  const get = async ({ account: a, reply, path }: DavRequest) => {
    const r = resolve(a, path);
    if (r.kind !== 'card') return reply.code(r.kind === 'other' ? 404 : 405).send('GET a card: /dav/addressbooks/<you>/directory/<id>.vcf');
    const e = await services.directory.get(viewerOf(a), r.id!);
    const card = toVCard(e, await photoOf(viewerOf(a), e));
    return reply.header('content-type', 'text/vcard; charset=utf-8').header('etag', cardEtag(e)).send(card);
  };

  const report = async ({ account: a, reply, path, xml }: DavRequest) => {
    if (resolve(a, path).kind !== 'book') return reply.code(404).send('REPORT is supported on the address book collection');
    const root = xml();
    if (!root) return reply.code(400).send('a REPORT needs a body');
    const want = requestedProps(root).props;
    const withData = !want || want.some((p) => p.namespaceURI === NS.card && p.localName === 'address-data');
    const viewer = viewerOf(a);
    const item = async (e: DirectoryEntry) => respond(`${book(a)}${e.id}.vcf`, cardProps(e, withData, withData ? await photoOf(viewer, e) : undefined), want);

    if (root.namespaceURI === NS.card && root.localName === 'addressbook-multiget') {
      const items: MultiStatusItem[] = [];
      for (const h of children(root, NS.dav, 'href')) {
        const m = /\/(\d+)\.vcf$/.exec(text(h));
        try {
          if (!m) throw new Error('not a card');
          items.push(await item(await services.directory.get(viewer, Number(m[1]))));
        } catch {
          items.push({ href: text(h), status: 404 });
        }
      }
      return xmlReply(reply, multistatus(items));
    }
    if (root.namespaceURI === NS.card && root.localName === 'addressbook-query') {
      const entries = await addressbookQuery(services, viewer, root);
      return xmlReply(reply, multistatus(await Promise.all(entries.map(item))));
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
      const items = [...(await Promise.all(res.entries.map(item))), ...res.removed.map((id) => ({ href: `${book(a)}${id}.vcf`, status: 404 }))];
      return xmlReply(reply, multistatus(items, TOKEN_PREFIX + res.asOf));
    }
    return reply.code(403).send(`unsupported report ${root.localName}`);
  };

  return {
    prefix: '/dav/addressbooks/',
    features: ['addressbook'],
    principalProps: async (viewer, who) => (who.id === viewer.id ? new Map([['card:addressbook-home-set', `<d:href>${home(viewer)}</d:href>`]]) : new Map()),
    handle: async (r) => {
      if (r.method === 'PROPFIND') return propfind(r);
      if (r.method === 'GET') return get(r);
      if (r.method === 'REPORT') return report(r);
      return r.reply.code(403).send('the national directory is read-only here; changes are made by administrators');
    },
  };
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
