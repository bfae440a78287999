/**
 * Calendars: collections (RFC 4791 section 4.2) under each account's calendar home, their objects
 * (one iCalendar resource each, RFC 4791 section 4.1) with ETags and preconditions, and a change
 * log per collection (its sequence is the ctag and the RFC 6578 sync token). Every door (CalDAV,
 * the JSON API, scheduling, SMS reminders) goes through this service; who may do what is decided
 * here from the owner's grants (rights.ts), never in a protocol.
 */
import { createHash } from 'node:crypto';
import type { Account } from '../accounts/account-service.js';
import { SYSTEM_ACTOR, type Actor } from '../actor.js';
import { audit } from '../audit/audit-log.js';
import { parseAddress } from '../addresses.js';
import { WardpostError, conflict, invalid, notFound } from '../errors.js';
import type { EventBus } from '../events/bus.js';
import { ALL_RIGHTS } from '../sharing/rights.js';
import { isPrivate, redact } from './privacy.js';
import type { AccountRow, CalendarObjectRow, CalendarRow, Repos, Store } from '../../store/types.js';
import { parseCalendar } from './ical.js';
import { CALENDAR_LIMITS } from './limits.js';
import { canDelete, canRead, canSeeFreeBusy, canSeePrivate, canWrite } from './rights.js';
import type { CalendarInfo, CalendarKind, CalendarObject, ParsedCalendar } from './types.js';

export const DEFAULT_CALENDAR = 'default';
export const INBOX = 'inbox';

/** A collection as one caller may use it. */
export interface CalendarRef {
  owner: AccountRow;
  row: CalendarRow;
  rights: string;
}

export interface WriteResult {
  etag: string;
  created: boolean;
  object: CalendarObjectRow;
  previous: CalendarObjectRow | undefined;
  parsed: ParsedCalendar | null;
}

/** Called after an object of a calendar changed through a door (not by scheduling itself). */
export type ChangeHook = (e: { ref: CalendarRef; actor: Account; name: string; before: CalendarObjectRow | undefined; after: WriteResult | null }) => Promise<void>;
/** Asked before a person's change is written; throws to refuse it (e.g. answering for someone without the right). */
export type ChangeGuard = (e: { ref: CalendarRef; actor: Account; name: string; before: CalendarObjectRow | undefined; data: string | null }) => Promise<void>;

export const etagOf = (data: string) => `"${createHash('sha1').update(data).digest('base64url')}"`;

function checkName(name: string): void {
  // Control characters are refused by code point (a regex would need them spelled out).
  if (!name || name.length > CALENDAR_LIMITS.maxNameLength || /[/\\]/.test(name) || [...name].some((c) => c.charCodeAt(0) < 0x20) || name === '.' || name === '..') {
    throw invalid(`"${name.slice(0, 40)}" is not a usable resource name`);
  }
}

function checkPath(path: string): void {
  for (const seg of path.split('/')) checkName(seg);
}

export function toInfo(ref: CalendarRef): CalendarInfo {
  const r = ref.row;
  return {
    id: Number(r.id),
    ownerId: ref.owner.id,
    ownerAddress: ref.owner.address,
    path: r.path,
    kind: r.kind as CalendarKind,
    displayName: r.display_name,
    description: r.description,
    color: r.color,
    timezone: r.timezone,
    components: r.components.split(',').filter(Boolean),
    booking: r.booking === 'auto' ? 'auto' : 'none',
    syncSeq: Number(r.sync_seq),
    rights: ref.rights,
  };
}

export function toObject(o: CalendarObjectRow): CalendarObject {
  return {
    calendarId: Number(o.calendar_id),
    name: o.name,
    uid: o.uid,
    component: o.component,
    contentType: o.content_type,
    data: o.data,
    etag: o.etag,
    firstStart: o.first_start === null ? null : Number(o.first_start),
    lastEnd: o.last_end === null ? null : Number(o.last_end),
    patientMobile: o.patient_mobile,
    reminderPolicy: o.reminder_policy,
    organizer: o.organizer,
    updatedAt: Number(o.updated_at),
  };
}

