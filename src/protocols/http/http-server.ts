/**
 * The HTTP door: the operational endpoints (/healthz, /metrics), the REST API, webmail (/) and the
 * admin portal (/admin/); JMAP and DAV mount here from the composition root.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Services } from '../../core/services.js';
import { registerAccountRoutes } from './api/accounts/routes.js';
import { registerImportRoutes } from './api/accounts/import-routes.js';
import { registerListRoutes } from './api/lists/routes.js';
import { registerSharingRoutes } from './api/sharing/routes.js';
import { registerStatsRoutes } from './api/stats/routes.js';
import { registerWebhookRoutes } from './api/webhooks/routes.js';
import { registerCalendarRoutes } from './api/calendar/routes.js';
import { registerBookingRoutes } from './api/calendar/booking-routes.js';
import { registerEventRoutes } from './api/calendar/event-routes.js';
import { registerDirectoryRoutes } from './api/directory/routes.js';
import { registerOrgRoutes } from './api/orgs/routes.js';
import { registerSessionRoutes } from './api/session/routes.js';
import { registerSmsRoutes } from './api/sms/routes.js';
import type { SmsModule } from '../../core/sms/sms-module.js';
import { RouteRegistry } from './api/route-registry.js';
import { registerAdminPortal, registerWebmail } from './static.js';

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
  /** The SMS context (its routes mount under /api/v1/sms when given). */
  sms?: SmsModule;
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
    registerCalendarRoutes(app, opts.services, registry);
    registerBookingRoutes(app, opts.services, registry);
    registerEventRoutes(app, opts.services, registry);
    if (opts.sms) registerSmsRoutes(app, opts.services, registry, opts.sms);
    registerImportRoutes(app, opts.services, registry);
    registerSharingRoutes(app, opts.services, registry);
    registerListRoutes(app, opts.services, registry);
    registerWebhookRoutes(app, opts.services, registry);
    registerStatsRoutes(app, opts.services, registry);
    const doc = registry.openapi({ title: 'Wardpost API', version: '1' });
    app.get('/api/openapi.json', async () => doc);
  }

  registerAdminPortal(app);
  registerWebmail(app);

  for (const m of opts.mount ?? []) m(app);

  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ error: 'not_found', message: `nothing at ${req.url}` });
  });
  return app;
}
