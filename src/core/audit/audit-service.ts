/** Reading the audit log: filtered by organisations (an administrator's scope) for the API and portal. */
import type { Store } from '../../store/types.js';

export interface AuditItem {
  at: string;
  actor: string;
  orgId: number | null;
  action: string;
  target: string;
  ip: string | null;
  detail: Record<string, unknown>;
}

export class AuditService {
  constructor(private readonly store: Store) {}

  /** Newest first; `orgIds` null means every organisation (national administrators). */
  async list(filter: { orgIds: number[] | null; limit: number }): Promise<AuditItem[]> {
    const rows = await this.store.audit.list({ ...(filter.orgIds ? { orgIds: filter.orgIds } : {}), limit: filter.limit });
    return rows.map((r) => ({
      at: new Date(Number(r.at)).toISOString(),
      actor: r.actor,
      orgId: r.org_id === null ? null : Number(r.org_id),
      action: r.action,
      target: r.target,
      ip: r.ip,
      detail: JSON.parse(r.detail) as Record<string, unknown>,
    }));
  }
}
