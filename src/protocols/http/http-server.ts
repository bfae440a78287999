/**
 * The HTTP door: for now the operational endpoints (/healthz, /metrics). Webmail, the admin
 * portal, JMAP, DAV and the REST API mount here as they arrive, each as a fastify plugin.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Services } from '../../core/services.js';
import { registerAccountRoutes } from './api/accounts/routes.js';
import { registerDirectoryRoutes } from './api/directory/routes.js';
import { registerOrgRoutes } from './api/orgs/routes.js';
import { registerSessionRoutes } from './api/session/routes.js';
import { RouteRegistry } from './api/route-registry.js';
import { registerAdminPortal } from './static.js';

export interface HttpServerOptions {
  logger: Logger;
  metrics: Registry;
  /** Resolves when everything the node depends on answers; rejects naming what does not. */
  health: () => Promise<Record<string, 'ok'>>;
  /** The domain services the API routes call (absent: operational endpoints only). */
  services?: Services;
  /**
   * Other doors served on the same port (DAV, JMAP...), mounted by the composition root: one
   * protocol module never imports another.
   */
  mount?: ((app: FastifyInstance) => void)[];
  /** Mark session cookies Secure (when the HTTP port is behind TLS). */
  secureCookies?: boolean;
}

export function createHttpServer(opts: HttpServerOptions): FastifyInstance {
  const app = Fastify({ forceCloseConnections: true, loggerInstance: opts.logger.child({ proto: 'http' }) as FastifyBaseLogger, logController: new LogController({ disableRequestLogging: true }), bodyLimit: 1024 * 1024 });

  app.get('/healthz', async (_req, reply) => {
    try {
      const checks = await opts.health();
      return reply.code(200).send({ status: 'ok', checks });
    } catch (err) {
      return reply.code(503).send({ status: 'unavailable', error: err instanceof Error ? err.message : String(err) });
    }
  });

  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', opts.metrics.contentType);
    return opts.metrics.metrics();
  });

  if (opts.services) {
    const registry = new RouteRegistry();
    registerDirectoryRoutes(app, opts.services, registry);
    registerSessionRoutes(app, opts.services, registry, { secureCookies: opts.secureCookies ?? false });
    registerAccountRoutes(app, opts.services, registry);
    registerOrgRoutes(app, opts.services, registry);
    const doc = registry.openapi({ title: 'Wardpost API', version: '1' });
    app.get('/api/openapi.json', async () => doc);
  }

  registerAdminPortal(app);

  for (const m of opts.mount ?? []) m(app);

  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ error: 'not_found', message: `nothing at ${req.url}` });
  });
  return app;
}
