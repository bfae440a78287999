/**
 * CalDAV (RFC 4791) on the WebDAV door, with scheduling collections (RFC 6638) and plain WebDAV
 * collections beside calendars (RFC 4918: what generic clients and litmus use):
 *   /dav/calendars/<address>/                 calendar home (calendar-home-set)
 *   /dav/calendars/<address>/default/         the default calendar, made for every account
 *   /dav/calendars/<address>/inbox/           scheduling inbox; /outbox/ for free/busy POSTs
 *   /dav/calendars/<address>/<path>/<name>    an object (one iCalendar resource)
 * Another person's home shows only what its owner shared (core decides; this file only maps).
 */
import type { Element } from '@xmldom/xmldom';
import type { Account } from '../../core/accounts/account-service.js';
import { toInfo, type CalendarRef } from '../../core/calendar/calendar-service.js';
import { WardpostError, conflict, invalid, notFound } from '../../core/errors.js';
import type { Services } from '../../core/services.js';
import { LIVE_COLLECTION_PROPS, collectionHref, collectionProps, homeHref, homeProps, isProtected, objectHref, objectProps, outboxHref, outboxProps } from './caldav-props.js';
import { calendarReport } from './caldav-report.js';
import { outboxPost } from './caldav-schedule.js';
import { principalHref, requestedProps, respond, xmlReply, type DavRealm, type DavRequest } from './webdav.js';
import { NS, anyPropKey, child, children, escapeXml, innerXml, multistatus, text, type MultiStatusItem } from './xml.js';

type Target =
  | { kind: 'home'; owner: string }
  | { kind: 'outbox'; owner: string }
  | { kind: 'collection'; owner: string; ref: CalendarRef }
  | { kind: 'object'; owner: string; ref: CalendarRef; name: string }
  | { kind: 'missing'; owner: string; path: string };

const keyOf = (el: Element) => anyPropKey(el.namespaceURI, el.localName!);

