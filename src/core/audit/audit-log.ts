/**
 * Writes audit entries. Called inside the same transaction as the change it records, so a change
 * and its audit line commit together or not at all.
 */
import type { Actor } from '../actor.js';
import type { Repos } from '../../store/types.js';

export interface AuditRecord {
  action: string;
  target: string;
  orgId: number | null;
  detail?: Record<string, unknown>;
}

export async function audit(tx: Pick<Repos, 'audit'>, actor: Actor, rec: AuditRecord): Promise<void> {
  await tx.audit.append({
    at: Date.now(),
    actor: actor.label,
    actorAccountId: actor.accountId,
    orgId: rec.orgId,
    action: rec.action,
    target: rec.target,
    ip: actor.ip,
    detail: rec.detail ?? {},
  });
}
