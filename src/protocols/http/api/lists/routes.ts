/** /api/v1/lists: distribution lists (SMTP delivery expands them) of organisations you administer. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AdminAction } from '../../../../core/admin/policy.js';
import { notFound } from '../../../../core/errors.js';
import type { Services } from '../../../../core/services.js';
import { adminPrincipal } from '../accounts/scope.js';
import type { Caller } from '../auth.js';
import { defineRoute } from '../route.js';
import type { RouteRegistry } from '../route-registry.js';
import { actorOf } from '../session/routes.js';
import { Ok } from '../session/schema.js';

const ListSchema = z.object({ address: z.string(), orgId: z.number(), name: z.string(), members: z.number() });
const ListDetail = z.object({ address: z.string(), orgId: z.number(), name: z.string(), members: z.array(z.string()) });
const ListParams = z.object({ address: z.string().min(3).max(320) });
const MemberParams = z.object({ address: z.string().min(3).max(320), member: z.string().min(3).max(320) });
const CreateListBody = z.object({ address: z.string().min(3).max(320), org: z.string().min(1).max(100), name: z.string().min(1).max(200), members: z.array(z.string().min(3).max(320)).max(1000).optional() });

export function registerListRoutes(app: FastifyInstance, services: Services, registry: RouteRegistry): void {
  /** A list the caller may act on; one of another organisation looks like one that does not exist. */
  const list = async (caller: Caller, address: string, action: AdminAction) => {
    const p = await adminPrincipal(services, caller, action);
    const l = await services.lists.get(address);
    try {
      services.policy.assertOrg(p, l.orgId, action);
    } catch (err) {
      if (action === 'read') throw notFound(`no list has the address ${address}`);
      throw err;
    }
    return l;
  };
  const detail = async (address: string) => {
    const l = await services.lists.get(address);
    return { ...l, members: await services.lists.members(l.address) };
  };

  defineRoute(app, services, registry, { method: 'get', path: '/api/v1/lists', tag: 'lists', summary: 'Distribution lists you administer', response: z.object({ items: z.array(ListSchema) }) }, async ({ caller }) => {
    const p = await adminPrincipal(services, caller, 'read');
    return { items: await services.lists.all(services.policy.visibleOrgs(p)) };
  });

  defineRoute(app, services, registry, { method: 'post', path: '/api/v1/lists', tag: 'lists', summary: 'Create a distribution list (with members)', body: CreateListBody, response: ListDetail }, async ({ caller, body, req }) => {
    const p = await adminPrincipal(services, caller, 'write');
    services.policy.assertOrg(p, (await services.orgs.get(body.org)).id, 'write');
    const actor = actorOf(caller, req.ip);
    await services.lists.create({ address: body.address, orgSlug: body.org, name: body.name }, actor);
    for (const m of body.members ?? []) await services.lists.addMember(body.address, m, actor);
    return detail(body.address);
  });

  defineRoute(app, services, registry, { method: 'get', path: '/api/v1/lists/{address}', tag: 'lists', summary: 'A list and its members', params: ListParams, response: ListDetail }, async ({ caller, params }) => detail((await list(caller, params.address, 'read')).address));

  defineRoute(app, services, registry, { method: 'put', path: '/api/v1/lists/{address}/members/{member}', tag: 'lists', summary: 'Add a member (local or outside address)', params: MemberParams, response: ListDetail }, async ({ caller, params, req }) => {
    const l = await list(caller, params.address, 'write');
    await services.lists.addMember(l.address, params.member, actorOf(caller, req.ip));
    return detail(l.address);
  });

  defineRoute(app, services, registry, { method: 'delete', path: '/api/v1/lists/{address}/members/{member}', tag: 'lists', summary: 'Remove a member', params: MemberParams, response: ListDetail }, async ({ caller, params, req }) => {
    const l = await list(caller, params.address, 'write');
    await services.lists.removeMember(l.address, params.member, actorOf(caller, req.ip));
    return detail(l.address);
  });

  defineRoute(app, services, registry, { method: 'delete', path: '/api/v1/lists/{address}', tag: 'lists', summary: 'Delete a list', params: ListParams, response: Ok }, async ({ caller, params, req }) => {
    const l = await list(caller, params.address, 'write');
    await services.lists.remove(l.address, actorOf(caller, req.ip));
    return { ok: true as const };
  });
}
