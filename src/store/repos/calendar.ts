/** Calendars and their objects, change log, grants and dead properties: one query code for both engines. */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema/tables.js';
import type { CalendarObjectWrite, CalendarPatch, CalendarRepo, NewCalendar } from '../types.js';

export class KyselyCalendarRepo implements CalendarRepo {
  constructor(private readonly db: Kysely<Database>) {}

  create(c: NewCalendar) {
    const now = Date.now();
    return this.db
      .insertInto('calendars')
      .values({
        account_id: c.accountId,
        path: c.path,
        kind: c.kind,
        display_name: c.displayName,
        description: c.description ?? null,
        color: c.color ?? null,
        timezone: c.timezone ?? null,
        components: c.components ?? 'VEVENT,VTODO',
        booking: 'none',
        sync_seq: 0,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  byPath(accountId: number, path: string) {
    return this.db.selectFrom('calendars').selectAll().where('account_id', '=', accountId).where('path', '=', path).executeTakeFirst();
  }

  byId(id: number) {
    return this.db.selectFrom('calendars').selectAll().where('id', '=', id).executeTakeFirst();
  }

  list(accountId: number) {
    return this.db.selectFrom('calendars').selectAll().where('account_id', '=', accountId).orderBy('path').execute();
  }

  async update(id: number, patch: CalendarPatch) {
    const set: Record<string, unknown> = { updated_at: Date.now() };
    if (patch.displayName !== undefined) set.display_name = patch.displayName;
    if (patch.description !== undefined) set.description = patch.description;
    if (patch.color !== undefined) set.color = patch.color;
    if (patch.timezone !== undefined) set.timezone = patch.timezone;
    if (patch.booking !== undefined) set.booking = patch.booking;
    await this.db.updateTable('calendars').set(set).where('id', '=', id).execute();
  }

  async removeTree(accountId: number, path: string) {
    const ids = (
      await this.db
        .selectFrom('calendars')
        .select('id')
        .where('account_id', '=', accountId)
        // A prefix test without LIKE, whose _ and % would match other names.
        .where((eb) => eb.or([eb('path', '=', path), eb(sql<string>`substr(path, 1, ${path.length + 1})`, '=', `${path}/`)]))
        .execute()
    ).map((r) => Number(r.id));
    if (!ids.length) return 0;
    // Children first, explicitly: SQLite's cascade needs foreign keys on, and we do not rely on it.
    await this.db.deleteFrom('dav_properties').where('calendar_id', 'in', ids).execute();
    await this.db.deleteFrom('calendar_acl').where('calendar_id', 'in', ids).execute();
    await this.db.deleteFrom('calendar_changes').where('calendar_id', 'in', ids).execute();
    await this.db.deleteFrom('calendar_objects').where('calendar_id', 'in', ids).execute();
    await this.db.deleteFrom('calendars').where('id', 'in', ids).execute();
    return ids.length;
  }

  async bump(calendarId: number) {
    const row = await this.db
      .updateTable('calendars')
      .set({ sync_seq: sql`sync_seq + 1`, updated_at: Date.now() })
      .where('id', '=', calendarId)
      .returning('sync_seq')
      .executeTakeFirstOrThrow();
    return Number(row.sync_seq);
  }

  async putObject(o: CalendarObjectWrite) {
    const now = Date.now();
    const cols = {
      uid: o.uid,
      component: o.component,
      content_type: o.contentType,
      data: o.data,
      size: Buffer.byteLength(o.data),
      etag: o.etag,
      first_start: o.firstStart,
      last_end: o.lastEnd,
      recurring: o.recurring ? 1 : 0,
      organizer: o.organizer,
      patient_mobile: o.patientMobile,
      reminder_policy: o.reminderPolicy,
      seq: o.seq,
      updated_at: now,
    };
    await this.db
      .insertInto('calendar_objects')
      .values({ calendar_id: o.calendarId, name: o.name, created_at: now, ...cols })
      .onConflict((oc) => oc.columns(['calendar_id', 'name']).doUpdateSet(cols))
      .execute();
  }

  object(calendarId: number, name: string) {
    return this.db.selectFrom('calendar_objects').selectAll().where('calendar_id', '=', calendarId).where('name', '=', name).executeTakeFirst();
  }

  objects(calendarId: number) {
    return this.db.selectFrom('calendar_objects').selectAll().where('calendar_id', '=', calendarId).orderBy('name').execute();
  }

  async objectsOverlapping(calendarIds: readonly number[], start: number, end: number) {
    if (!calendarIds.length) return [];
    return this.db
      .selectFrom('calendar_objects')
      .selectAll()
      .where('calendar_id', 'in', calendarIds)
      .where((eb) =>
        eb.or([
          eb('first_start', 'is', null),
          eb.and([eb('first_start', '<', end), eb.or([eb('last_end', 'is', null), eb('last_end', '>', start)])]),
        ]),
      )
      .orderBy('first_start')
      .execute();
  }

  async objectsByUid(calendarIds: readonly number[], uid: string) {
    if (!calendarIds.length) return [];
    return this.db.selectFrom('calendar_objects').selectAll().where('calendar_id', 'in', calendarIds).where('uid', '=', uid).execute();
  }

  async removeObject(calendarId: number, name: string) {
    await this.db.deleteFrom('dav_properties').where('calendar_id', '=', calendarId).where('object_name', '=', name).execute();
    const r = await this.db.deleteFrom('calendar_objects').where('calendar_id', '=', calendarId).where('name', '=', name).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async recordChange(calendarId: number, seq: number, name: string, deleted: boolean) {
    await this.db.insertInto('calendar_changes').values({ calendar_id: calendarId, seq, name, deleted: deleted ? 1 : 0 }).execute();
  }

  async changesSince(calendarId: number, seq: number) {
    const rows = await this.db.selectFrom('calendar_changes').selectAll().where('calendar_id', '=', calendarId).where('seq', '>', seq).orderBy('seq').execute();
    const latest = new Map<string, { name: string; deleted: boolean; seq: number }>();
    for (const r of rows) latest.set(r.name, { name: r.name, deleted: r.deleted === 1, seq: Number(r.seq) });
    return [...latest.values()];
  }

  props(calendarId: number, objectName: string) {
    return this.db.selectFrom('dav_properties').select(['ns', 'name', 'value']).where('calendar_id', '=', calendarId).where('object_name', '=', objectName).orderBy('ns').orderBy('name').execute();
  }

  async setProp(calendarId: number, objectName: string, ns: string, name: string, value: string) {
    await this.db
      .insertInto('dav_properties')
      .values({ calendar_id: calendarId, object_name: objectName, ns, name, value })
      .onConflict((oc) => oc.columns(['calendar_id', 'object_name', 'ns', 'name']).doUpdateSet({ value }))
      .execute();
  }

  async removeProp(calendarId: number, objectName: string, ns: string, name: string) {
    await this.db.deleteFrom('dav_properties').where('calendar_id', '=', calendarId).where('object_name', '=', objectName).where('ns', '=', ns).where('name', '=', name).execute();
  }

  async moveProps(calendarId: number, fromName: string, toCalendarId: number, toName: string) {
    await this.db.deleteFrom('dav_properties').where('calendar_id', '=', toCalendarId).where('object_name', '=', toName).execute();
    await this.db.updateTable('dav_properties').set({ calendar_id: toCalendarId, object_name: toName }).where('calendar_id', '=', calendarId).where('object_name', '=', fromName).execute();
  }

  async setAcl(calendarId: number, granteeAccountId: number, rights: string) {
    if (!rights) {
      await this.db.deleteFrom('calendar_acl').where('calendar_id', '=', calendarId).where('grantee_account_id', '=', granteeAccountId).execute();
      return;
    }
    await this.db
      .insertInto('calendar_acl')
      .values({ calendar_id: calendarId, grantee_account_id: granteeAccountId, rights, created_at: Date.now() })
      .onConflict((oc) => oc.columns(['calendar_id', 'grantee_account_id']).doUpdateSet({ rights }))
      .execute();
  }

  async aclFor(calendarId: number, granteeAccountId: number) {
    const row = await this.db.selectFrom('calendar_acl').select('rights').where('calendar_id', '=', calendarId).where('grantee_account_id', '=', granteeAccountId).executeTakeFirst();
    return row?.rights;
  }

  async acl(calendarId: number) {
    const rows = await this.db.selectFrom('calendar_acl').selectAll().where('calendar_id', '=', calendarId).orderBy('grantee_account_id').execute();
    return rows.map((r) => ({ granteeAccountId: Number(r.grantee_account_id), rights: r.rights }));
  }

  async grantsTo(granteeAccountId: number) {
    const rows = await this.db.selectFrom('calendar_acl').selectAll().where('grantee_account_id', '=', granteeAccountId).orderBy('calendar_id').execute();
    return rows.map((r) => ({ calendarId: Number(r.calendar_id), rights: r.rights }));
  }

  appointments(start: number, end: number, limit: number) {
    return this.db
      .selectFrom('calendar_objects')
      .selectAll()
      .where('patient_mobile', 'is not', null)
      .where('first_start', '<', end)
      .where((eb) => eb.or([eb('last_end', 'is', null), eb('last_end', '>', start)]))
      .orderBy('first_start')
      .limit(limit)
      .execute();
  }
}