/** The object as this viewer may see it: a private entry redacted for those without the `p` right (privacy.ts). */
function shown(ref: CalendarRef, o: CalendarObjectRow): CalendarObjectRow {
  if (canSeePrivate(ref.rights) || !isPrivate(o.data)) return o;
  const data = redact(o.data);
  return { ...o, data, size: Buffer.byteLength(data), patient_mobile: null, reminder_policy: null };
}

/** Changing what one only sees redacted would overwrite the details unseen: refused in words. */
function requireDetails(ref: CalendarRef, existing: CalendarObjectRow | undefined, what: 'change' | 'delete' | 'move'): void {
  if (existing && !canSeePrivate(ref.rights) && isPrivate(existing.data)) {
    throw new WardpostError('forbidden', `${existing.name} is a private entry of ${ref.owner.address}: only they and their delegates may ${what} it`, { dav: 'need-privileges' });
  }
}

export class CalendarService {
  private hooks: ChangeHook[] = [];
  private guards: ChangeGuard[] = [];

  constructor(
    readonly store: Store,
    private readonly bus: EventBus,
  ) {}

  /** Scheduling registers here: it sees every change a person makes (RFC 6638 implicit scheduling). */
  onChange(hook: ChangeHook, guard?: ChangeGuard): void {
    this.hooks.push(hook);
    if (guard) this.guards.push(guard);
  }

  /** Every account has a default calendar and a scheduling inbox (RFC 6638 section 2.2). Idempotent. */
  async ensureDefaults(accountId: number): Promise<void> {
    const existing = await this.store.calendar.list(accountId);
    const has = (p: string) => existing.some((c) => c.path === p);
    if (has(DEFAULT_CALENDAR) && has(INBOX)) return;
    await this.store.transaction(async (tx) => {
      for (const [path, kind, name] of [[DEFAULT_CALENDAR, 'calendar', 'Calendar'], [INBOX, 'inbox', 'Scheduling inbox']] as const) {
        if (!(await tx.calendar.byPath(accountId, path))) await tx.calendar.create({ accountId, path, kind, displayName: name });
      }
    }).catch(async (err: unknown) => {
      // Two doors creating the defaults at once: the loser finds them made.
      if ((await this.store.calendar.list(accountId)).filter((c) => c.path === DEFAULT_CALENDAR || c.path === INBOX).length < 2) throw err;
    });
  }

  /** The account owning `address` (primary or alias), or not_found. */
  async owner(address: string): Promise<AccountRow> {
    let row: AccountRow | undefined;
    try {
      row = await this.store.accounts.resolve(parseAddress(address).address);
    } catch {
      row = undefined;
    }
    if (!row) throw notFound(`no calendar user ${address}`);
    return row;
  }

  /** The caller's rights on a collection: all for the owner, else the owner's grant. */
  async rightsOn(viewerId: number, row: CalendarRow): Promise<string> {
    if (Number(row.account_id) === viewerId) return ALL_RIGHTS;
    return (await this.store.calendar.aclFor(Number(row.id), viewerId)) ?? '';
  }

  /**
   * Opens a collection for a caller. A collection the caller may not even see reads as not found
   * (its existence is not disclosed); `need` then asks for a right on top.
   */
  async open(viewer: Account, ownerAddress: string, path: string, need?: 'read' | 'write' | 'delete' | 'freebusy'): Promise<CalendarRef> {
    const owner = await this.owner(ownerAddress);
    if (owner.id === viewer.id) await this.ensureDefaults(owner.id);
    const row = await this.store.calendar.byPath(owner.id, path);
    if (!row) throw notFound(`no collection ${path} in the calendar home of ${owner.address}`);
    const rights = await this.rightsOn(viewer.id, row);
    if (!canSeeFreeBusy(rights)) throw notFound(`no collection ${path} in the calendar home of ${owner.address}`);
    const ref = { owner, row, rights };
    if (need) this.require(ref, need);
    return ref;
  }

