import type { Kysely } from 'kysely';
import type { Database } from '../schema/tables.js';
import type { AuthRepo } from '../types.js';

export class KyselyAuthRepo implements AuthRepo {
  constructor(private readonly db: Kysely<Database>) {}

  failures(key: string) {
    return this.db.selectFrom('auth_failures').selectAll().where('key', '=', key).executeTakeFirst();
  }

  async recordFailure(key: string, now: number, lockedUntil: (failures: number) => number) {
    const row = await this.failures(key);
    const failures = (row?.failures ?? 0) + 1;
    const until = lockedUntil(failures);
    await this.db
      .insertInto('auth_failures')
      .values({ key, failures, last_at: now, locked_until: until })
      .onConflict((oc) => oc.column('key').doUpdateSet({ failures, last_at: now, locked_until: until }))
      .execute();
    return failures;
  }

  async clearFailures(key: string) {
    await this.db.deleteFrom('auth_failures').where('key', '=', key).execute();
  }

  async createSession(s: { tokenHash: string; accountId: number; csrf: string; mfaOk: boolean; ip: string | null; expiresAt: number }) {
    await this.db
      .insertInto('sessions')
      .values({ token_hash: s.tokenHash, account_id: s.accountId, csrf: s.csrf, mfa_ok: s.mfaOk ? 1 : 0, ip: s.ip, created_at: Date.now(), expires_at: s.expiresAt })
      .execute();
  }

  session(tokenHash: string) {
    return this.db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  }

  async deleteSession(tokenHash: string) {
    await this.db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
  }

  async deleteSessionsOf(accountId: number) {
    await this.db.deleteFrom('sessions').where('account_id', '=', accountId).execute();
  }

  async createCredential(c: { accountId: number; kind: string; name: string; secretHash: string; scopes: string }) {
    const row = await this.db
      .insertInto('credentials')
      .values({ account_id: c.accountId, kind: c.kind, name: c.name, secret_hash: c.secretHash, scopes: c.scopes, created_at: Date.now(), last_used_at: null, revoked_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  credentialByHash(secretHash: string) {
    return this.db.selectFrom('credentials').selectAll().where('secret_hash', '=', secretHash).where('revoked_at', 'is', null).executeTakeFirst();
  }

  credentials(accountId: number, kind: string) {
    return this.db.selectFrom('credentials').selectAll().where('account_id', '=', accountId).where('kind', '=', kind).orderBy('id').execute();
  }

  async touchCredential(id: number) {
    await this.db.updateTable('credentials').set({ last_used_at: Date.now() }).where('id', '=', id).execute();
  }

  async revokeCredential(id: number, accountId: number) {
    const r = await this.db.updateTable('credentials').set({ revoked_at: Date.now() }).where('id', '=', id).where('account_id', '=', accountId).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  mfa(accountId: number) {
    return this.db.selectFrom('mfa').selectAll().where('account_id', '=', accountId).executeTakeFirst();
  }

  async setMfa(accountId: number, m: { secret: string; enabledAt: number | null; recoveryHashes: string[] }) {
    const values = { account_id: accountId, secret: m.secret, enabled_at: m.enabledAt, recovery_hashes: JSON.stringify(m.recoveryHashes) };
    await this.db
      .insertInto('mfa')
      .values(values)
      .onConflict((oc) => oc.column('account_id').doUpdateSet({ secret: m.secret, enabled_at: m.enabledAt, recovery_hashes: values.recovery_hashes }))
      .execute();
  }

  async adminScopes(accountId: number) {
    const rows = await this.db.selectFrom('admin_scopes').select('org_id').where('account_id', '=', accountId).execute();
    return rows.map((r) => Number(r.org_id));
  }

  async setAdminScopes(accountId: number, orgIds: number[]) {
    await this.db.deleteFrom('admin_scopes').where('account_id', '=', accountId).execute();
    if (orgIds.length) await this.db.insertInto('admin_scopes').values(orgIds.map((org_id) => ({ account_id: accountId, org_id }))).execute();
  }

  async purgeExpiredSessions(now: number) {
    await this.db.deleteFrom('sessions').where('expires_at', '<', now).execute();
  }
}
