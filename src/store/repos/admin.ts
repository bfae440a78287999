import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema/tables.js';
import type { AdminRepo } from '../types.js';

const DAY_MS = 86_400_000;

export class KyselyAdminRepo implements AdminRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async accountCounts(orgIds: readonly number[] | null) {
    let q = this.db
      .selectFrom('accounts')
      .select((eb) => ['org_id', 'status', eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('used_bytes').as('used'), eb.fn.sum<number>('quota_bytes').as('quota')])
      .where('status', '!=', 'purged')
      .groupBy(['org_id', 'status']);
    if (orgIds) q = orgIds.length ? q.where('org_id', 'in', [...orgIds]) : q.where('id', '<', 0);
    const rows = await q.execute();
    return rows.map((r) => ({ orgId: Number(r.org_id), status: r.status, count: Number(r.n), usedBytes: Number(r.used ?? 0), quotaBytes: Number(r.quota ?? 0) }));
  }

  async mailPerDay(orgIds: readonly number[] | null, since: number) {
    // Integer division of the millisecond timestamp gives the UTC day number on both engines.
    const dayNo = sql<number>`(messages.internal_date / ${sql.lit(DAY_MS)})`;
    // (a literal, not a parameter: PostgreSQL matches GROUP BY expressions textually)
    let q = this.db
      .selectFrom('messages')
      .innerJoin('mailboxes', 'mailboxes.id', 'messages.mailbox_id')
      .innerJoin('accounts', 'accounts.id', 'mailboxes.account_id')
      .select((eb) => [dayNo.as('day'), 'accounts.org_id', eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('messages.size').as('bytes')])
      .where('messages.internal_date', '>=', since)
      .groupBy([dayNo, 'accounts.org_id']);
    if (orgIds) q = orgIds.length ? q.where('accounts.org_id', 'in', [...orgIds]) : q.where('accounts.id', '<', 0);
    const rows = await q.execute();
    return rows.map((r) => ({ day: new Date(Math.floor(Number(r.day)) * DAY_MS).toISOString().slice(0, 10), orgId: Number(r.org_id), messages: Number(r.n), bytes: Number(r.bytes ?? 0) }));
  }

  dueForPurge(now: number, limit: number) {
    return this.db.selectFrom('accounts').selectAll().where('status', '=', 'deleted').where('purge_after', '<=', now).orderBy('purge_after').limit(limit).execute();
  }

  async purgeAccountData(accountId: number) {
    const id = accountId;
    await this.db.deleteFrom('sessions').where('account_id', '=', id).execute();
    await this.db.deleteFrom('credentials').where('account_id', '=', id).execute();
    await this.db.deleteFrom('mfa').where('account_id', '=', id).execute();
    await this.db.deleteFrom('admin_scopes').where('account_id', '=', id).execute();
    await this.db.deleteFrom('aliases').where('account_id', '=', id).execute();
    await this.db.deleteFrom('send_grants').where((eb) => eb.or([eb('owner_account_id', '=', id), eb('grantee_account_id', '=', id)])).execute();
    await this.db.deleteFrom('calendar_acl').where('grantee_account_id', '=', id).execute();
    await this.db.deleteFrom('mailbox_acl').where('grantee_account_id', '=', id).execute();
    await this.db.deleteFrom('shared_subscriptions').where('account_id', '=', id).execute();
    await this.db.deleteFrom('mail_settings').where('account_id', '=', id).execute();
    await this.db.deleteFrom('vacation_replies').where('account_id', '=', id).execute();
  }
}
