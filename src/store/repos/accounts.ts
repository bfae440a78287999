import { sql, type Kysely, type Updateable } from 'kysely';
import type { AccountsTable, Database } from '../schema/tables.js';
import type { AccountPatch, AccountRepo, NewAccount } from '../types.js';

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

  byAddress(address: string) {
    return this.db.selectFrom('accounts').selectAll().where('address', '=', address).executeTakeFirst();
  }

  async resolve(address: string) {
    const direct = await this.byAddress(address);
    if (direct) return direct;
    return this.db
      .selectFrom('aliases')
      .innerJoin('accounts', 'accounts.id', 'aliases.account_id')
      .selectAll('accounts')
      .where('aliases.address', '=', address)
      .executeTakeFirst();
  }

  list(filter: { orgId?: number; limit?: number; offset?: number }) {
    let q = this.db.selectFrom('accounts').selectAll().orderBy('address');
    if (filter.orgId !== undefined) q = q.where('org_id', '=', filter.orgId);
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
    await this.db.updateTable('accounts').set(set).where('id', '=', id).execute();
  }

  async addAlias(accountId: number, address: string) {
    await this.db.insertInto('aliases').values({ address, account_id: accountId, created_at: Date.now() }).execute();
  }

  async aliases(accountId: number) {
    const rows = await this.db.selectFrom('aliases').select('address').where('account_id', '=', accountId).orderBy('address').execute();
    return rows.map((r) => r.address);
  }

  async reserveQuota(accountId: number, bytes: number) {
    // One conditional UPDATE: atomic on both engines and row-locking on PostgreSQL, so two
    // concurrent deliveries cannot both squeeze under the same limit.
    const res = await this.db
      .updateTable('accounts')
      .set({ used_bytes: sql`used_bytes + ${bytes}` })
      .where('id', '=', accountId)
      .where((eb) => eb.or([eb('quota_bytes', '=', 0), eb(sql`used_bytes + ${bytes}`, '<=', eb.ref('quota_bytes'))]))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }
}
