/**
 * Aliases, delegation (mailbox, calendar, send-as / send-on-behalf) and shared mailboxes with
 * their members. Delegation and membership are the sharing model's grants (core/sharing): what
 * the portal sets here is what IMAP's ACL commands and SMTP's sender check see.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Account } from '../../../../core/accounts/account-service.js';
import type { AdminAction } from '../../../../core/admin/policy.js';
import { notFound } from '../../../../core/errors.js';
import type { Services } from '../../../../core/services.js';
import { AccountSchema, AccountList, AddressParams, CreatedAccount } from '../accounts/schema.js';
import { accountInScope, adminPrincipal, ownOrAdministered } from '../accounts/scope.js';
import type { Caller } from '../auth.js';
import { defineRoute } from '../route.js';
import type { RouteRegistry } from '../route-registry.js';
import { actorOf } from '../session/routes.js';
import { Ok } from '../session/schema.js';
import * as S from './schema.js';

export function registerSharingRoutes(app: FastifyInstance, services: Services, registry: RouteRegistry): void {
  const r = (doc: Parameters<typeof defineRoute>[3], h: Parameters<typeof defineRoute>[4]) => defineRoute(app, services, registry, doc, h);

  // Aliases: an administrator's business (an address is the organisation's to give).
  r({ method: 'post', path: '/api/v1/accounts/{address}/aliases', tag: 'aliases', summary: 'Add an alias address', params: AddressParams, body: S.AliasBody, response: AccountSchema }, async ({ caller, params, body, req }) => {
    const { address } = params as z.infer<typeof AddressParams>;
    const a = await accountInScope(services, caller, address, 'write');
    return services.aliases.add(a.address, (body as z.infer<typeof S.AliasBody>).alias, actorOf(caller, req.ip));
  });
  r({ method: 'delete', path: '/api/v1/accounts/{address}/aliases/{alias}', tag: 'aliases', summary: 'Remove an alias address', params: S.AliasParams, response: AccountSchema }, async ({ caller, params, req }) => {
    const { address, alias } = params as z.infer<typeof S.AliasParams>;
    const a = await accountInScope(services, caller, address, 'write');
    return services.aliases.remove(a.address, alias, actorOf(caller, req.ip));
  });

  // Delegation of a person's own mailbox and calendar: the person, or an administrator of it.
  registerGrantRoutes(r, services, { base: '/api/v1/accounts/{address}/delegates', sub: 'grantee', tag: 'delegation', noun: 'delegate', load: (c, a, act) => ownOrAdministered(services, c, a, act) });

  // Shared mailboxes: team accounts without a password; members are delegates of the mailbox.
  r({ method: 'get', path: '/api/v1/shared-mailboxes', tag: 'shared mailboxes', summary: 'Shared mailboxes you administer', response: AccountList }, async ({ caller }) => {
    const p = await adminPrincipal(services, caller, 'read');
    return { items: await services.accounts.list({ orgIds: services.policy.visibleOrgs(p), kind: 'shared' }) };
  });
  r({ method: 'post', path: '/api/v1/shared-mailboxes', tag: 'shared mailboxes', summary: 'Create a shared mailbox', body: S.SharedMailboxBody, response: CreatedAccount }, async ({ caller, body, req }) => {
    const b = body as z.infer<typeof S.SharedMailboxBody>;
    const p = await adminPrincipal(services, caller, 'write');
    services.policy.assertOrg(p, (await services.orgs.get(b.org)).id, 'write');
    const account = await services.accounts.create({ address: b.address, orgSlug: b.org, name: b.name, kind: 'shared', password: null, ...(b.quota !== undefined ? { quota: b.quota } : {}) }, actorOf(caller, req.ip));
    return { account, oneTimePassword: null };
  });
  const sharedMailbox = async (c: Caller, address: string, action: AdminAction): Promise<Account> => {
    const a = await accountInScope(services, c, address, action);
    if (a.kind !== 'shared') throw notFound(`${address} is not a shared mailbox`);
    return a;
  };
  registerGrantRoutes(r, services, { base: '/api/v1/shared-mailboxes/{address}/members', sub: 'member', tag: 'shared mailboxes', noun: 'member', load: sharedMailbox });
}

/** GET list, PUT one, DELETE one: the same grants, under delegation or shared-mailbox paths. */
function registerGrantRoutes(
  r: (doc: Parameters<typeof defineRoute>[3], h: Parameters<typeof defineRoute>[4]) => void,
  services: Services,
  o: { base: string; sub: 'grantee' | 'member'; tag: string; noun: string; load: (c: Caller, address: string, action: AdminAction) => Promise<Account> },
): void {
  const params = z.object({ address: z.string().min(3).max(320), [o.sub]: z.string().min(3).max(320) });
  const other = (p: unknown) => (p as Record<string, string>)[o.sub]!;
  r({ method: 'get', path: o.base, tag: o.tag, summary: `Every ${o.noun} and what each may do`, params: AddressParams, response: S.DelegateList }, async ({ caller, params: p }) => {
    const a = await o.load(caller, (p as { address: string }).address, 'read');
    return { items: await services.delegation.delegates(a.address) };
  });
  r({ method: 'put', path: `${o.base}/{${o.sub}}`, tag: o.tag, summary: `Add a ${o.noun} or change what they may do (fields left out stay)`, params, body: S.DelegateBody, response: S.DelegateSchema.nullable() }, async ({ caller, params: p, body, req }) => {
    const a = await o.load(caller, (p as { address: string }).address, 'write');
    return services.delegation.setDelegate(a.address, other(p), body as z.infer<typeof S.DelegateBody>, actorOf(caller, req.ip));
  });
  r({ method: 'delete', path: `${o.base}/{${o.sub}}`, tag: o.tag, summary: `Take every grant from a ${o.noun}`, params, response: Ok }, async ({ caller, params: p, req }) => {
    const a = await o.load(caller, (p as { address: string }).address, 'write');
    await services.delegation.removeDelegate(a.address, other(p), actorOf(caller, req.ip));
    return { ok: true as const };
  });
}