  require(ref: CalendarRef, need: 'read' | 'write' | 'delete' | 'freebusy'): void {
    const ok = need === 'read' ? canRead(ref.rights) : need === 'write' ? canWrite(ref.rights) : need === 'delete' ? canDelete(ref.rights) : canSeeFreeBusy(ref.rights);
    if (!ok) throw new WardpostError('forbidden', `you may not ${need === 'freebusy' ? 'see the free/busy of' : need} ${ref.owner.address}/${ref.row.path}: ask its owner to share it with you`, { dav: 'need-privileges' });
  }

  /** The collections of `ownerAddress` this viewer can see (all of them for the owner). */
  async home(viewer: Account, ownerAddress: string): Promise<CalendarRef[]> {
    const owner = await this.owner(ownerAddress);
    if (owner.id === viewer.id) await this.ensureDefaults(owner.id);
    const out: CalendarRef[] = [];
    for (const row of await this.store.calendar.list(owner.id)) {
      const rights = await this.rightsOn(viewer.id, row);
      if (canSeeFreeBusy(rights)) out.push({ owner, row, rights });
    }
    if (owner.id !== viewer.id && !out.length) throw notFound(`no calendar home of ${ownerAddress} is shared with you`);
    return out;
  }

  /** Collections other people shared with this account (for clients that list shared calendars). */
  async sharedWith(viewer: Account): Promise<CalendarRef[]> {
    const out: CalendarRef[] = [];
    for (const g of await this.store.calendar.grantsTo(viewer.id)) {
      if (!canSeeFreeBusy(g.rights)) continue;
      const row = await this.store.calendar.byId(g.calendarId);
      const owner = row && (await this.store.accounts.byId(Number(row.account_id)));
      if (row && owner) out.push({ owner, row, rights: g.rights });
    }
    return out;
  }

  /** MKCALENDAR (RFC 4791 5.3.1) or MKCOL (RFC 4918 9.3) in the caller's own home. */
  async createCollection(viewer: Account, ownerAddress: string, path: string, kind: 'calendar' | 'collection', props: { displayName?: string; description?: string | null; color?: string | null; timezone?: string | null; components?: string[] } = {}): Promise<CalendarRef> {
    const owner = await this.owner(ownerAddress);
    if (owner.id !== viewer.id) throw new WardpostError('forbidden', 'collections are made by the owner of a calendar home', { dav: 'need-privileges' });
    checkPath(path);
    await this.ensureDefaults(owner.id);
    const existing = await this.store.calendar.list(owner.id);
    if (existing.some((c) => c.path === path)) throw new WardpostError('conflict', `${path} exists already`, { status: 405 });
    const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : null;
    if (parent !== null && !existing.some((c) => c.path === parent && c.kind === 'collection')) throw conflict(`the parent collection ${parent} does not exist`, { status: 409 });
    if (existing.length >= CALENDAR_LIMITS.maxCollections) throw invalid(`at most ${CALENDAR_LIMITS.maxCollections} collections per account`);
    const comps = props.components?.length ? props.components.map((c) => c.toUpperCase()) : ['VEVENT', 'VTODO'];
    if (comps.some((c) => !['VEVENT', 'VTODO', 'VJOURNAL'].includes(c))) throw invalid(`unsupported calendar component in ${comps.join(',')}`, { dav: 'supported-calendar-component' });
    const row = await this.store.calendar.create({
      accountId: owner.id,
      path,
      kind,
      displayName: props.displayName ?? path.split('/').pop()!,
      description: props.description ?? null,
      color: props.color ?? null,
      timezone: props.timezone ?? null,
      components: comps.join(','),
    });
    return { owner, row, rights: ALL_RIGHTS };
  }

