/**
 * CalDAV REPORTs on a calendar collection: calendar-query (RFC 4791 7.8) with time ranges and
 * recurrence expansion, calendar-multiget (7.9), sync-collection (RFC 6578 3.2). Any other report
 * is refused with DAV:supported-report (RFC 3253 3.6).
 */
import type { Element } from '@xmldom/xmldom';
import type { CalendarRef } from '../../core/calendar/calendar-service.js';
import { toInfo } from '../../core/calendar/calendar-service.js';
import { expandCalendar } from '../../core/calendar/expand.js';
import { parseCalendar } from '../../core/calendar/ical.js';
import { CALENDAR_LIMITS } from '../../core/calendar/limits.js';
import { WardpostError, invalid } from '../../core/errors.js';
import type { Services } from '../../core/services.js';
import type { CalendarObjectRow } from '../../store/types.js';
import { CAL_TOKEN_PREFIX, collectionHref, objectHref, objectProps } from './caldav-props.js';
import { matchesFilter, outerRange, timeRange } from './caldav-filter.js';
import { requestedProps, respond, xmlReply, type DavRequest } from './webdav.js';
import { NS, anyPropKey, child, children, escapeXml, multistatus, text, type MultiStatusItem } from './xml.js';

/** Turns requested properties into a responder for objects, with calendar-data (expanded if asked). */
function objectResponder(services: Services, ref: CalendarRef, root: Element) {
  const want = requestedProps(root);
  const dataEl = want.props?.find((p) => p.namespaceURI === NS.cal && p.localName === 'calendar-data');
  const expand = timeRange(child(dataEl, NS.cal, 'expand'));
  const info = toInfo(ref);
  return async (o: CalendarObjectRow): Promise<MultiStatusItem> => {
    const props = objectProps(o, await services.calendar.service.props(ref, o.name));
    if (!want.props || dataEl) {
      let data = o.data;
      if (expand && o.component) data = expandCalendar(parseCalendar(o.data), expand.start, expand.end, CALENDAR_LIMITS.maxInstances);
      props.set('cal:calendar-data', escapeXml(data));
    }
    return respond(objectHref(info.ownerAddress, info.path, o.name), props, want.props, (el) => anyPropKey(el.namespaceURI, el.localName!), want.names);
  };
}

/** calendar-query (RFC 4791 7.8): candidates by stored span, then the filter tested exactly. */
async function calendarQuery(services: Services, ref: CalendarRef, root: Element): Promise<MultiStatusItem[]> {
  const filter = child(root, NS.cal, 'filter');
  if (!filter) throw invalid('calendar-query needs a filter (RFC 4791 section 7.8)', { dav: 'valid-filter' });
  const range = outerRange(filter);
  const rows = range ? await services.calendar.service.objectsOverlapping(ref, range.start, range.end) : await services.calendar.service.listObjects(ref);
  const item = objectResponder(services, ref, root);
  const out: MultiStatusItem[] = [];
  for (const o of rows) {
    if (!o.component) continue;
    if (!matchesFilter(parseCalendar(o.data), filter)) continue;
    out.push(await item(o));
  }
  return out;
}

async function multiget(services: Services, ref: CalendarRef, root: Element): Promise<MultiStatusItem[]> {
  const item = objectResponder(services, ref, root);
  const base = collectionHref(ref.owner.address, ref.row.path);
  const out: MultiStatusItem[] = [];
  for (const h of children(root, NS.dav, 'href')) {
    const href = text(h);
    let path = href;
    try {
      path = decodeURIComponent(new URL(href, 'http://x').pathname);
    } catch {
      /* keep as written */
    }
    const decodedBase = decodeURIComponent(base);
    const name = path.startsWith(decodedBase) ? path.slice(decodedBase.length) : null;
    const o = name && !name.includes('/') ? await services.calendar.service.findObject(ref, name) : undefined;
    out.push(o ? await item(o) : { href, status: 404 });
  }
  return out;
}

async function syncCollection(services: Services, ref: CalendarRef, root: Element): Promise<{ items: MultiStatusItem[]; token: string }> {
  const token = text(child(root, NS.dav, 'sync-token'));
  const level = text(child(root, NS.dav, 'sync-level'));
  if (level && level !== '1') throw new WardpostError('forbidden', 'only sync-level 1 is supported (RFC 6578 section 3.3)', { dav: 'number-of-matches-within-limits' });
  let since = 0;
  if (token) {
    if (!token.startsWith(CAL_TOKEN_PREFIX) || !/^\d+$/.test(token.slice(CAL_TOKEN_PREFIX.length))) throw new WardpostError('forbidden', 'that sync token is not one of ours', { dav: 'valid-sync-token' });
    since = Number(token.slice(CAL_TOKEN_PREFIX.length));
  }
  const seq = Number(ref.row.sync_seq);
  const item = objectResponder(services, ref, root);
  const items: MultiStatusItem[] = [];
  if (!token) {
    for (const o of await services.calendar.service.listObjects(ref)) items.push(await item(o));
  } else {
    for (const ch of await services.calendar.service.changesSince(ref, since)) {
      const o = ch.deleted ? undefined : await services.calendar.service.findObject(ref, ch.name);
      items.push(o ? await item(o) : { href: objectHref(ref.owner.address, ref.row.path, ch.name), status: 404 });
    }
  }
  return { items, token: `${CAL_TOKEN_PREFIX}${seq}` };
}

/** REPORT on a collection. */
export async function calendarReport(services: Services, ref: CalendarRef, r: DavRequest): Promise<unknown> {
  const root = r.xml();
  if (!root) throw invalid('a REPORT needs a body');
  const name = `${root.namespaceURI === NS.cal ? 'cal' : root.namespaceURI === NS.dav ? 'd' : '?'}:${root.localName}`;
  if (name === 'd:sync-collection') {
    const { items, token } = await syncCollection(services, ref, root);
    return xmlReply(r.reply, multistatus(items, token));
  }
  if (ref.row.kind !== 'collection') {
    if (name === 'cal:calendar-query') return xmlReply(r.reply, multistatus(await calendarQuery(services, ref, root)));
    if (name === 'cal:calendar-multiget') return xmlReply(r.reply, multistatus(await multiget(services, ref, root)));
  }
  throw new WardpostError('forbidden', `the ${root.localName} report is not supported here (calendar-query, calendar-multiget, sync-collection are)`, { dav: 'supported-report' });
}
