/** /api/v1/accounts: staff accounts, administered within the caller's organisation scope. */
import type { FastifyInstance } from 'fastify';
import type { AdminAction, Principal } from '../../../../core/admin/policy.js';
import type { Account } from '../../../../core/accounts/account-service.js';
import { WardpostError, notFound } from '../../../../core/errors.js';
import type { Services } from '../../../../core/services.js';
import { assertScope, type Caller } from '../auth.js';
import { defineRoute } from '../route.js';
import type { RouteRegistry } from '../route-registry.js';
import { actorOf } from '../session/routes.js';
import * as S from './schema.js';

/** The caller as an administrator, checked for a strong session and token scope. */
export async function adminPrincipal(services: Services, caller: Caller, action: AdminAction): Promise<Principal> {
  if (caller.scopes) assertScope(caller, action === 'read' ? 'admin:read' : 'admin:write');
  const p = await services.policy.principal(caller.account, caller.mfaOk || caller.via === 'token');
  services.policy.assertAdmin(p);
  services.policy.assertStrongSession(p);
  if (caller.account.mustChangePassword) throw new WardpostError('forbidden', 'change your password first (POST /api/v1/auth/password)', { mustChangePassword: true });
  return p;
}

export function registerAccountRoutes(app: FastifyInstance, services: Services, registry: RouteRegistry): void {
  /** Loads an account the caller may act on; one that is out of scope looks like one that does not exist. */
  const target = async (caller: Caller, address: string, action: AdminAction): Promise<Account> => {
    const p = await adminPrincipal(services, caller, action);
    const a = await services.accounts.show(address);
    try {
      services.policy.assertOrg(p, a.org.id, action);
    } catch (err) {
      if (action === 'read') throw notFound(`no account has the address ${address}`);
      throw err;
    }
    return a;
  };

  defineRoute(app, services, registry, { method: 'get', path: '/api/v1/accounts', tag: 'accounts', summary: 'Accounts you administer', query: S.ListQuery, response: S.AccountList }, async ({ caller, query }) => {
    const p = await adminPrincipal(services, caller, 'read');
    const visible = services.policy.visibleOrgs(p);
    if (query.org) services.policy.assertOrg(p, (await services.orgs.get(query.org)).id, 'read');
    const items = await services.accounts.list(query.org ? { orgSlug: query.org } : {});
    return { items: items.filter((a) => visible === null || visible.has(a.org.id)) };
  });

  defineRoute(app, services, registry, { method: 'post', path: '/api/v1/accounts', tag: 'accounts', summary: 'Create an account', body: S.CreateAccountBody, response: S.CreatedAccount }, async ({ caller, body, req }) => {
    const p = await adminPrincipal(services, caller, 'write');
    const org = await services.orgs.get(body.org);
    services.policy.assertOrg(p, org.id, 'write');
    if (body.role === 'national-admin' && p.scope !== null) throw notFound('only national administrators create national administrators');
    const otp = body.password ? null : await services.accounts.oneTimePassword();
    const account = await services.accounts.create(
      { address: body.address, orgSlug: body.org, name: body.name, role: body.role, ...(body.quota !== undefined ? { quota: body.quota } : {}), mobile: body.mobile ?? null, jobTitle: body.jobTitle ?? null, password: body.password ?? otp, mustChangePassword: !body.password },
      actorOf(caller, req.ip),
    );
    return { account, oneTimePassword: otp };
  });

  defineRoute(app, services, registry, { method: 'get', path: '/api/v1/accounts/{address}', tag: 'accounts', summary: 'One account', params: S.AddressParams, response: S.AccountSchema }, async ({ caller, params }) =>
    target(caller, params.address, 'read'),
  );

  for (const [verb, status] of [
    ['suspend', 'suspended'],
    ['restore', 'active'],
  ] as const) {
    defineRoute(app, services, registry, { method: 'post', path: `/api/v1/accounts/{address}/${verb}`, tag: 'accounts', summary: verb === 'suspend' ? 'Suspend (blocks sign-in)' : 'Lift a suspension', params: S.AddressParams, response: S.AccountSchema }, async ({ caller, params, req }) => {
      const a = await target(caller, params.address, 'write');
      return services.accounts.setStatus(a.address, status, actorOf(caller, req.ip));
    });
  }

  defineRoute(app, services, registry, { method: 'post', path: '/api/v1/accounts/{address}/reset-password', tag: 'accounts', summary: 'Reset to a one-time password that must be changed at next sign-in', params: S.AddressParams, response: S.ResetResponse }, async ({ caller, params, req }) => {
    const a = await target(caller, params.address, 'reset-password');
    return { oneTimePassword: await services.accounts.resetPassword(a.address, actorOf(caller, req.ip)) };
  });

  defineRoute(app, services, registry, { method: 'post', path: '/api/v1/accounts/{address}/unlock', tag: 'accounts', summary: 'Clear failed sign-ins', params: S.AddressParams, response: S.AccountSchema }, async ({ caller, params, req }) => {
    const a = await target(caller, params.address, 'reset-password');
    await services.accounts.unlock(a.address, actorOf(caller, req.ip));
    return a;
  });

  defineRoute(app, services, registry, { method: 'put', path: '/api/v1/accounts/{address}/quota', tag: 'accounts', summary: 'Set the mailbox quota', params: S.AddressParams, body: S.QuotaBody, response: S.AccountSchema }, async ({ caller, params, body, req }) => {
    const a = await target(caller, params.address, 'write');
    return services.accounts.setQuota(a.address, body.quota, actorOf(caller, req.ip));
  });

  defineRoute(app, services, registry, { method: 'post', path: '/api/v1/accounts/{address}/move', tag: 'accounts', summary: 'Move to another organisation (address, mail and grants stay)', params: S.AddressParams, body: S.MoveBody, response: S.AccountSchema }, async ({ caller, params, body, req }) => {
    const a = await target(caller, params.address, 'write');
    const p = await adminPrincipal(services, caller, 'write');
    services.policy.assertOrg(p, (await services.orgs.get(body.org)).id, 'write');
    return services.accounts.move(a.address, body.org, actorOf(caller, req.ip));
  });
}
