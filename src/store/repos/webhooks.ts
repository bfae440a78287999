import type { Kysely } from 'kysely';
import type { Database } from '../schema/tables.js';
import type { NewWebhook, WebhookRepo } from '../types.js';

export class KyselyWebhookRepo implements WebhookRepo {
  constructor(private readonly db: Kysely<Database>) {}

  create(w: NewWebhook) {
    return this.db
      .insertInto('webhooks')
      .values({ org_id: w.orgId, url: w.url, secret: w.secret, events: JSON.stringify(w.events), active: 1, created_by: w.createdBy, created_at: Date.now() })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  byId(id: number) {
    return this.db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
  }

  list(orgIds: readonly number[] | null) {
    let q = this.db.selectFrom('webhooks').selectAll().orderBy('id');
    if (orgIds) q = orgIds.length ? q.where('org_id', 'in', [...orgIds]) : q.where('id', '<', 0);
    return q.execute();
  }

  async remove(id: number) {
    await this.db.deleteFrom('webhook_deliveries').where('webhook_id', '=', id).execute();
    await this.db.deleteFrom('webhooks').where('id', '=', id).execute();
  }

  async enqueue(items: { webhookId: number; event: string; payload: string; at: number }[]) {
    const ids: number[] = [];
    for (const it of items) {
      const row = await this.db
        .insertInto('webhook_deliveries')
        .values({ webhook_id: it.webhookId, event: it.event, payload: it.payload, status: 'pending', attempts: 0, next_attempt_at: it.at, last_status: null, last_error: null, created_at: it.at, finished_at: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids.push(Number(row.id));
    }
    return ids;
  }

  delivery(id: number) {
    return this.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
  }

  due(now: number, limit: number) {
    return this.db.selectFrom('webhook_deliveries').selectAll().where('status', '=', 'pending').where('next_attempt_at', '<=', now).orderBy('next_attempt_at').limit(limit).execute();
  }

  async nextDue() {
    const row = await this.db.selectFrom('webhook_deliveries').select((eb) => eb.fn.min<number>('next_attempt_at').as('at')).where('status', '=', 'pending').executeTakeFirst();
    return row?.at === null || row?.at === undefined ? undefined : Number(row.at);
  }

  async claim(id: number, expectedNextAttemptAt: number, leaseUntil: number) {
    const res = await this.db
      .updateTable('webhook_deliveries')
      .set({ next_attempt_at: leaseUntil })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '=', expectedNextAttemptAt)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async recordAttempt(id: number, a: { status: 'pending' | 'delivered' | 'failed'; attempts: number; nextAttemptAt: number; lastStatus: number | null; lastError: string | null; finishedAt: number | null }) {
    await this.db
      .updateTable('webhook_deliveries')
      .set({ status: a.status, attempts: a.attempts, next_attempt_at: a.nextAttemptAt, last_status: a.lastStatus, last_error: a.lastError, finished_at: a.finishedAt })
      .where('id', '=', id)
      .execute();
  }

  deliveries(webhookId: number, limit: number) {
    return this.db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId).orderBy('id', 'desc').limit(limit).execute();
  }
}
