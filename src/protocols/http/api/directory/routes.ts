/** /api/v1/directory: search, one entry, and the organisation tree. Thin: core's DirectoryService does the work. */
import type { FastifyInstance } from 'fastify';
import type { DirectoryEntry } from '../../../../core/directory/types.js';
import type { Services } from '../../../../core/services.js';
import { assertScope, type Caller } from '../auth.js';
import { defineRoute } from '../route.js';
import type { RouteRegistry } from '../route-registry.js';
import { EntryParamsSchema, EntrySchema, OrganisationsResponseSchema, PhotoBodySchema, PhotoResponseSchema, SearchQuerySchema, SearchResponseSchema } from './schema.js';

const viewerOf = (c: Caller) => {
  if (c.scopes) assertScope(c, 'directory:read');
  return { accountId: c.account.id, orgId: c.account.org.id, national: c.account.role === 'national-admin' };
};

/** An entry as the API shows it: the photo as a URL that changes with the photo. */
const entryJson = (e: DirectoryEntry) => ({ ...e, photoUrl: e.photo === null ? null : `/api/v1/directory/entries/${e.id}/photo?v=${encodeURIComponent(e.photo)}` });

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
      return { total: r.total, offset: q.offset, limit: q.limit, entries: r.entries.map(entryJson), tookMs: r.tookMs };
    },
  );

  defineRoute(
    app, services, registry,
    { method: 'get', path: '/api/v1/directory/entries/{id}', tag: 'directory', summary: 'One directory entry', params: EntryParamsSchema, response: EntrySchema },
    async ({ caller, params }) => entryJson(await services.directory.get(viewerOf(caller), params.id)),
  );

  defineRoute(
    app, services, registry,
    { method: 'get', path: '/api/v1/directory/entries/{id}/photo', tag: 'directory', summary: "An entry's photo (image/jpeg or image/png)", params: EntryParamsSchema, response: PhotoResponseSchema },
    async ({ caller, params, req, reply }) => {
      const photo = await services.directory.photo(viewerOf(caller), params.id);
      const tag = `"${photo.etag}"`;
      reply.header('etag', tag).header('cache-control', 'private, max-age=86400');
      if (req.headers['if-none-match'] === tag) return reply.code(304).send();
      return reply.type(photo.contentType).send(photo.data);
    },
  );

  // The entry's own account, or an administrator of its organisation (AdminPolicy decides).
  const mayEdit = async (caller: Caller, id: number) => {
    const entry = await services.directory.get(viewerOf(caller), id);
    const p = await services.policy.principal(caller.account, caller.mfaOk || caller.via === 'token');
    services.policy.assertMayEditEntry(p, { accountId: entry.accountId, orgId: entry.org?.id ?? null });
  };

  defineRoute(
    app, services, registry,
    { method: 'put', path: '/api/v1/directory/entries/{id}/photo', tag: 'directory', summary: "Sets an entry's photo (its own account or an administrator of its organisation)", params: EntryParamsSchema, body: PhotoBodySchema, response: EntrySchema },
    async ({ caller, params, body }) => {
      if (caller.scopes) assertScope(caller, 'admin:write');
      await mayEdit(caller, params.id);
      return entryJson(await services.directory.setPhoto(params.id, Buffer.from(body.data, 'base64')));
    },
  );

  defineRoute(
    app, services, registry,
    { method: 'delete', path: '/api/v1/directory/entries/{id}/photo', tag: 'directory', summary: "Removes an entry's photo", params: EntryParamsSchema, response: EntrySchema },
    async ({ caller, params }) => {
      if (caller.scopes) assertScope(caller, 'admin:write');
      await mayEdit(caller, params.id);
      return entryJson(await services.directory.setPhoto(params.id, null));
    },
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
