/** /api/v1/directory: search, one entry, and the organisation tree. Thin: core's DirectoryService does the work. */
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../../core/services.js';
import { authenticate } from '../auth.js';
import { sendError } from '../errors.js';
import type { RouteRegistry } from '../route-registry.js';
import { EntryParamsSchema, EntrySchema, OrganisationsResponseSchema, SearchQuerySchema, SearchResponseSchema } from './schema.js';
import { invalid } from '../../../../core/errors.js';
import type { Account } from '../../../../core/accounts/account-service.js';

const viewerOf = (a: Account) => ({ accountId: a.id, orgId: a.org.id, national: a.role === 'national-admin' });

export function registerDirectoryRoutes(app: FastifyInstance, services: Services, registry: RouteRegistry): void {
  registry.add({ method: 'get', path: '/api/v1/directory/search', tag: 'directory', summary: 'Search the national directory', query: SearchQuerySchema, response: SearchResponseSchema });
  app.get('/api/v1/directory/search', async (req, reply) => {
    try {
      const viewer = viewerOf(await authenticate(services, req));
      const parsed = SearchQuerySchema.safeParse(req.query);
      if (!parsed.success) throw invalid(`bad query: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      const q = parsed.data;
      const r = await services.directory.search(viewer, {
        ...(q.q ? { text: q.q } : {}),
        ...(q.org ? { scope: q.org } : {}),
        ...(q.role ? { role: q.role } : {}),
        ...(q.specialty ? { specialty: q.specialty } : {}),
        ...(q.site ? { site: q.site } : {}),
        ...(q.kind ? { kind: q.kind } : {}),
        limit: q.limit,
        offset: q.offset,
      });
      return SearchResponseSchema.parse({ total: r.total, offset: q.offset, limit: q.limit, entries: r.entries, tookMs: r.tookMs });
    } catch (err) {
      return sendError(reply, err);
    }
  });

  registry.add({ method: 'get', path: '/api/v1/directory/entries/{id}', tag: 'directory', summary: 'One directory entry', params: EntryParamsSchema, response: EntrySchema });
  app.get('/api/v1/directory/entries/:id', async (req, reply) => {
    try {
      const viewer = viewerOf(await authenticate(services, req));
      const p = EntryParamsSchema.safeParse(req.params);
      if (!p.success) throw invalid('the entry id must be a positive number');
      return EntrySchema.parse(await services.directory.get(viewer, p.data.id));
    } catch (err) {
      return sendError(reply, err);
    }
  });

  registry.add({ method: 'get', path: '/api/v1/directory/organisations', tag: 'directory', summary: 'The organisation tree (every node can scope a search)', response: OrganisationsResponseSchema });
  app.get('/api/v1/directory/organisations', async (req, reply) => {
    try {
      await authenticate(services, req);
      return { organisations: await services.directory.tree() };
    } catch (err) {
      return sendError(reply, err);
    }
  });
}
