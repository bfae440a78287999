/**
 * CalDAV properties (RFC 4791 sections 5.2 and 6.2, RFC 6638 section 2 and 9, RFC 6578 section 4,
 * RFC 3744 current-user-privilege-set) of calendar homes, collections and objects; and which of
 * them a client may change (PROPPATCH) and where the change goes.
 */
import type { CalendarInfo } from '../../core/calendar/types.js';
import { CALENDAR_LIMITS } from '../../core/calendar/limits.js';
import type { CalendarObjectRow } from '../../store/types.js';
import { hrefSegment, principalHref } from './webdav.js';
import { NS, anyPropKey, escapeXml, type PropValues } from './xml.js';

export const CAL_TOKEN_PREFIX = 'http://wardpost.org/ns/calsync/';

const enc = hrefSegment;
export const homeHref = (owner: string) => `/dav/calendars/${enc(owner)}/`;
export const collectionHref = (owner: string, path: string) => `${homeHref(owner)}${path.split('/').map(enc).join('/')}/`;
export const objectHref = (owner: string, path: string, name: string) => `${collectionHref(owner, path)}${enc(name)}`;
export const outboxHref = (owner: string) => `${homeHref(owner)}outbox/`;

/** RFC 3744 section 5.4 privileges from the grant letters (rights.ts). */
function privileges(rights: string): string {
  const p: string[] = [];
  if (rights.includes('l') || rights.includes('r')) p.push('cal:read-free-busy');
  if (rights.includes('r')) p.push('d:read', 'd:read-current-user-privilege-set');
  if (rights.includes('w') || rights.includes('i')) p.push('d:write-content', 'd:write-properties', 'd:bind');
  if (rights.includes('w') && rights.includes('i') && (rights.includes('t') || rights.includes('x'))) p.push('d:write', 'd:unbind');
  if (rights.includes('p')) p.push('cal:schedule-send', 'cal:schedule-deliver');
  if (rights.includes('a')) p.push('d:write-acl', 'd:read-acl');
  return p.map((x) => `<d:privilege><${x}/></d:privilege>`).join('');
}

const reports = (names: string[]) => names.map((r) => `<d:supported-report><d:report><${r}/></d:report></d:supported-report>`).join('');
const httpDate = (ms: number) => new Date(ms).toUTCString();

export function homeProps(owner: string, viewer: string): PropValues {
  return new Map([
    ['d:resourcetype', '<d:collection/>'],
    ['d:displayname', 'Calendars'],
    ['d:owner', `<d:href>${principalHref(owner)}</d:href>`],
    ['d:current-user-principal', `<d:href>${principalHref(viewer)}</d:href>`],
    ['d:supported-report-set', reports(['d:sync-collection'])],
  ]);
}

export function outboxProps(owner: string, viewer: string): PropValues {
  return new Map([
    ['d:resourcetype', '<d:collection/><cal:schedule-outbox/>'],
    ['d:displayname', 'Scheduling outbox'],
    ['d:owner', `<d:href>${principalHref(owner)}</d:href>`],
    ['d:current-user-principal', `<d:href>${principalHref(viewer)}</d:href>`],
    ['d:current-user-privilege-set', '<d:privilege><cal:schedule-send/></d:privilege><d:privilege><cal:schedule-query-freebusy/></d:privilege>'],
  ]);
}

export function collectionProps(c: CalendarInfo, viewer: string, dead: { ns: string; name: string; value: string }[]): PropValues {
  const token = `${CAL_TOKEN_PREFIX}${c.syncSeq}`;
  const p: PropValues = new Map();
  for (const d of dead) p.set(anyPropKey(d.ns, d.name), d.value);
  const type = c.kind === 'calendar' ? '<cal:calendar/>' : c.kind === 'inbox' ? '<cal:schedule-inbox/>' : '';
  p.set('d:resourcetype', `<d:collection/>${type}`);
  p.set('d:displayname', escapeXml(c.displayName));
  p.set('d:owner', `<d:href>${principalHref(c.ownerAddress)}</d:href>`);
  p.set('d:current-user-principal', `<d:href>${principalHref(viewer)}</d:href>`);
  p.set('d:current-user-privilege-set', privileges(c.rights));
  p.set('cs:getctag', escapeXml(token));
  p.set('d:sync-token', escapeXml(token));
  if (c.kind === 'collection') {
    p.set('d:supported-report-set', reports(['d:sync-collection']));
    return p;
  }
  p.set('d:supported-report-set', reports(['cal:calendar-query', 'cal:calendar-multiget', 'd:sync-collection']));
  p.set('cal:supported-calendar-component-set', c.components.map((x) => `<cal:comp name="${x}"/>`).join(''));
  p.set('cal:supported-calendar-data', '<cal:calendar-data content-type="text/calendar" version="2.0"/>');
  p.set('cal:max-resource-size', String(CALENDAR_LIMITS.maxObjectBytes));
  if (c.kind === 'calendar') {
    if (c.description !== null) p.set('cal:calendar-description', escapeXml(c.description));
    if (c.color !== null) p.set('ical:calendar-color', escapeXml(c.color));
    if (c.timezone !== null) p.set('cal:calendar-timezone', escapeXml(c.timezone));
    p.set('cal:schedule-calendar-transp', '<cal:opaque/>');
  } else {
    p.set('cal:schedule-default-calendar-URL', `<d:href>${collectionHref(c.ownerAddress, 'default')}</d:href>`);
  }
  return p;
}

export function objectProps(o: CalendarObjectRow, dead: { ns: string; name: string; value: string }[]): PropValues {
  const p: PropValues = new Map();
  for (const d of dead) p.set(anyPropKey(d.ns, d.name), d.value);
  p.set('d:getetag', escapeXml(o.etag));
  p.set('d:getcontenttype', escapeXml(o.content_type));
  p.set('d:getcontentlength', String(o.size));
  p.set('d:getlastmodified', httpDate(Number(o.updated_at)));
  p.set('d:creationdate', new Date(Number(o.created_at)).toISOString());
  p.set('d:resourcetype', '');
  return p;
}

/** Properties the server computes: a PROPPATCH may not touch them (RFC 4918 16 cannot-modify-protected-property). */
const PROTECTED = new Set(
  [
    'd:getetag', 'd:getcontentlength', 'd:getlastmodified', 'd:creationdate', 'd:resourcetype', 'd:getcontenttype', 'd:owner', 'd:current-user-principal',
    'd:current-user-privilege-set', 'd:supported-report-set', 'd:sync-token', 'cs:getctag', 'cal:supported-calendar-component-set', 'cal:supported-calendar-data',
    'cal:max-resource-size', 'd:lockdiscovery', 'd:supportedlock', 'cal:schedule-default-calendar-URL',
  ],
);

export function isProtected(ns: string | null, name: string): boolean {
  return PROTECTED.has(anyPropKey(ns, name));
}

/** Collection properties kept in columns rather than as dead properties. */
export const LIVE_COLLECTION_PROPS: Record<string, 'displayName' | 'description' | 'color' | 'timezone'> = {
  [`${NS.dav} displayname`]: 'displayName',
  [`${NS.cal} calendar-description`]: 'description',
  [`${NS.ical} calendar-color`]: 'color',
  [`${NS.cal} calendar-timezone`]: 'timezone',
};