  /**
   * Makes an account's default calendar a bookable resource (a room or equipment): invitations
   * are then answered by the server, accepted when free and declined on a conflict.
   */
  /**
   * Makes an account's default calendar a bookable resource (a room, a piece of equipment) that
   * answers invitations itself (`auto`: accepted when free, declined on a conflict), or a person's
   * calendar again (`none`). Who may do it is the caller's business (an administrator of the owner).
   */
  async setBooking(ownerAddress: string, booking: 'auto' | 'none', actor: Actor = SYSTEM_ACTOR): Promise<void> {
    const owner = await this.owner(ownerAddress);
    await this.ensureDefaults(owner.id);
    const row = (await this.store.calendar.byPath(owner.id, DEFAULT_CALENDAR))!;
    await this.store.transaction(async (tx) => {
      await tx.calendar.update(Number(row.id), { booking });
      await audit(tx, actor, { action: 'calendar.booking', target: `${owner.address}/${DEFAULT_CALENDAR}`, orgId: owner.org_id, detail: { booking } });
    });
  }

  /** DELETE of a collection (RFC 4918 9.6.1): it and everything below it. The inbox stays. */
  async deleteCollection(viewer: Account, ref: CalendarRef): Promise<void> {
    if (ref.owner.id !== viewer.id) throw new WardpostError('forbidden', 'only the owner removes a collection', { dav: 'need-privileges' });
    if (ref.row.kind === 'inbox') throw new WardpostError('forbidden', 'the scheduling inbox cannot be removed', { dav: 'need-privileges' });
    await this.store.transaction((tx) => tx.calendar.removeTree(ref.owner.id, ref.row.path));
  }

  async updateCollection(ref: CalendarRef, patch: { displayName?: string; description?: string | null; color?: string | null; timezone?: string | null }): Promise<void> {
    this.require(ref, 'write');
    await this.store.transaction(async (tx) => {
      await tx.calendar.update(Number(ref.row.id), patch);
      await tx.calendar.bump(Number(ref.row.id));
    });
  }

  async getObject(ref: CalendarRef, name: string): Promise<CalendarObjectRow> {
    this.require(ref, 'read');
    const o = await this.store.calendar.object(Number(ref.row.id), name);
    if (!o) throw notFound(`no ${name} in ${ref.row.path}`);
    return shown(ref, o);
  }

  /** One object, or undefined when there is none by that name. */
  async findObject(ref: CalendarRef, name: string): Promise<CalendarObjectRow | undefined> {
    this.require(ref, 'read');
    const o = await this.store.calendar.object(Number(ref.row.id), name);
    return o && shown(ref, o);
  }

  async listObjects(ref: CalendarRef): Promise<CalendarObjectRow[]> {
    this.require(ref, 'read');
    return (await this.store.calendar.objects(Number(ref.row.id))).map((o) => shown(ref, o));
  }

  /** Objects whose stored span overlaps [start, end): candidates for a time-range query. */
  async objectsOverlapping(ref: CalendarRef, start: number, end: number): Promise<CalendarObjectRow[]> {
    this.require(ref, 'read');
    return (await this.store.calendar.objectsOverlapping([Number(ref.row.id)], start, end)).map((o) => shown(ref, o));
  }

  /** The latest change of each member since a sync sequence (RFC 6578 section 3.8). */
  async changesSince(ref: CalendarRef, seq: number): Promise<{ name: string; deleted: boolean }[]> {
    this.require(ref, 'read');
    if (seq > Number(ref.row.sync_seq)) throw invalid('that sync token is from the future', { dav: 'valid-sync-token' });
    return this.store.calendar.changesSince(Number(ref.row.id), seq);
  }

