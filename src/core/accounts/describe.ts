/**
 * Account rows to the Account shape the API and portal use. Lists describe all their rows with
 * one read of organisations and one of aliases (no query per row).
 */
import type { AccountRow, OrgRow, Store } from '../../store/types.js';
import type { Account } from './account-service.js';

/** Describes rows in order; `orgs` may be a cached tree's rows (organisations are read once). */
export async function describeAccounts(store: Store, rows: readonly AccountRow[], orgs?: ReadonlyMap<number, OrgRow>): Promise<Account[]> {
  if (!rows.length) return [];
  const orgById = orgs ?? new Map((rows.length === 1 ? [await store.orgs.byId(rows[0]!.org_id)].filter((o) => !!o) : await store.orgs.list()).map((o) => [Number(o.id), o]));
  const aliases = await store.accounts.aliasesOf(rows.map((r) => r.id));
  return rows.map((row) => {
    const org = orgById.get(Number(row.org_id));
    return {
      id: row.id,
      kind: row.kind,
      address: row.address,
      aliases: aliases.get(row.id) ?? [],
      displayName: row.display_name,
      givenName: row.given_name,
      familyName: row.family_name,
      jobTitle: row.job_title,
      mobile: row.mobile,
      role: row.role,
      org: { id: Number(row.org_id), slug: org?.slug ?? '', name: org?.name ?? '' },
      quotaBytes: Number(row.quota_bytes),
      usedBytes: Number(row.used_bytes),
      status: row.status,
      mustChangePassword: row.must_change_password === 1,
      createdAt: new Date(Number(row.created_at)).toISOString(),
      deletedAt: row.deleted_at === null ? null : new Date(Number(row.deleted_at)).toISOString(),
      purgeAfter: row.purge_after === null ? null : new Date(Number(row.purge_after)).toISOString(),
    };
  });
}
