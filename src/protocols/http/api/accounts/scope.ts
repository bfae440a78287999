/** Who may act on an account, decided by the policy in core (one place for every route). */
import type { AdminAction, Principal } from '../../../../core/admin/policy.js';
import type { Account } from '../../../../core/accounts/account-service.js';
import { WardpostError, notFound } from '../../../../core/errors.js';
import type { Services } from '../../../../core/services.js';
import { assertScope, type Caller } from '../auth.js';

/** The caller as an administrator, checked for a strong session and token scope. */
export async function adminPrincipal(services: Services, caller: Caller, action: AdminAction): Promise<Principal> {
  if (caller.scopes) assertScope(caller, action === 'read' ? 'admin:read' : 'admin:write');
  const p = await services.policy.principal(caller.account, caller.mfaOk || caller.via === 'token');
  services.policy.assertAdmin(p);
  services.policy.assertStrongSession(p);
  assertPasswordChanged(caller);
  return p;
}

function assertPasswordChanged(caller: Caller): void {
  if (caller.account.mustChangePassword) throw new WardpostError('forbidden', 'change your password first (POST /api/v1/auth/password)', { mustChangePassword: true });
}

/**
 * Loads an account the caller may act on. One out of scope looks like one that does not exist
 * when reading, and is refused when changing (the caller named it; it learns nothing new).
 */
export async function accountInScope(services: Services, caller: Caller, address: string, action: AdminAction): Promise<Account> {
  const p = await adminPrincipal(services, caller, action);
  const a = await services.accounts.show(address);
  if (a.status === 'purged') throw notFound(`no account has the address ${address}`);
  try {
    services.policy.assertOrg(p, a.org.id, action);
  } catch (err) {
    if (action === 'read') throw notFound(`no account has the address ${address}`);
    throw err;
  }
  return a;
}

/** The account itself (self-service) or an administrator of it. */
export async function ownOrAdministered(services: Services, caller: Caller, address: string, action: AdminAction): Promise<Account> {
  if (caller.scopes) assertScope(caller, action === 'read' ? 'admin:read' : 'admin:write');
  const a = await services.accounts.show(address);
  if (a.id !== caller.account.id) return accountInScope(services, caller, address, action);
  assertPasswordChanged(caller);
  const p = await services.policy.principal(caller.account, caller.mfaOk || caller.via === 'token');
  services.policy.assertSelfOrOrg(p, a, action);
  return a;
}
