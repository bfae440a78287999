/** /api/v1/orgs: the organisation tree, and /api/v1/audit: the audit log, both within the caller's scope. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ORG_KINDS } from '../../../../core/orgs/org-service.js';
import { auditCsv } from '../../../../core/audit/audit-service.js';
import type { Services } from '../../../../core/services.js';
import type { Caller } from '../auth.js';
import { adminPrincipal } from '../accounts/routes.js';
import { defineRoute } from '../route.js';
import type { RouteRegistry } from '../route-registry.js';
import { actorOf } from '../session/routes.js';

const OrgSchema = z.object({
  id: z.number(),
  slug: z.string(),
  name: z.string(),
  kind: z.string(),
  parentId: z.number().nullable(),
  parentSlug: z.string().nullable(),
  nationalCode: z.string().nullable(),
  status: z.string(),
  domains: z.array(z.string()),
  createdAt: z.string(),
});
const CreateOrgBody = z.object({
  slug: z.string().min(1).max(64),
  name: z.string().min(1).max(200),
  parent: z.string().max(64).optional(),
  kind: z.enum(ORG_KINDS).optional(),
  domains: z.array(z.string().max(253)).max(20).optional(),
  nationalCode: z.string().max(20).optional(),
});
const AuditQuery = z.object({
  org: z.string().max(64).optional(),
  action: z.string().regex(/^[a-z][a-z.-]{0,63}$/, 'an action or its start, such as account. or account.password').optional(),
  target: z.string().max(320).optional(),
  since: z.coerce.date().optional().describe('ISO date-time: entries at or after'),
  until: z.coerce.date().optional().describe('ISO date-time: entries before'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
const AuditExportQuery = AuditQuery.extend({ limit: z.coerce.number().int().min(1).max(100_000).default(10_000) });
const AuditList = z.object({
  items: z.array(z.object({ at: z.string(), actor: z.string(), orgId: z.number().nullable(), action: z.string(), target: z.string(), ip: z.string().nullable(), detail: z.record(z.string(), z.unknown()) })),
});

export function registerOrgRoutes(app: FastifyInstance, services: Services, registry: RouteRegistry): void {
  defineRoute(app, services, registry, { method: 'get', path: '/api/v1/orgs', tag: 'organisations', summary: 'Organisations you administer', response: z.object({ items: z.array(OrgSchema) }) }, async ({ caller }) => {
    const p = await adminPrincipal(services, caller, 'read');
    const visible = services.policy.visibleOrgs(p);
    return { items: (await services.orgs.list()).filter((o) => visible === null || visible.has(o.id)) };
  });

  defineRoute(app, services, registry, { method: 'post', path: '/api/v1/orgs', tag: 'organisations', summary: 'Add an organisation (beneath one you administer)', body: CreateOrgBody, response: OrgSchema }, async ({ caller, body, req }) => {
    const p = await adminPrincipal(services, caller, 'write');
    if (body.parent) services.policy.assertOrg(p, (await services.orgs.get(body.parent)).id, 'write');
    else if (p.scope !== null) services.policy.assertOrg(p, -1, 'write'); // top-level organisations are national business
    return services.orgs.create({ slug: body.slug, name: body.name, parent: body.parent ?? null, ...(body.kind ? { kind: body.kind } : {}), domains: body.domains ?? [], nationalCode: body.nationalCode ?? null }, actorOf(caller, req.ip));
  });

  /** The entries the caller may read that match the query (its scope, or one organisation of it). */
  const auditItems = async (caller: Caller, query: z.infer<typeof AuditQuery>) => {
    const p = await adminPrincipal(services, caller, 'read');
    let orgIds: number[] | null = null;
    if (query.org) {
      const org = await services.orgs.get(query.org);
      services.policy.assertOrg(p, org.id, 'read');
      orgIds = [org.id];
    } else if (p.scope !== null) orgIds = [...p.scope];
    return services.audit.list({
      orgIds,
      limit: query.limit,
      ...(query.action ? { action: query.action } : {}),
      ...(query.target ? { target: query.target } : {}),
      ...(query.since ? { since: query.since.getTime() } : {}),
      ...(query.until ? { until: query.until.getTime() } : {}),
    });
  };

  defineRoute(app, services, registry, { method: 'get', path: '/api/v1/audit', tag: 'audit', summary: 'The audit log of organisations you administer, filtered', query: AuditQuery, response: AuditList }, async ({ caller, query }) => ({
    items: await auditItems(caller, query),
  }));

  defineRoute(app, services, registry, { method: 'get', path: '/api/v1/audit/export', tag: 'audit', summary: 'The same, as a CSV file (up to 100,000 entries)', query: AuditExportQuery, response: z.string() }, async ({ caller, query, reply }) => {
    const csv = auditCsv(await auditItems(caller, query));
    void reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="wardpost-audit.csv"').send(csv);
    return reply;
  });
}
