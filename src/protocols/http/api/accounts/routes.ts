/** /api/v1/accounts: staff accounts, administered within the caller's organisation scope. */
import type { FastifyInstance } from 'fastify';
import type { AdminAction } from '../../../../core/admin/policy.js';
import { WardpostError, notFound } from '../../../../core/errors.js';
import { accountInScope, adminPrincipal } from './scope.js';
import type { Services } from '../../../../core/services.js';
import type { Caller } from '../auth.js';
import { defineRoute } from '../route.js';
import type { RouteRegistry } from '../route-registry.js';
import { actorOf } from '../session/routes.js';
import * as S from './schema.js';

export { adminPrincipal } from './scope.js';

export function registerAccountRoutes(app: FastifyInstance, services: Services, registry: RouteRegistry): void {
  const target = (caller: Caller, address: string, action: AdminAction) => accountInScope(services, caller, address, action);

  defineRoute(app, services, registry, { method: 'get', path: '/api/v1/accounts', tag: 'accounts', summary: 'Accounts you administer', query: S.ListQuery, response: S.AccountList }, async ({ caller, query }) => {
    const p = await adminPrincipal(services, caller, 'read');
    if (query.org) services.policy.assertOrg(p, (await services.orgs.get(query.org)).id, 'read');
    return { items: await services.accounts.list({ ...(query.org ? { orgSlug: query.org } : {}), orgIds: services.policy.visibleOrgs(p), ...(query.kind ? { kind: query.kind } : {}) }) };
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

  defineRoute(app, services, registry, { method: 'patch', path: '/api/v1/accounts/{address}', tag: 'accounts', summary: 'Change name, job title, mobile or role', params: S.AddressParams, body: S.UpdateAccountBody, response: S.AccountSchema }, async ({ caller, params, body, req }) => {
    const a = await target(caller, params.address, 'write');
    const p = await adminPrincipal(services, caller, 'write');
    if ((body.role === 'national-admin' || a.role === 'national-admin') && body.role !== undefined && p.scope !== null) throw new WardpostError('forbidden', 'only national administrators grant or take the national administrator role', { field: 'role' });
    return services.accounts.update(a.address, body, actorOf(caller, req.ip));
  });

  defineRoute(app, services, registry, { method: 'post', path: '/api/v1/accounts/{address}/suspend', tag: 'accounts', summary: 'Suspend (blocks sign-in, ends sessions)', params: S.AddressParams, response: S.AccountSchema }, async ({ caller, params, req }) => {
    const a = await target(caller, params.address, 'write');
    return services.accounts.setStatus(a.address, 'suspended', actorOf(caller, req.ip));
  });

  defineRoute(app, services, registry, { method: 'post', path: '/api/v1/accounts/{address}/restore', tag: 'accounts', summary: 'Lift a suspension, or bring back a deleted account within its retention period', params: S.AddressParams, response: S.AccountSchema }, async ({ caller, params, req }) => {
    const a = await target(caller, params.address, 'write');
    return services.deletion.restore(a.address, actorOf(caller, req.ip));
  });

  defineRoute(app, services, registry, { method: 'delete', path: '/api/v1/accounts/{address}', tag: 'accounts', summary: 'Delete: sign-in stops now; mail is kept for the retention period, then purged', params: S.AddressParams, query: S.DeleteQuery, response: S.AccountSchema }, async ({ caller, params, query, req }) => {
    const a = await target(caller, params.address, 'write');
    if (a.id === caller.account.id) throw new WardpostError('forbidden', 'you cannot delete your own account');
    return services.deletion.delete(a.address, query.retentionDays, actorOf(caller, req.ip));
  });

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
