/**
 * POST /api/v1/accounts/import: bulk creation from CSV. The request body is streamed into the
 * parser (never held whole), and the answer is streamed back as NDJSON, one line per row as it is
 * done ({"type":"row",...}) and a last {"type":"summary",...}, so the portal can draw progress
 * and nobody waits for a thousand rows in silence. A wrong header row is a plain 400 before any row.
 */
import { Readable, Transform } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { importAccounts, type ImportRowResult } from '../../../../core/accounts/bulk-import.js';
import { WardpostError, invalid } from '../../../../core/errors.js';
import type { Services } from '../../../../core/services.js';
import { defineRoute } from '../route.js';
import type { RouteRegistry } from '../route-registry.js';
import { actorOf } from '../session/routes.js';
import { adminPrincipal } from './scope.js';

export const IMPORT_MAX_ROWS = 10_000;
export const IMPORT_MAX_BYTES = 10 * 1024 * 1024;
const CSV_TYPES = ['text/csv', 'application/csv'];

const ImportLine = z.discriminatedUnion('type', [
  z.object({ type: z.literal('row'), line: z.number(), address: z.string().nullable(), ok: z.boolean(), error: z.string().optional(), field: z.string().optional(), oneTimePassword: z.string().optional() }),
  z.object({ type: z.literal('summary'), rows: z.number(), created: z.number(), failed: z.number() }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);

/** Passes at most `max` bytes; more fails the stream (and so the import) with a clear reason. */
function limitBytes(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      if (seen > max) cb(invalid(`the file is larger than ${max / 1024 / 1024} MB: split it`));
      else cb(null, chunk);
    },
  });
}

export function registerImportRoutes(app: FastifyInstance, services: Services, registry: RouteRegistry): void {
  // CSV bodies reach the route as the request stream itself.
  app.addContentTypeParser(CSV_TYPES, (_req, payload, done) => done(null, payload));

  defineRoute(
    app,
    services,
    registry,
    { method: 'post', path: '/api/v1/accounts/import', tag: 'accounts', summary: 'Create accounts from a CSV file (text/csv; columns address, name, org, role, quota, mobile, job_title); answers NDJSON, one line per row then a summary', response: ImportLine },
    async ({ caller, req, reply }) => {
      const p = await adminPrincipal(services, caller, 'write');
      services.policy.assertWriter(p);
      if (!CSV_TYPES.includes((req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()) || !(req.body instanceof Readable)) {
        throw invalid('send the file as the request body with content-type text/csv', { field: 'content-type' });
      }
      const source = req.body.pipe(limitBytes(IMPORT_MAX_BYTES));
      req.body.on('error', (err) => source.destroy(err));
      const results = importAccounts(services.accounts, source, {
        actor: actorOf(caller, req.ip),
        maxRows: IMPORT_MAX_ROWS,
        authorise: async (orgSlug, role) => {
          services.policy.assertOrg(p, (await services.orgs.get(orgSlug)).id, 'write');
          if (role === 'national-admin' && p.scope !== null) throw new WardpostError('forbidden', 'only national administrators create national administrators', { field: 'role' });
        },
      })[Symbol.asyncIterator]();
      const first = await results.next(); // a bad header throws here, before the answer starts
      async function* lines(): AsyncGenerator<string> {
        const n = { rows: 0, created: 0, failed: 0 };
        try {
          for (let r: IteratorResult<ImportRowResult> = first; !r.done; r = await results.next()) {
            n.rows++;
            n[r.value.ok ? 'created' : 'failed']++;
            yield `${JSON.stringify({ type: 'row', ...r.value })}\n`;
          }
          yield `${JSON.stringify({ type: 'summary', ...n })}\n`;
        } catch (err) {
          // Rows before this line are created; the ones after were not read.
          yield `${JSON.stringify({ type: 'error', message: err instanceof WardpostError ? err.message : 'the import stopped on an unexpected error; it has been logged' })}\n`;
          if (!(err instanceof WardpostError)) reply.log.error({ err }, 'account import failed');
        }
      }
      void reply.type('application/x-ndjson; charset=utf-8').header('cache-control', 'no-store').send(Readable.from(lines()));
      return reply;
    },
  );
}
