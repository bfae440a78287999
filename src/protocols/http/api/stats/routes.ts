/** /api/v1/stats: the dashboard's figures, within what the caller administers. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../../../core/services.js';
import { adminPrincipal } from '../accounts/scope.js';
import { defineRoute } from '../route.js';
import type { RouteRegistry } from '../route-registry.js';

const StatsQuery = z.object({ days: z.coerce.number().int().min(1).max(90).default(14) });
const Stats = z.object({
  accountsByStatus: z.record(z.string(), z.number()),
  byOrg: z.array(z.object({ org: z.object({ id: z.number(), slug: z.string(), name: z.string() }), accounts: z.record(z.string(), z.number()), usedBytes: z.number(), quotaBytes: z.number() })),
  mailPerDay: z.array(z.object({ day: z.string(), messages: z.number(), bytes: z.number() })),
});

export function registerStatsRoutes(app: FastifyInstance, services: Services, registry: RouteRegistry): void {
  defineRoute(app, services, registry, { method: 'get', path: '/api/v1/stats', tag: 'statistics', summary: 'Accounts by status and organisation, mail stored per day, storage against quota', query: StatsQuery, response: Stats }, async ({ caller, query }) => {
    const p = await adminPrincipal(services, caller, 'read');
    return services.stats.figures(services.policy.visibleOrgs(p), query.days);
  });
}
