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

export interface AuditFilter {
  orgIds: number[] | null;
  limit: number;
  since?: number;
  until?: number;
  /** A prefix of the action ("account." for every account action). */
  action?: string;
  target?: string;
}

/** The log as CSV (RFC 4180), for people who keep it elsewhere. */
export function auditCsv(items: AuditItem[]): string {
  const cell = (v: unknown) => `"${String(v ?? '').replace(/"/g, '""')}"`;
  const lines = ['at,actor,org_id,action,target,ip,detail'];
  for (const e of items) lines.push([e.at, cell(e.actor), e.orgId ?? '', cell(e.action), cell(e.target), cell(e.ip), cell(JSON.stringify(e.detail))].join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export class AuditService {
  constructor(private readonly store: Store) {}

  /** Newest first; `orgIds` null means every organisation (national administrators). */
  async list(filter: AuditFilter): Promise<AuditItem[]> {
    const { orgIds, ...rest } = filter;
    const rows = await this.store.audit.list({ ...(orgIds ? { orgIds } : {}), ...rest });
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
