/**
 * /api/v1/webhooks: an organisation's administrators register URLs that receive its account
 * events (signed with HMAC-SHA256; the secret is shown once), and read recent deliveries.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AdminAction } from '../../../../core/admin/policy.js';
import { notFound } from '../../../../core/errors.js';
import type { Services } from '../../../../core/services.js';
import { WEBHOOK_EVENTS } from '../../../../core/webhooks/types.js';
import { adminPrincipal } from '../accounts/scope.js';
import type { Caller } from '../auth.js';
import { defineRoute } from '../route.js';
import type { RouteRegistry } from '../route-registry.js';
import { actorOf } from '../session/routes.js';
import { Ok } from '../session/schema.js';

const WebhookSchema = z.object({ id: z.number(), orgId: z.number(), url: z.string(), events: z.array(z.string()), active: z.boolean(), createdBy: z.string(), createdAt: z.string() });
const CreateBody = z.object({ org: z.string().min(1).max(100), url: z.string().min(8).max(2000), events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length) });
const IdParams = z.object({ id: z.coerce.number().int().positive() });
const DeliveryList = z.object({
  items: z.array(z.object({ id: z.number(), event: z.string(), status: z.string(), attempts: z.number(), lastStatus: z.number().nullable(), lastError: z.string().nullable(), createdAt: z.string(), nextAttemptAt: z.string().nullable(), finishedAt: z.string().nullable() })),
});

export function registerWebhookRoutes(app: FastifyInstance, services: Services, registry: RouteRegistry): void {
  const hook = async (caller: Caller, id: number, action: AdminAction) => {
    const p = await adminPrincipal(services, caller, action);
    const h = await services.webhooks.get(id);
    try {
      services.policy.assertOrg(p, h.orgId, action);
    } catch (err) {
      if (action === 'read') throw notFound(`no webhook #${id}`);
      throw err;
    }
    return h;
  };

  defineRoute(app, services, registry, { method: 'get', path: '/api/v1/webhooks', tag: 'webhooks', summary: 'Webhooks of organisations you administer', response: z.object({ items: z.array(WebhookSchema) }) }, async ({ caller }) => {
    const p = await adminPrincipal(services, caller, 'read');
    return { items: await services.webhooks.list(services.policy.visibleOrgs(p)) };
  });

  defineRoute(app, services, registry, { method: 'post', path: '/api/v1/webhooks', tag: 'webhooks', summary: 'Register a webhook for account events (the signing secret is shown once)', body: CreateBody, response: z.object({ webhook: WebhookSchema, secret: z.string() }) }, async ({ caller, body, req }) => {
    const p = await adminPrincipal(services, caller, 'write');
    const org = await services.orgs.get(body.org);
    services.policy.assertOrg(p, org.id, 'write');
    return services.webhooks.register({ orgId: org.id, url: body.url, events: body.events }, actorOf(caller, req.ip));
  });

  defineRoute(app, services, registry, { method: 'get', path: '/api/v1/webhooks/{id}/deliveries', tag: 'webhooks', summary: 'Recent deliveries, newest first', params: IdParams, response: DeliveryList }, async ({ caller, params }) => {
    const h = await hook(caller, params.id, 'read');
    return { items: await services.webhooks.deliveries(h.id) };
  });

  defineRoute(app, services, registry, { method: 'delete', path: '/api/v1/webhooks/{id}', tag: 'webhooks', summary: 'Remove a webhook', params: IdParams, response: Ok }, async ({ caller, params, req }) => {
    const h = await hook(caller, params.id, 'write');
    await services.webhooks.remove(h.id, actorOf(caller, req.ip));
    return { ok: true as const };
  });
}
