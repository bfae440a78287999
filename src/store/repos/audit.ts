import type { Kysely } from 'kysely';
import type { Database } from '../schema/tables.js';
import type { AuditEntry, AuditRepo } from '../types.js';

export class KyselyAuditRepo implements AuditRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async append(e: AuditEntry) {
    await this.db
      .insertInto('audit_log')
      .values({
        at: e.at,
        actor: e.actor,
        actor_account_id: e.actorAccountId,
        org_id: e.orgId,
        action: e.action,
        target: e.target,
        ip: e.ip,
        detail: JSON.stringify(e.detail),
      })
      .execute();
  }

  list(filter: { orgId?: number; orgIds?: number[]; since?: number; until?: number; action?: string; target?: string; limit?: number }) {
    let q = this.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc');
    if (filter.orgId !== undefined) q = q.where('org_id', '=', filter.orgId);
    if (filter.orgIds !== undefined) q = filter.orgIds.length ? q.where('org_id', 'in', filter.orgIds) : q.where('id', '<', 0);
    if (filter.since !== undefined) q = q.where('at', '>=', filter.since);
    if (filter.until !== undefined) q = q.where('at', '<', filter.until);
    // A prefix match; callers pass only letters, dots and hyphens, so LIKE has no wildcard to escape.
    if (filter.action) q = q.where('action', 'like', `${filter.action}%`);
    if (filter.target) q = q.where('target', '=', filter.target);
    return q.limit(filter.limit ?? 100).execute();
  }
}
