import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema/tables.js';
import type { SmsMessageRow, SmsReminderRow } from '../schema/sms-tables.js';
import type { NewReminder, NewSms, SmsListFilter, SmsOutcome, SmsRepo } from '../sms-types.js';

const MSG_NUMS = ['id', 'org_id', 'account_id', 'parts', 'attempts', 'next_attempt_at', 'expires_at', 'delivered_parts', 'created_at', 'sent_at', 'finished_at'] as const;
const REM_NUMS = ['offset_minutes', 'org_id', 'send_at', 'appointment_start', 'sms_id', 'owner_account_id', 'updated_at'] as const;

/** PostgreSQL returns BIGINT as numbers already (pg type parser), SQLite as numbers; be sure either way. */
function nums<T extends Record<string, unknown>>(r: T, keys: readonly (keyof T)[]): T {
  const out = { ...r };
  for (const k of keys) if (out[k] !== null && out[k] !== undefined) (out as Record<keyof T, unknown>)[k] = Number(out[k]);
  return out;
}
const msg = (r: SmsMessageRow) => nums(r, MSG_NUMS);
const rem = (r: SmsReminderRow) => nums(r, REM_NUMS);

export class KyselySmsRepo implements SmsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async settings(orgId: number) {
    const r = await this.db.selectFrom('sms_settings').selectAll().where('org_id', '=', orgId).executeTakeFirst();
    return r && nums(r, ['org_id', 'monthly_cap', 'updated_at']);
  }

  async putSettings(orgId: number, s: { senderId: string | null; monthlyCap: number; replyAddress: string | null }) {
    const values = { sender_id: s.senderId, monthly_cap: s.monthlyCap, reply_address: s.replyAddress, updated_at: Date.now() };
    await this.db
      .insertInto('sms_settings')
      .values({ org_id: orgId, ...values })
      .onConflict((oc) => oc.column('org_id').doUpdateSet(values))
      .execute();
  }

  async insert(items: readonly NewSms[]) {
    const now = Date.now();
    const ids: number[] = [];
    // Batches keep each statement under SQLite's bound-parameter limit.
    for (let i = 0; i < items.length; i += 200) {
      const rows = await this.db
        .insertInto('sms_messages')
        .values(
          items.slice(i, i + 200).map((m) => ({
            org_id: m.orgId,
            account_id: m.accountId,
            requested_by: m.requestedBy,
            reply_address: m.replyAddress,
            to_number: m.to,
            sender_id: m.senderId,
            body: m.body,
            encoding: m.encoding,
            parts: m.parts,
            status: 'queued',
            attempts: 0,
            next_attempt_at: m.nextAttemptAt,
            expires_at: m.expiresAt,
            delivered_parts: 0,
            message_id: m.messageId,
            source: m.source,
            batch_id: m.batchId,
            appointment_uid: m.appointmentUid,
            appointment_occurrence: m.appointmentOccurrence,
            created_at: now,
          })),
        )
        .returning('id')
        .execute();
      ids.push(...rows.map((r) => Number(r.id)));
    }
    return ids;
  }

  async byId(id: number) {
    const r = await this.db.selectFrom('sms_messages').selectAll().where('id', '=', id).executeTakeFirst();
    return r && msg(r);
  }

  async byMessageId(messageId: string, to: string) {
    const r = await this.db.selectFrom('sms_messages').selectAll().where('message_id', '=', messageId).where('to_number', '=', to).executeTakeFirst();
    return r && msg(r);
  }

  async list(f: SmsListFilter) {
    let q = this.db.selectFrom('sms_messages').selectAll();
    if (f.orgIds) q = f.orgIds.length ? q.where('org_id', 'in', f.orgIds) : q.where(sql<boolean>`1 = 0`);
    if (f.accountId !== undefined) q = q.where('account_id', '=', f.accountId);
    if (f.status) q = q.where('status', '=', f.status);
    if (f.batchId) q = q.where('batch_id', '=', f.batchId);
    if (f.beforeId) q = q.where('id', '<', f.beforeId);
    return (await q.orderBy('id', 'desc').limit(f.limit).execute()).map(msg);
  }

  async claimDue(now: number, limit: number, leaseUntil: number, token: string) {
    const due = this.db
      .selectFrom('sms_messages')
      .select('id')
      .where('status', '=', 'queued')
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .limit(limit);
    await this.db
      .updateTable('sms_messages')
      .set({ next_attempt_at: leaseUntil, claim_token: token })
      .where('id', 'in', due)
      .where('status', '=', 'queued')
      .where('next_attempt_at', '<=', now)
      .execute();
    return (await this.db.selectFrom('sms_messages').selectAll().where('claim_token', '=', token).where('status', '=', 'queued').orderBy('id').execute()).map(msg);
  }

  async recordOutcome(id: number, token: string, o: SmsOutcome) {
    const res = await this.db
      .updateTable('sms_messages')
      .set({ status: o.status, attempts: o.attempts, next_attempt_at: o.nextAttemptAt, last_error: o.lastError, sent_at: o.sentAt, finished_at: o.finishedAt, claim_token: null })
      .where('id', '=', id)
      .where('claim_token', '=', token)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async addSmscIds(smsId: number, ids: readonly string[]) {
    if (!ids.length) return;
    await this.db
      .insertInto('sms_smsc_ids')
      .values(ids.map((smsc_id, part) => ({ smsc_id, sms_id: smsId, part, state: null })))
      .onConflict((oc) => oc.column('smsc_id').doNothing())
      .execute();
  }

  async partReceipt(smscId: string, state: string) {
    const row = await this.db.selectFrom('sms_smsc_ids').select('sms_id').where('smsc_id', '=', smscId).executeTakeFirst();
    if (!row) return undefined;
    await this.db.updateTable('sms_smsc_ids').set({ state }).where('smsc_id', '=', smscId).where('state', 'is', null).execute();
    return Number(row.sms_id);
  }

  async partStates(smsId: number) {
    const rows = await this.db.selectFrom('sms_smsc_ids').select('state').where('sms_id', '=', smsId).orderBy('part').execute();
    return rows.map((r) => r.state);
  }

  async finish(id: number, status: string, deliveredParts: number, lastError: string | null, at: number | null) {
    await this.db.updateTable('sms_messages').set({ status, delivered_parts: deliveredParts, last_error: lastError, finished_at: at }).where('id', '=', id).execute();
  }

  async cancel(id: number, at: number) {
    const res = await this.db.updateTable('sms_messages').set({ status: 'cancelled', finished_at: at }).where('id', '=', id).where('status', '=', 'queued').where('claim_token', 'is', null).executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async latestTo(number: string, since: number) {
    const r = await this.db
      .selectFrom('sms_messages')
      .selectAll()
      .where('to_number', '=', number)
      .where('created_at', '>=', since)
      .where('status', 'in', ['sent', 'delivered'])
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r && msg(r);
  }

  async optOut(orgId: number, number: string, source: string) {
    await this.db
      .insertInto('sms_optouts')
      .values({ org_id: orgId, number, created_at: Date.now(), source })
      .onConflict((oc) => oc.columns(['org_id', 'number']).doNothing())
      .execute();
  }

  async optIn(orgId: number, number: string) {
    const res = await this.db.deleteFrom('sms_optouts').where('org_id', '=', orgId).where('number', '=', number).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  async isOptedOut(orgId: number, number: string) {
    return !!(await this.db.selectFrom('sms_optouts').select('number').where('org_id', '=', orgId).where('number', '=', number).executeTakeFirst());
  }

  async optOuts(orgId: number, limit: number) {
    const rows = await this.db.selectFrom('sms_optouts').selectAll().where('org_id', '=', orgId).orderBy('created_at', 'desc').limit(limit).execute();
    return rows.map((r) => ({ number: r.number, createdAt: Number(r.created_at), source: r.source }));
  }

  async chargeMonth(orgId: number, month: string, parts: number, cap: number) {
    await this.db
      .insertInto('sms_usage_monthly')
      .values({ org_id: orgId, month, parts: 0 })
      .onConflict((oc) => oc.columns(['org_id', 'month']).doNothing())
      .execute();
    let q = this.db
      .updateTable('sms_usage_monthly')
      .set({ parts: sql<number>`parts + ${parts}` })
      .where('org_id', '=', orgId)
      .where('month', '=', month);
    if (cap > 0) q = q.where(sql<boolean>`parts + ${parts} <= ${cap}`);
    const res = await q.executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async monthUsage(orgId: number, month: string) {
    const r = await this.db.selectFrom('sms_usage_monthly').select('parts').where('org_id', '=', orgId).where('month', '=', month).executeTakeFirst();
    return r ? Number(r.parts) : 0;
  }

  async addDaily(orgId: number, day: string, messages: number, parts: number) {
    await this.db
      .insertInto('sms_usage_daily')
      .values({ org_id: orgId, day, messages, parts })
      .onConflict((oc) => oc.columns(['org_id', 'day']).doUpdateSet({ messages: sql<number>`sms_usage_daily.messages + ${messages}`, parts: sql<number>`sms_usage_daily.parts + ${parts}` }))
      .execute();
  }

  async daily(orgIds: number[] | null, sinceDay: string) {
    let q = this.db.selectFrom('sms_usage_daily').selectAll().where('day', '>=', sinceDay);
    if (orgIds) q = orgIds.length ? q.where('org_id', 'in', orgIds) : q.where(sql<boolean>`1 = 0`);
    const rows = await q.orderBy('day').orderBy('org_id').execute();
    return rows.map((r) => ({ orgId: Number(r.org_id), day: r.day, messages: Number(r.messages), parts: Number(r.parts) }));
  }

  async addInboundPart(p: { key: string; seq: number; total: number; from: string; to: string; body: string; receivedAt: number }, expireBefore: number) {
    await this.db.deleteFrom('sms_inbound_parts').where('received_at', '<', expireBefore).execute();
    await this.db
      .insertInto('sms_inbound_parts')
      .values({ message_key: p.key, seq: p.seq, total: p.total, from_number: p.from, to_address: p.to, body: p.body, received_at: p.receivedAt })
      .onConflict((oc) => oc.columns(['message_key', 'seq']).doUpdateSet({ body: p.body, received_at: p.receivedAt }))
      .execute();
    const parts = await this.db.selectFrom('sms_inbound_parts').select(['seq', 'body']).where('message_key', '=', p.key).orderBy('seq').execute();
    if (parts.length < p.total) return null;
    return parts.map((r) => ({ seq: Number(r.seq), body: r.body }));
  }

  async dropInboundParts(key: string) {
    await this.db.deleteFrom('sms_inbound_parts').where('message_key', '=', key).execute();
  }

  async insertInbound(m: { from: string; to: string; body: string; receivedAt: number; orgId: number | null; smsId: number | null; action: string }) {
    const r = await this.db
      .insertInto('sms_inbound')
      .values({ from_number: m.from, to_address: m.to, body: m.body, received_at: m.receivedAt, org_id: m.orgId, sms_id: m.smsId, action: m.action })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(r.id);
  }

  async reminder(uid: string, occurrence: string, offsetMinutes: number) {
    const r = await this.db.selectFrom('sms_reminders').selectAll().where('event_uid', '=', uid).where('occurrence', '=', occurrence).where('offset_minutes', '=', offsetMinutes).executeTakeFirst();
    return r && rem(r);
  }

  async remindersOf(uid: string) {
    return (await this.db.selectFrom('sms_reminders').selectAll().where('event_uid', '=', uid).orderBy('occurrence').orderBy('offset_minutes', 'desc').execute()).map(rem);
  }

  async insertReminder(r: NewReminder) {
    const res = await this.db
      .insertInto('sms_reminders')
      .values({
        event_uid: r.eventUid,
        occurrence: r.occurrence,
        offset_minutes: r.offsetMinutes,
        org_id: r.orgId,
        to_number: r.to,
        send_at: r.sendAt,
        appointment_start: r.appointmentStart,
        status: 'pending',
        sms_id: null,
        owner_account_id: r.ownerAccountId,
        fields_json: r.fieldsJson,
        updated_at: Date.now(),
      })
      .onConflict((oc) => oc.columns(['event_uid', 'occurrence', 'offset_minutes']).doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  /** The one reminder row of (uid, occurrence, offset), if it has `status`. */
  private pending(uid: string, occurrence: string, offsetMinutes: number, status = 'pending') {
    return this.db.updateTable('sms_reminders').where('event_uid', '=', uid).where('occurrence', '=', occurrence).where('offset_minutes', '=', offsetMinutes).where('status', '=', status);
  }

  async reviveReminder(uid: string, occurrence: string, offsetMinutes: number, p: { sendAt: number; appointmentStart: number; to: string; fieldsJson: string }) {
    const res = await this.pending(uid, occurrence, offsetMinutes, 'cancelled')
      .set({ status: 'pending', send_at: p.sendAt, appointment_start: p.appointmentStart, to_number: p.to, fields_json: p.fieldsJson, updated_at: Date.now() })
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async updatePendingReminder(uid: string, occurrence: string, offsetMinutes: number, p: { sendAt?: number; appointmentStart?: number; to?: string; fieldsJson?: string; status?: string }) {
    const res = await this.pending(uid, occurrence, offsetMinutes)
      .set({
        ...(p.sendAt !== undefined ? { send_at: p.sendAt } : {}),
        ...(p.appointmentStart !== undefined ? { appointment_start: p.appointmentStart } : {}),
        ...(p.to !== undefined ? { to_number: p.to } : {}),
        ...(p.fieldsJson !== undefined ? { fields_json: p.fieldsJson } : {}),
        ...(p.status !== undefined ? { status: p.status } : {}),
        updated_at: Date.now(),
      })
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async dueReminders(now: number, limit: number) {
    return (await this.db.selectFrom('sms_reminders').selectAll().where('status', '=', 'pending').where('send_at', '<=', now).orderBy('send_at').limit(limit).execute()).map(rem);
  }

  async pendingReminders(from: number, to: number, limit: number) {
    return (await this.db.selectFrom('sms_reminders').selectAll().where('status', '=', 'pending').where('appointment_start', '>=', from).where('appointment_start', '<', to).orderBy('appointment_start').limit(limit).execute()).map(rem);
  }

  async markReminderQueued(uid: string, occurrence: string, offsetMinutes: number, smsId: number) {
    const res = await this.pending(uid, occurrence, offsetMinutes).set({ status: 'queued', sms_id: smsId, updated_at: Date.now() }).executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }
}