  /**
   * PUT of a calendar object (RFC 4791 5.3.2) or, in a plain collection, of any resource. Checks
   * If-Match / If-None-Match (RFC 7232), the data (valid iCalendar, one UID, the collection's
   * component types, no UID used by another resource) and the size; nothing is stored on failure.
   */
  async put(viewer: Account, ref: CalendarRef, name: string, data: string, opts: { ifMatch?: string | null; ifNoneMatch?: boolean; contentType?: string } = {}): Promise<WriteResult> {
    checkName(name);
    if (ref.row.kind === 'inbox') throw new WardpostError('forbidden', 'the scheduling inbox is filled by the server (RFC 6638 section 2.2)', { dav: 'need-privileges' });
    const before = await this.store.calendar.object(Number(ref.row.id), name);
    this.require(ref, 'write');
    requireDetails(ref, before, 'change');
    for (const guard of this.guards) await guard({ ref, actor: viewer, name, before, data });
    const result = await this.write(ref, name, data, { ...opts, before });
    for (const hook of this.hooks) await hook({ ref, actor: viewer, name, before, after: result });
    return result;
  }

  /** Writes without scheduling side effects (what scheduling itself uses). */
  async write(ref: CalendarRef, name: string, data: string, opts: { ifMatch?: string | null; ifNoneMatch?: boolean; contentType?: string; before?: CalendarObjectRow | undefined } = {}): Promise<WriteResult> {
    const calendarId = Number(ref.row.id);
    if (Buffer.byteLength(data) > CALENDAR_LIMITS.maxObjectBytes) {
      throw new WardpostError('message_too_large', `a calendar resource may be at most ${CALENDAR_LIMITS.maxObjectBytes} bytes`, { dav: 'max-resource-size' });
    }
    const plain = ref.row.kind === 'collection';
    const inbox = ref.row.kind === 'inbox';
    // The scheduling inbox holds iTIP messages (RFC 6638 2.2): METHOD required, several per UID.
    const parsed = plain ? null : parseCalendar(data, inbox ? 'itip' : 'resource');
    if (parsed && !ref.row.components.split(',').includes(parsed.kind)) {
      throw invalid(`this calendar holds ${ref.row.components}, not ${parsed.kind}`, { dav: 'supported-calendar-component' });
    }
    const etag = etagOf(data);
    return this.store.transaction(async (tx: Repos) => {
      const before = await tx.calendar.object(calendarId, name);
      if (opts.ifNoneMatch && before) throw conflict(`${name} exists already`, { status: 412 });
      if (opts.ifMatch && opts.ifMatch !== '*' && (!before || before.etag !== opts.ifMatch)) throw conflict(`${name} has changed (ETag ${before?.etag ?? 'none'})`, { status: 412 });
      if (opts.ifMatch === '*' && !before) throw conflict(`${name} does not exist`, { status: 412 });
      if (parsed && !inbox) {
        const same = (await tx.calendar.objectsByUid([calendarId], parsed.uid)).find((o) => o.name !== name);
        if (same) throw conflict(`UID ${parsed.uid} is already used by ${same.name}`, { dav: 'no-uid-conflict', href: same.name });
      }
      const seq = await tx.calendar.bump(calendarId);
      await tx.calendar.putObject({
        calendarId,
        name,
        uid: parsed?.uid ?? null,
        component: parsed?.kind ?? null,
        contentType: parsed ? 'text/calendar; charset=utf-8' : (opts.contentType ?? 'application/octet-stream'),
        data,
        etag,
        firstStart: parsed?.firstStart ?? null,
        lastEnd: parsed?.lastEnd ?? null,
        recurring: parsed?.recurring ?? false,
        organizer: parsed?.organizer ?? null,
        patientMobile: parsed?.patientMobile ?? null,
        reminderPolicy: parsed?.reminderPolicy ?? null,
        seq,
      });
      await tx.calendar.recordChange(calendarId, seq, name, false);
      const object = (await tx.calendar.object(calendarId, name))!;
      return { etag, created: !before, object, previous: before, parsed };
    }).then(async (r) => {
      await this.publish(ref, name, r.parsed?.uid ?? null, r.created ? 'created' : 'updated', !!(r.object.patient_mobile || r.previous?.patient_mobile));
      return r;
    });
  }

