/** /api/v1/directory: search, one entry, and the organisation tree. Thin: core's DirectoryService does the work. */
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../../core/services.js';
import { assertScope, type Caller } from '../auth.js';
import { defineRoute } from '../route.js';
import type { RouteRegistry } from '../route-registry.js';
import { EntryParamsSchema, EntrySchema, OrganisationsResponseSchema, SearchQuerySchema, SearchResponseSchema } from './schema.js';

const viewerOf = (c: Caller) => {
  if (c.scopes) assertScope(c, 'directory:read');
  return { accountId: c.account.id, orgId: c.account.org.id, national: c.account.role === 'national-admin' };
};

export function registerDirectoryRoutes(app: FastifyInstance, services: Services, registry: RouteRegistry): void {
  defineRoute(
    app, services, registry,
    { method: 'get', path: '/api/v1/directory/search', tag: 'directory', summary: 'Search the national directory', query: SearchQuerySchema, response: SearchResponseSchema },
    async ({ caller, query: q }) => {
      const r = await services.directory.search(viewerOf(caller), {
        ...(q.q ? { text: q.q } : {}),
        ...(q.org ? { scope: q.org } : {}),
        ...(q.role ? { role: q.role } : {}),
        ...(q.specialty ? { specialty: q.specialty } : {}),
        ...(q.site ? { site: q.site } : {}),
        ...(q.kind ? { kind: q.kind } : {}),
        limit: q.limit,
        offset: q.offset,
      });
      return { total: r.total, offset: q.offset, limit: q.limit, entries: r.entries, tookMs: r.tookMs };
    },
  );

  defineRoute(
    app, services, registry,
    { method: 'get', path: '/api/v1/directory/entries/{id}', tag: 'directory', summary: 'One directory entry', params: EntryParamsSchema, response: EntrySchema },
    async ({ caller, params }) => services.directory.get(viewerOf(caller), params.id),
  );

  defineRoute(
    app, services, registry,
    { method: 'get', path: '/api/v1/directory/organisations', tag: 'directory', summary: 'The organisation tree (every node can scope a search)', response: OrganisationsResponseSchema },
    async ({ caller }) => {
      viewerOf(caller);
      return { organisations: await services.directory.tree() };
    },
  );
}
