/**
 * The JMAP door on the HTTP port (RFC 8620): /.well-known/jmap, the Session at /jmap/session,
 * the API at /jmap/api, blobs and push. Authentication is the web door's (session cookie with its
 * CSRF header, or Basic with a password or app password, with the same lockout as IMAP), handed in
 * by the composition root so this module imports no other protocol.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import type { Account } from '../../core/accounts/account-service.js';
import { isWardpostError } from '../../core/errors.js';
import { openBlob, sendBlob } from './blobs.js';
import { CallContext, accountIdOf, type JmapDeps } from './context.js';
import { dispatch } from './dispatch.js';
import { messageBlobId } from './email/ids.js';
import { ALL_METHODS } from './methods/index.js';
import { RequestError, CORE_LIMITS, parseRequest } from './proto/request.js';
import { eventSource } from './push.js';
import { sessionResource, sessionState } from './session.js';

const base = (req: FastifyRequest) => `${req.protocol}://${req.headers.host ?? 'localhost'}`;

function problem(reply: FastifyReply, status: number, type: string, detail: string, extra: Record<string, unknown> = {}): FastifyReply {
  return reply.code(status).header('content-type', 'application/problem+json').send({ type, status, detail, ...extra });
}

/** Signs the caller in, or answers 401 (with a Basic challenge) / 403 / 429 and returns null. */
async function signIn(deps: JmapDeps, req: FastifyRequest, reply: FastifyReply): Promise<Account | null> {
  try {
    return (await deps.authenticate(req)).account;
  } catch (err) {
    if (!isWardpostError(err)) throw err;
    const status = err.code === 'forbidden' || err.code === 'account_suspended' ? 403 : err.code === 'rate_limited' ? 429 : 401;
    if (status === 401) reply.header('www-authenticate', 'Basic realm="wardpost", charset="UTF-8"');
    const retry = (err.detail as { retryAfterSeconds?: number }).retryAfterSeconds;
    if (retry) reply.header('retry-after', String(retry));
    problem(reply, status, 'about:blank', err.message);
    return null;
  }
}

export function registerJmap(app: FastifyInstance, deps: JmapDeps): void {
  app.get('/.well-known/jmap', async (_req, reply) => reply.redirect('/jmap/session', 301));

  app.get('/jmap/session', async (req, reply) => {
    const viewer = await signIn(deps, req, reply);
    if (!viewer) return reply;
    reply.header('cache-control', 'no-cache, no-store');
    return sessionResource(deps.services, viewer, base(req));
  });

  app.get('/jmap/eventsource', async (req, reply) => {
    const viewer = await signIn(deps, req, reply);
    if (!viewer) return reply;
    eventSource(deps.services, viewer, req, reply);
    return reply;
  });

  app.get('/jmap/download/:accountId/:blobId/:name', async (req, reply) => {
    const viewer = await signIn(deps, req, reply);
    if (!viewer) return reply;
    const p = req.params as { accountId: string; blobId: string; name: string };
    const blob = await openBlob(deps, viewer, p.accountId, p.blobId);
    if (!blob) return problem(reply, 404, 'about:blank', `no blob ${p.blobId} in account ${p.accountId}`);
    return sendBlob(reply, blob, p.name, (req.query as { type?: string }).type);
  });

  // The API and upload read their bodies raw: a request that is not JSON must get the JMAP
  // notJSON problem, not the framework's generic error, and uploads are any media type.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: CORE_LIMITS.maxSizeUpload }, (_req, body, done) => done(null, body));

    scope.post('/jmap/api', { bodyLimit: CORE_LIMITS.maxSizeRequest }, async (req, reply) => {
      const viewer = await signIn(deps, req, reply);
      if (!viewer) return reply;
      try {
        const raw = req.body as Buffer | undefined;
        let body: unknown;
        try {
          body = JSON.parse((raw ?? Buffer.alloc(0)).toString('utf8'));
        } catch {
          throw new RequestError('notJSON', 'the request body is not valid JSON (RFC 8259)');
        }
        const request = parseRequest(body);
        const ctx = new CallContext(viewer, deps, req.ip);
        const out = await dispatch(request, ALL_METHODS, ctx, req.log);
        return { ...out, sessionState: await sessionState(deps.services, viewer, await ctx.accounts()) };
      } catch (err) {
        if (err instanceof RequestError) return problem(reply, 400, `urn:ietf:params:jmap:error:${err.type}`, err.detail, err.extra);
        throw err;
      }
    });

    scope.post('/jmap/upload/:accountId', async (req, reply) => {
      const viewer = await signIn(deps, req, reply);
      if (!viewer) return reply;
      const { accountId } = req.params as { accountId: string };
      if (accountId !== accountIdOf(viewer.id)) return problem(reply, 404, 'about:blank', `you cannot upload into account ${accountId}`);
      const type = String(req.headers['content-type'] ?? 'application/octet-stream');
      const up = await deps.services.uploads.put(viewer.id, Readable.from([(req.body as Buffer | undefined) ?? Buffer.alloc(0)]), type);
      return reply.code(201).send({ accountId, blobId: messageBlobId(up.hash), type: up.type, size: up.size });
    });
  });
}