  /** DELETE of one object (RFC 4918 9.6), with If-Match. */
  async delete(viewer: Account, ref: CalendarRef, name: string, opts: { ifMatch?: string | null } = {}): Promise<void> {
    this.require(ref, 'delete');
    const existing = await this.store.calendar.object(Number(ref.row.id), name);
    requireDetails(ref, existing, 'delete');
    for (const guard of this.guards) await guard({ ref, actor: viewer, name, before: existing, data: null });
    const before = await this.remove(ref, name, opts);
    for (const hook of this.hooks) await hook({ ref, actor: viewer, name, before, after: null });
  }

  /** Removes an object without scheduling side effects. */
  async remove(ref: CalendarRef, name: string, opts: { ifMatch?: string | null } = {}): Promise<CalendarObjectRow> {
    const calendarId = Number(ref.row.id);
    const before = await this.store.transaction(async (tx) => {
      const b = await tx.calendar.object(calendarId, name);
      if (!b) throw notFound(`no ${name} in ${ref.row.path}`);
      if (opts.ifMatch && opts.ifMatch !== '*' && b.etag !== opts.ifMatch) throw conflict(`${name} has changed (ETag ${b.etag})`, { status: 412 });
      await tx.calendar.removeObject(calendarId, name);
      const seq = await tx.calendar.bump(calendarId);
      await tx.calendar.recordChange(calendarId, seq, name, true);
      return b;
    });
    await this.publish(ref, name, before.uid, 'deleted', !!before.patient_mobile);
    return before;
  }

  /** MOVE of a resource within one home (RFC 4918 9.9), keeping its dead properties. */
  async move(viewer: Account, from: CalendarRef, name: string, to: CalendarRef, toName: string, overwrite: boolean): Promise<{ created: boolean }> {
    this.require(from, 'delete');
    this.require(to, 'write');
    checkName(toName);
    const source = await this.getObject(from, name);
    // A redacted copy must never be written anywhere: moving a private entry needs its details
    // (a redacted copy keeps its CLASS, so the check reads the same on it).
    requireDetails(from, source, 'move');
    const existing = await this.store.calendar.object(Number(to.row.id), toName);
    if (existing && !overwrite) throw conflict(`${toName} exists and Overwrite is F`, { status: 412 });
    if (existing) await this.remove(to, toName);
    await this.write(to, toName, source.data, { contentType: source.content_type });
    await this.store.calendar.moveProps(Number(from.row.id), name, Number(to.row.id), toName);
    await this.remove(from, name);
    void viewer;
    return { created: !existing };
  }

  /** Dead properties of a collection ("") or resource (RFC 4918 section 4). */
  props(ref: CalendarRef, objectName: string) {
    return this.store.calendar.props(Number(ref.row.id), objectName);
  }

  /** PROPPATCH (RFC 4918 9.2): every instruction in order, all or nothing. */
  async patchProps(ref: CalendarRef, objectName: string, ops: { set: boolean; ns: string; name: string; value: string }[], live: { displayName?: string; description?: string | null; color?: string | null; timezone?: string | null }): Promise<void> {
    this.require(ref, 'write');
    const id = Number(ref.row.id);
    await this.store.transaction(async (tx) => {
      for (const op of ops) {
        if (op.set) await tx.calendar.setProp(id, objectName, op.ns, op.name, op.value);
        else await tx.calendar.removeProp(id, objectName, op.ns, op.name);
      }
      if (Object.keys(live).length) await tx.calendar.update(id, live);
      await tx.calendar.bump(id);
    });
  }

  private async publish(ref: CalendarRef, objectName: string, uid: string | null, change: 'created' | 'updated' | 'deleted', appointment: boolean): Promise<void> {
    await this.bus.publish({ type: 'calendar.event.changed', accountId: ref.owner.id, calendarId: Number(ref.row.id), objectName, uid, change, appointment });
  }
}
