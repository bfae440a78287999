import type { Kysely } from 'kysely';
import type { Database, DkimKeyRow } from '../schema/tables.js';
import type { NewQueueItem, QueueAttempt, TransportRepo } from '../types.js';

const num = <T extends Record<string, unknown>>(r: T, keys: (keyof T)[]): T => {
  const out = { ...r };
  for (const k of keys) if (out[k] !== null && out[k] !== undefined) (out as Record<keyof T, unknown>)[k] = Number(out[k]);
  return out;
};
const QUEUE_NUMS = ['id', 'size', 'sender_account_id', 'attempts', 'next_attempt_at', 'last_attempt_at', 'created_at', 'expires_at', 'finished_at'] as const;

export class KyselyTransportRepo implements TransportRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async enqueue(items: NewQueueItem[]) {
    const ids: number[] = [];
    const now = Date.now();
    for (const i of items) {
      const row = await this.db
        .insertInto('outbound_queue')
        .values({
          message_key: i.messageKey,
          blob_hash: i.blobHash,
          size: i.size,
          sender: i.sender,
          sender_account_id: i.senderAccountId,
          recipient: i.recipient,
          domain: i.domain,
          dkim_domain: i.dkimDomain,
          status: 'queued',
          attempts: 0,
          next_attempt_at: i.nextAttemptAt,
          created_at: now,
          expires_at: i.expiresAt,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids.push(Number(row.id));
    }
    return ids;
  }

  async due(now: number, limit: number) {
    const rows = await this.db
      .selectFrom('outbound_queue')
      .selectAll()
      .where('status', '=', 'queued')
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => num(r, [...QUEUE_NUMS]));
  }

  async claim(id: number, expected: number, leaseUntil: number) {
    const res = await this.db
      .updateTable('outbound_queue')
      .set({ next_attempt_at: leaseUntil })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .where('next_attempt_at', '=', expected)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async recordAttempt(id: number, a: QueueAttempt & { lastAttemptAt: number }) {
    await this.db
      .updateTable('outbound_queue')
      .set({
        status: a.status,
        attempts: a.attempts,
        next_attempt_at: a.nextAttemptAt,
        last_attempt_at: a.lastAttemptAt,
        last_error: a.lastError,
        remote_host: a.remoteHost,
        finished_at: a.finishedAt,
      })
      .where('id', '=', id)
      .execute();
  }

  async queueItem(id: number) {
    const r = await this.db.selectFrom('outbound_queue').selectAll().where('id', '=', id).executeTakeFirst();
    return r && num(r, [...QUEUE_NUMS]);
  }

  async listQueue(filter: { status?: string; limit?: number }) {
    let q = this.db.selectFrom('outbound_queue').selectAll();
    if (filter.status) q = q.where('status', '=', filter.status);
    const rows = await q.orderBy('id').limit(filter.limit ?? 1000).execute();
    return rows.map((r) => num(r, [...QUEUE_NUMS]));
  }

  async retryNow(id: number, now: number) {
    const res = await this.db.updateTable('outbound_queue').set({ next_attempt_at: now }).where('id', '=', id).where('status', '=', 'queued').executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async dkimKey(domain: string) {
    const r = await this.db.selectFrom('dkim_keys').selectAll().where('domain', '=', domain).executeTakeFirst();
    return r && { ...r, created_at: Number(r.created_at) };
  }

  async putDkimKey(k: DkimKeyRow) {
    await this.db.insertInto('dkim_keys').values(k).onConflict((oc) => oc.column('domain').doNothing()).execute();
  }

  async list(address: string) {
    const r = await this.db.selectFrom('distribution_lists').selectAll().where('address', '=', address).executeTakeFirst();
    return r && { address: r.address, orgId: Number(r.org_id), name: r.name };
  }

  async listMembers(address: string) {
    const rows = await this.db.selectFrom('distribution_list_members').select('member').where('list_address', '=', address).orderBy('member').execute();
    return rows.map((r) => r.member);
  }

  async createList(address: string, orgId: number, name: string) {
    await this.db.insertInto('distribution_lists').values({ address, org_id: orgId, name, created_at: Date.now() }).execute();
  }

  async addListMember(address: string, member: string) {
    await this.db
      .insertInto('distribution_list_members')
      .values({ list_address: address, member, created_at: Date.now() })
      .onConflict((oc) => oc.columns(['list_address', 'member']).doNothing())
      .execute();
  }

  async removeListMember(address: string, member: string) {
    const res = await this.db.deleteFrom('distribution_list_members').where('list_address', '=', address).where('member', '=', member).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  async lists(orgIds: readonly number[] | null) {
    let q = this.db
      .selectFrom('distribution_lists')
      .leftJoin('distribution_list_members', 'distribution_list_members.list_address', 'distribution_lists.address')
      .select((eb) => ['distribution_lists.address', 'distribution_lists.org_id', 'distribution_lists.name', eb.fn.count<number>('distribution_list_members.member').as('members')])
      .groupBy(['distribution_lists.address', 'distribution_lists.org_id', 'distribution_lists.name'])
      .orderBy('distribution_lists.address');
    if (orgIds) q = orgIds.length ? q.where('distribution_lists.org_id', 'in', [...orgIds]) : q.where('distribution_lists.address', '=', '');
    const rows = await q.execute();
    return rows.map((r) => ({ address: r.address, orgId: Number(r.org_id), name: r.name, members: Number(r.members) }));
  }

  async deleteList(address: string) {
    await this.db.deleteFrom('distribution_list_members').where('list_address', '=', address).execute();
    await this.db.deleteFrom('distribution_lists').where('address', '=', address).execute();
  }
}
