/**
 * Authorisation in one place. Every administrative action names what it touches; this decides.
 *   national-admin  everything;
 *   org-admin       everything of the organisation nodes it administers and all beneath them;
 *   helpdesk        read, and password resets / unlocks, within the same scope;
 *   user            only itself (own password, MFA, delegation of its own mailbox).
 * Admin roles must have two-step sign-in on (the session says whether its code was given).
 */
import type { Account } from '../accounts/account-service.js';
import { WardpostError } from '../errors.js';
import type { OrgService } from '../orgs/org-service.js';
import type { Store } from '../../store/types.js';

export type AdminAction = 'read' | 'write' | 'reset-password';

export interface Principal {
  account: Account;
  /** Organisation ids this principal administers (subtrees expanded); null = national. */
  scope: Set<number> | null;
  mfaOk: boolean;
}

export class AdminPolicy {
  constructor(
    private readonly store: Store,
    private readonly orgs: OrgService,
  ) {}

  async principal(account: Account, mfaOk: boolean): Promise<Principal> {
    if (account.role === 'national-admin') return { account, scope: null, mfaOk };
    if (account.role !== 'org-admin' && account.role !== 'helpdesk') return { account, scope: new Set(), mfaOk };
    // An admin administers the nodes granted to it, or by default its own organisation; always with all beneath.
    const roots = await this.store.auth.adminScopes(account.id);
    const scope = new Set<number>();
    for (const root of roots.length ? roots : [account.org.id]) for (const id of await this.orgs.subtreeIds(root)) scope.add(id);
    return { account, scope, mfaOk };
  }

  /** Throws forbidden unless `p` holds an administrative role at all. */
  assertAdmin(p: Principal): void {
    if (p.account.role === 'user') throw new WardpostError('forbidden', 'this needs an administrator of the organisation');
  }

  /** Throws forbidden unless `p` may do `action` to things of organisation `orgId`. */
  assertOrg(p: Principal, orgId: number, action: AdminAction): void {
    const role = p.account.role;
    this.assertAdmin(p);
    if (p.scope !== null && !p.scope.has(orgId)) throw new WardpostError('forbidden', 'that belongs to an organisation you do not administer');
    if (role === 'helpdesk' && action === 'write') throw new WardpostError('forbidden', 'helpdesk accounts can read and reset passwords only');
  }

  /** Throws forbidden unless `p` may change things at all (helpdesk may not). */
  assertWriter(p: Principal): void {
    this.assertAdmin(p);
    if (p.account.role === 'helpdesk') throw new WardpostError('forbidden', 'helpdesk accounts can read and reset passwords only');
  }

  /** Admin actions need a session whose two-step code was given (tokens carry their own scopes). */
  assertStrongSession(p: Principal): void {
    if (p.account.role !== 'user' && !p.mfaOk) {
      throw new WardpostError('forbidden', 'administrators must turn on two-step sign-in and sign in with a code before administering', { mfaRequired: true });
    }
  }

  /**
   * May `p` send SMS charged to organisation `orgId`? Every member of staff for their own
   * organisation; org-admins and national administrators within their scope (helpdesk: own only).
   */
  assertSmsSender(p: Principal, orgId: number): void {
    if (p.account.org.id === orgId) return;
    const admin = p.account.role === 'org-admin' || p.account.role === 'national-admin';
    if (admin && (p.scope === null || p.scope.has(orgId))) return;
    throw new WardpostError('forbidden', 'you may send SMS only for your own organisation (or those you administer)');
  }

  /**
   * Self-service or administration: a person may manage what is their own (delegation of their
   * mailbox); anyone else needs `action` on the owner's organisation.
   */
  assertSelfOrOrg(p: Principal, owner: { id: number; org: { id: number } }, action: AdminAction): void {
    if (p.account.id === owner.id) return;
    this.assertStrongSession(p);
    this.assertOrg(p, owner.org.id, action);
  }

  /**
   * Throws forbidden unless `p` may change a directory entry's own details (its photo): the entry
   * of `p`'s own account, or, for an administrator with a strong session, any entry of an
   * organisation it may write.
   */
  assertMayEditEntry(p: Principal, entry: { accountId: number | null; orgId: number | null }): void {
    if (entry.accountId !== null && entry.accountId === p.account.id) return;
    if (entry.orgId === null) {
      if (p.account.role !== 'national-admin') throw new WardpostError('forbidden', 'only a national administrator may change an entry outside any organisation');
    } else this.assertOrg(p, entry.orgId, 'write');
    this.assertStrongSession(p);
  }

  /** The organisations whose things `p` may list (null = all). */
  visibleOrgs(p: Principal): Set<number> | null {
    if (p.account.role === 'user') return new Set([p.account.org.id]);
    return p.scope;
  }
}
