import { sql, type Kysely, type Updateable } from 'kysely';
import type { AccountsTable, Database } from '../schema/tables.js';
import type { AccountPatch, AccountRepo, NewAccount } from '../types.js';
import { prepared } from '../prepared.js';

// Run on every delivery and RCPT: compiled once (see prepared.ts).
const BY_ADDRESS = prepared((db, address: string) => db.selectFrom('accounts').selectAll().where('address', '=', address));
const BY_ALIAS = prepared((db, address: string) =>
  db.selectFrom('aliases').innerJoin('accounts', 'accounts.id', 'aliases.account_id').selectAll('accounts').where('aliases.address', '=', address),
);
// One conditional UPDATE: atomic on both engines and row-locking on PostgreSQL, so two
// concurrent deliveries cannot both squeeze under the same limit.
const RESERVE_QUOTA = prepared((db, accountId: number, bytes: number) =>
  db
    .updateTable('accounts')
    .set({ used_bytes: sql`used_bytes + ${bytes}` })
    .where('id', '=', accountId)
    .where((eb) => eb.or([eb('quota_bytes', '=', 0), eb(sql`used_bytes + ${bytes}`, '<=', eb.ref('quota_bytes'))])),
);

export class KyselyAccountRepo implements AccountRepo {
  constructor(private readonly db: Kysely<Database>) {}

  insert(a: NewAccount) {
    const now = Date.now();
    return this.db
      .insertInto('accounts')
      .values({
        org_id: a.orgId,
        address: a.address,
        display_name: a.displayName,
        given_name: a.givenName,
        family_name: a.familyName,
        job_title: a.jobTitle,
        mobile: a.mobile,
        role: a.role,
        quota_bytes: a.quotaBytes,
        used_bytes: 0,
        status: 'active',
        password_hash: a.passwordHash,
        must_change_password: a.mustChangePassword ? 1 : 0,
        kind: a.kind ?? 'person',
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  byId(id: number) {
    return this.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async byAddress(address: string) {
    return (await BY_ADDRESS.run(this.db, address)).rows[0];
  }

  async resolve(address: string) {
    const direct = await this.byAddress(address);
    if (direct) return direct;
    return (await BY_ALIAS.run(this.db, address)).rows[0];
  }

  list(filter: { orgId?: number; orgIds?: readonly number[]; limit?: number; offset?: number }) {
    let q = this.db.selectFrom('accounts').selectAll().orderBy('address');
    if (filter.orgId !== undefined) q = q.where('org_id', '=', filter.orgId);
    if (filter.orgIds !== undefined) q = filter.orgIds.length ? q.where('org_id', 'in', [...filter.orgIds]) : q.where('id', '<', 0);
    if (filter.limit !== undefined) q = q.limit(filter.limit).offset(filter.offset ?? 0);
    return q.execute();
  }

  async update(id: number, patch: AccountPatch) {
    const set: Updateable<AccountsTable> = { updated_at: Date.now() };
    if (patch.displayName !== undefined) set.display_name = patch.displayName;
    if (patch.givenName !== undefined) set.given_name = patch.givenName;
    if (patch.familyName !== undefined) set.family_name = patch.familyName;
    if (patch.jobTitle !== undefined) set.job_title = patch.jobTitle;
    if (patch.mobile !== undefined) set.mobile = patch.mobile;
    if (patch.role !== undefined) set.role = patch.role;
    if (patch.quotaBytes !== undefined) set.quota_bytes = patch.quotaBytes;
    if (patch.status !== undefined) set.status = patch.status;
    if (patch.passwordHash !== undefined) set.password_hash = patch.passwordHash;
    if (patch.mustChangePassword !== undefined) set.must_change_password = patch.mustChangePassword ? 1 : 0;
    if (patch.orgId !== undefined) set.org_id = patch.orgId;
    if (patch.deletedAt !== undefined) set.deleted_at = patch.deletedAt;
    if (patch.purgeAfter !== undefined) set.purge_after = patch.purgeAfter;
    if (patch.address !== undefined) set.address = patch.address;
    await this.db.updateTable('accounts').set(set).where('id', '=', id).execute();
  }

  async addAlias(accountId: number, address: string) {
    await this.db.insertInto('aliases').values({ address, account_id: accountId, created_at: Date.now() }).execute();
  }

  async aliases(accountId: number) {
    const rows = await this.db.selectFrom('aliases').select('address').where('account_id', '=', accountId).orderBy('address').execute();
    return rows.map((r) => r.address);
  }

  async aliasesOf(accountIds: readonly number[]) {
    const out = new Map<number, string[]>();
    // Chunked so a large organisation stays under the engines' bound-parameter limits.
    for (let i = 0; i < accountIds.length; i += 500) {
      const rows = await this.db
        .selectFrom('aliases')
        .select(['account_id', 'address'])
        .where('account_id', 'in', accountIds.slice(i, i + 500))
        .orderBy('address')
        .execute();
      for (const r of rows) out.set(Number(r.account_id), [...(out.get(Number(r.account_id)) ?? []), r.address]);
    }
    return out;
  }

  async removeAlias(address: string) {
    const res = await this.db.deleteFrom('aliases').where('address', '=', address).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }

  async reserveQuota(accountId: number, bytes: number) {
    const res = await RESERVE_QUOTA.run(this.db, accountId, bytes);
    return Number(res.numAffectedRows) === 1;
  }
}
