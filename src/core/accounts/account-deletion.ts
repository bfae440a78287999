/**
 * Deleting an account with a retention period. Deletion is soft: the account stops signing in and
 * leaves the directory, but its row, address, mail and grants stay until `purge_after`, and an
 * administrator can restore it until then. The hourly sweeper (`purgeDue`) then purges it: mail
 * and folders go (blob references released for the blob sweeper), calendars go, credentials, sessions, grants
 * and aliases go, and the row stays as a tombstone under a reserved address so the audit trail
 * keeps meaning and the real address is free again.
 */
import type { Actor } from '../actor.js';
import { SYSTEM_ACTOR } from '../actor.js';
import { audit } from '../audit/audit-log.js';
import { accountSourceKey, syncAccountEntry } from '../directory/records.js';
import { conflict, invalid } from '../errors.js';
import type { EventBus } from '../events/bus.js';
import { releaseMailbox } from '../mail/release-mailbox.js';
import type { Store } from '../../store/types.js';
import type { Account, AccountService } from './account-service.js';

export const DEFAULT_RETENTION_DAYS = 30;
export const MAX_RETENTION_DAYS = 3650;
const DAY_MS = 86_400_000;

export class AccountDeletion {
  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly accounts: AccountService,
  ) {}

  /** Soft-deletes; the mail is kept for `retentionDays` (0: purged at the next sweep). */
  async delete(address: string, retentionDays: number, actor: Actor, now = Date.now()): Promise<Account> {
    if (!Number.isInteger(retentionDays) || retentionDays < 0 || retentionDays > MAX_RETENTION_DAYS) throw invalid(`retention must be a whole number of days from 0 to ${MAX_RETENTION_DAYS}`, { field: 'retentionDays' });
    const acct = await this.accounts.require(address);
    if (acct.status === 'deleted') throw conflict(`${acct.address} is already deleted`);
    const purgeAfter = now + retentionDays * DAY_MS;
    let removedEntry: number | undefined;
    await this.store.transaction(async (tx) => {
      await tx.accounts.update(acct.id, { status: 'deleted', deletedAt: now, purgeAfter });
      await tx.auth.deleteSessionsOf(acct.id);
      removedEntry = await tx.directory.remove(accountSourceKey(acct.id));
      await audit(tx, actor, { action: 'account.delete', target: acct.address, orgId: acct.org_id, detail: { retentionDays, purgeAfter: new Date(purgeAfter).toISOString(), previousStatus: acct.status } });
    });
    if (removedEntry !== undefined) await this.bus.publish({ type: 'directory.changed', ids: [removedEntry] });
    await this.bus.publish({ type: 'account.deleted', accountId: acct.id, orgId: acct.org_id, address: acct.address, purgeAfter });
    return this.accounts.show(acct.address);
  }

  /** Lifts a suspension, or brings back a deleted account whose retention has not ended. */
  async restore(address: string, actor: Actor, now = Date.now()): Promise<Account> {
    const acct = await this.accounts.require(address);
    if (acct.status !== 'deleted') return this.accounts.setStatus(acct.address, 'active', actor);
    if (acct.purge_after !== null && Number(acct.purge_after) <= now) throw conflict(`the retention period of ${acct.address} has ended; it is being purged and cannot be restored`);
    await this.store.transaction(async (tx) => {
      await tx.accounts.update(acct.id, { status: 'active', deletedAt: null, purgeAfter: null });
      const restored = await tx.accounts.byId(acct.id);
      if (restored) await syncAccountEntry(tx.directory, restored);
      await audit(tx, actor, { action: 'account.undelete', target: acct.address, orgId: acct.org_id });
    });
    await this.bus.publish({ type: 'account.updated', accountId: acct.id, orgId: acct.org_id, fields: ['status'] });
    await this.bus.publish({ type: 'account.restored', accountId: acct.id, orgId: acct.org_id, address: acct.address });
    return this.accounts.show(acct.address);
  }

  /** Purges every deleted account whose retention ended by `now`; returns their addresses. */
  async purgeDue(now = Date.now(), actor: Actor = SYSTEM_ACTOR): Promise<string[]> {
    const purged: string[] = [];
    for (;;) {
      const due = await this.store.admin.dueForPurge(now, 50);
      if (!due.length) break;
      for (const acct of due) {
        // One transaction per account: a failure leaves that account deleted (retried next sweep), never half purged.
        await this.store.transaction(async (tx) => {
          for (const m of await tx.mailboxes.list(acct.id)) await releaseMailbox(tx, m.id, acct.id);
          for (const c of await tx.calendar.list(acct.id)) await tx.calendar.removeTree(acct.id, c.path);
          await tx.admin.purgeAccountData(acct.id);
          await tx.accounts.update(acct.id, { status: 'purged', address: `purged-${acct.id}-${now}@purged.invalid`, passwordHash: null });
          await audit(tx, actor, { action: 'account.purge', target: acct.address, orgId: acct.org_id });
        });
        await this.bus.publish({ type: 'account.purged', accountId: acct.id, orgId: acct.org_id, address: acct.address });
        purged.push(acct.address);
      }
    }
    return purged;
  }
}