export function calDavRealm(services: Services): DavRealm {
  const cal = services.calendar.service;

  /** What a path below /dav/calendars/ names, as this viewer sees it. */
  const resolve = async (viewer: Account, path: string): Promise<Target> => {
    const segs = path.split('/').filter(Boolean);
    if (!segs.length) throw notFound('name a calendar home: /dav/calendars/<address>/');
    const owner = segs[0]!;
    const rest = segs.slice(1);
    if (!rest.length) return { kind: 'home', owner };
    const refs = await cal.home(viewer, owner);
    if (rest.length === 1 && rest[0] === 'outbox' && refs[0]?.owner.id === viewer.id) return { kind: 'outbox', owner };
    const full = rest.join('/');
    const coll = refs.find((r) => r.row.path === full);
    if (coll) return { kind: 'collection', owner, ref: coll };
    const parent = refs.find((r) => r.row.path === rest.slice(0, -1).join('/'));
    if (parent) return { kind: 'object', owner, ref: parent, name: rest[rest.length - 1]! };
    return { kind: 'missing', owner, path: full };
  };

  const ownerAddress = async (t: Target) => (t.kind === 'collection' || t.kind === 'object' ? t.ref.owner.address : (await cal.owner(t.owner)).address);

  const propfind = async (r: DavRequest, t: Target) => {
    const want = requestedProps(r.xml());
    const depth = r.depth('infinity') === 0 ? 0 : 1;
    const me = r.account.address;
    const items: MultiStatusItem[] = [];
    const collItem = async (ref: CalendarRef) => respond(collectionHref(ref.owner.address, ref.row.path), collectionProps(toInfo(ref), me, await cal.props(ref, '')), want.props, keyOf, want.names);
    const objItem = async (ref: CalendarRef, name: string) => {
      const o = await cal.getObject(ref, name);
      return respond(objectHref(ref.owner.address, ref.row.path, name), objectProps(o, await cal.props(ref, name)), want.props, keyOf, want.names);
    };
    if (t.kind === 'home') {
      const owner = await ownerAddress(t);
      const refs = await cal.home(r.account, owner);
      items.push(respond(homeHref(owner), homeProps(owner, me), want.props, keyOf, want.names));
      if (depth) {
        for (const ref of refs.filter((x) => !x.row.path.includes('/'))) items.push(await collItem(ref));
        if (refs[0]?.owner.id === r.account.id) items.push(respond(outboxHref(owner), outboxProps(owner, me), want.props, keyOf, want.names));
      }
    } else if (t.kind === 'outbox') {
      items.push(respond(outboxHref(r.account.address), outboxProps(r.account.address, me), want.props, keyOf, want.names));
    } else if (t.kind === 'collection') {
      items.push(await collItem(t.ref));
      if (depth) {
        const prefix = `${t.ref.row.path}/`;
        for (const sub of await cal.home(r.account, t.ref.owner.address)) {
          if (sub.row.path.startsWith(prefix) && !sub.row.path.slice(prefix.length).includes('/')) items.push(await collItem(sub));
        }
        if (t.ref.rights.includes('r')) {
          for (const o of await cal.listObjects(t.ref)) items.push(respond(objectHref(t.ref.owner.address, t.ref.row.path, o.name), objectProps(o, await cal.props(t.ref, o.name)), want.props, keyOf, want.names));
        }
      }
    } else if (t.kind === 'object') {
      items.push(await objItem(t.ref, t.name));
    } else throw notFound(`nothing at ${t.path}`);
    return xmlReply(r.reply, multistatus(items));
  };

  /** PROPPATCH (RFC 4918 9.2): all instructions in order, or none; protected properties refused. */
  const proppatch = async (r: DavRequest, t: Target) => {
    if (t.kind !== 'collection' && t.kind !== 'object') throw new WardpostError('forbidden', 'properties of this resource cannot be changed', { dav: 'cannot-modify-protected-property' });
    const root = r.xml();
    if (!root || root.namespaceURI !== NS.dav || root.localName !== 'propertyupdate') throw invalid('PROPPATCH needs a DAV:propertyupdate body');
    const objectName = t.kind === 'object' ? t.name : '';
    if (t.kind === 'object') await cal.getObject(t.ref, t.name);
    const ops: { set: boolean; ns: string; name: string; value: string; el: Element }[] = [];
    for (const instr of children(root, NS.dav)) {
      if (instr.localName !== 'set' && instr.localName !== 'remove') continue;
      for (const p of children(child(instr, NS.dav, 'prop'))) ops.push({ set: instr.localName === 'set', ns: p.namespaceURI ?? '', name: p.localName!, value: instr.localName === 'set' ? innerXml(p) : '', el: p });
    }
    const failed = ops.filter((o) => isProtected(o.ns || null, o.name)).map((o) => anyPropKey(o.ns || null, o.name));
    const all = [...new Set(ops.map((o) => anyPropKey(o.ns || null, o.name)))];
    const href = t.kind === 'object' ? objectHref(t.ref.owner.address, t.ref.row.path, t.name) : collectionHref(t.ref.owner.address, t.ref.row.path);
    if (failed.length) {
      const rest = all.filter((k) => !failed.includes(k));
      return xmlReply(r.reply, multistatus([{ href, other: [{ status: 403, keys: [...new Set(failed)] }, ...(rest.length ? [{ status: 424, keys: rest }] : [])] }]));
    }
    const live: Record<string, string | null> = {};
    const dead = [];
    for (const o of ops) {
      const field = t.kind === 'collection' ? LIVE_COLLECTION_PROPS[`${o.ns} ${o.name}`] : undefined;
      if (field) live[field] = o.set ? text(o.el) : field === 'displayName' ? t.ref.row.path.split('/').pop()! : null;
      else dead.push({ set: o.set, ns: o.ns, name: o.name, value: o.value });
    }
    await cal.patchProps(t.ref, objectName, dead, live);
    return xmlReply(r.reply, multistatus([{ href, found: new Map(all.map((k) => [k, ''])) }]));
  };

  /** MKCALENDAR (RFC 4791 5.3.1) and MKCOL, plain or extended (RFC 5689). */
  const make = async (r: DavRequest, t: Target) => {
    if (t.kind !== 'missing') {
      if (t.kind === 'object') {
        // The parent exists, so this names a new collection inside it... unless the name is taken.
        if (await cal.findObject(t.ref, t.name).catch(() => undefined)) throw new WardpostError('conflict', `${t.name} exists`, { status: 405 });
      } else throw new WardpostError('conflict', 'something exists there already', { status: 405 });
    }
    const owner = await ownerAddress(t);
    const path = t.kind === 'missing' ? t.path : `${t.ref.row.path}/${t.name}`;
    let kind: 'calendar' | 'collection' = r.method === 'MKCALENDAR' ? 'calendar' : 'collection';
    let set: Element | undefined;
    if (r.body.trim()) {
      const type = String(r.req.headers['content-type'] ?? '');
      if (!/xml/i.test(type)) throw new WardpostError('invalid_input', 'a MKCOL body must be XML (RFC 5689)', { status: 415 });
      const root = r.xml();
      if (!root || root.namespaceURI !== (r.method === 'MKCALENDAR' ? NS.cal : NS.dav) || root.localName !== (r.method === 'MKCALENDAR' ? 'mkcalendar' : 'mkcol')) throw new WardpostError('invalid_input', 'unexpected MKCOL body', { status: 415 });
      set = child(child(root, NS.dav, 'set'), NS.dav, 'prop');
      const rt = child(set, NS.dav, 'resourcetype');
      if (rt && child(rt, NS.cal, 'calendar')) kind = 'calendar';
    }
    const comps = children(child(set, NS.cal, 'supported-calendar-component-set'), NS.cal, 'comp').map((c) => c.getAttribute('name') ?? '');
    const tz = child(set, NS.cal, 'calendar-timezone');
    const desc = child(set, NS.cal, 'calendar-description');
    const color = child(set, NS.ical, 'calendar-color');
    const name = child(set, NS.dav, 'displayname');
    await cal.createCollection(r.account, owner, path, kind, {
      ...(name ? { displayName: text(name) } : {}),
      ...(desc ? { description: text(desc) } : {}),
      ...(color ? { color: text(color) } : {}),
      ...(tz ? { timezone: text(tz) } : {}),
      ...(comps.length ? { components: comps } : {}),
    });
    return r.reply.code(201).header('cache-control', 'no-cache').send();
  };

  const ifMatch = (r: DavRequest) => {
    const v = r.req.headers['if-match'];
    return typeof v === 'string' ? v.trim() : null;
  };

  const put = async (r: DavRequest, t: Target) => {
    if (t.kind === 'missing') throw conflict('the parent collection does not exist (RFC 4918 9.7.1)', { status: 409 });
    if (t.kind !== 'object') throw new WardpostError('conflict', 'PUT a resource inside a collection, not onto a collection', { status: 405 });
    const res = await cal.put(r.account, t.ref, t.name, r.body, {
      ifMatch: ifMatch(r),
      ifNoneMatch: String(r.req.headers['if-none-match'] ?? '').trim() === '*',
      contentType: String(r.req.headers['content-type'] ?? 'application/octet-stream'),
    });
    return r.reply.code(res.created ? 201 : 204).header('etag', res.etag).send();
  };

  const get = async (r: DavRequest, t: Target) => {
    if (t.kind !== 'object') {
      if (t.kind === 'missing') throw notFound(`nothing at ${t.path}`);
      return r.reply.code(405).header('allow', 'OPTIONS, PROPFIND, PROPPATCH, REPORT, MKCOL, DELETE').send('GET a resource inside the collection');
    }
    const o = await cal.getObject(t.ref, t.name);
    return r.reply.header('content-type', o.content_type).header('etag', o.etag).header('last-modified', new Date(Number(o.updated_at)).toUTCString()).send(o.data);
  };

  const del = async (r: DavRequest, t: Target) => {
    if (t.kind === 'object') await cal.delete(r.account, t.ref, t.name, { ifMatch: ifMatch(r) });
    else if (t.kind === 'collection') await cal.deleteCollection(r.account, t.ref);
    else if (t.kind === 'missing') throw notFound(`nothing at ${t.path}`);
    else throw new WardpostError('forbidden', 'a calendar home or outbox cannot be removed');
    return r.reply.code(204).send();
  };

  /** MOVE and COPY of a resource within calendar homes (RFC 4918 9.8, 9.9). */
  const moveOrCopy = async (r: DavRequest, t: Target) => {
    if (t.kind !== 'object') throw new WardpostError('forbidden', 'only resources can be moved or copied here');
    const dest = String(r.req.headers.destination ?? '');
    let destPath: string;
    try {
      destPath = decodeURIComponent(new URL(dest, 'http://x').pathname);
    } catch {
      throw invalid('a Destination header with a URL is needed');
    }
    if (!destPath.startsWith('/dav/calendars/')) throw new WardpostError('forbidden', 'the destination must be in a calendar home on this server', { status: 502 });
    const target = await resolve(r.account, destPath.slice('/dav/calendars/'.length));
    if (target.kind === 'missing') throw conflict('the destination collection does not exist', { status: 409 });
    if (target.kind !== 'object') throw new WardpostError('forbidden', 'the destination must name a resource');
    const overwrite = String(r.req.headers.overwrite ?? 'T').toUpperCase() !== 'F';
    if (r.method === 'MOVE') {
      const { created } = await cal.move(r.account, t.ref, t.name, target.ref, target.name, overwrite);
      return r.reply.code(created ? 201 : 204).send();
    }
    const source = await cal.getObject(t.ref, t.name);
    const existing = await cal.findObject(target.ref, target.name);
    if (existing && !overwrite) throw conflict(`${target.name} exists and Overwrite is F`, { status: 412 });
    await cal.put(r.account, target.ref, target.name, source.data, { contentType: source.content_type });
    return r.reply.code(existing ? 204 : 201).send();
  };

  return {
    prefix: '/dav/calendars/',
    features: ['calendar-access', 'calendar-schedule'],
    principalProps: async (_viewer, who) =>
      new Map([
        ['cal:calendar-home-set', `<d:href>${homeHref(who.address)}</d:href>`],
        ['cal:calendar-user-address-set', [who.address, ...who.aliases].map((a) => `<d:href>mailto:${escapeXml(a)}</d:href>`).join('')],
        ['cal:schedule-inbox-URL', `<d:href>${collectionHref(who.address, 'inbox')}</d:href>`],
        ['cal:schedule-outbox-URL', `<d:href>${outboxHref(who.address)}</d:href>`],
        ['cal:calendar-user-type', 'INDIVIDUAL'],
        ['d:principal-collection-set', `<d:href>${principalHref('').replace(/\/$/, '')}</d:href>`],
      ]),
    handle: async (r) => {
      const t = await resolve(r.account, r.path);
      switch (r.method) {
        case 'PROPFIND': return propfind(r, t);
        case 'PROPPATCH': return proppatch(r, t);
        case 'MKCOL':
        case 'MKCALENDAR': return make(r, t);
        case 'PUT': return put(r, t);
        case 'GET': return get(r, t);
        case 'DELETE': return del(r, t);
        case 'MOVE':
        case 'COPY': return moveOrCopy(r, t);
        case 'REPORT':
          if (t.kind !== 'collection') throw new WardpostError('forbidden', 'REPORTs are answered by calendar collections', { dav: 'supported-report' });
          return calendarReport(services, t.ref, r);
        case 'POST':
          if (t.kind !== 'outbox') throw new WardpostError('conflict', 'POST scheduling requests to your outbox', { status: 405 });
          return outboxPost(services, r);
      }
    },
  };
}
