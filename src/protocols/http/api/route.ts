/**
 * One way to declare an API route: its zod schemas (validating the request and documenting it in
 * OpenAPI), whether a signed-in caller is needed, and a handler that only does its job. Errors
 * become JSON with the fixed code and a message naming the field or what to do next.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { invalid } from '../../../core/errors.js';
import type { Services } from '../../../core/services.js';
import { authenticate, type Caller } from './auth.js';
import { sendError } from './errors.js';
import type { RouteDoc, RouteRegistry } from './route-registry.js';

export interface RouteContext<Q, P, B> {
  caller: Caller;
  query: Q;
  params: P;
  body: B;
  req: FastifyRequest;
  reply: FastifyReply;
}

function parse<T extends z.ZodType>(schema: T | undefined, value: unknown, where: string): z.infer<T> {
  if (!schema) return undefined as z.infer<T>;
  const r = schema.safeParse(value ?? {});
  if (!r.success) {
    const first = r.error.issues[0]!;
    const field = first.path.join('.') || where;
    throw invalid(`${where} field "${field}": ${first.message}`, { field, where });
  }
  return r.data;
}

export function defineRoute<Q extends z.ZodObject | undefined, P extends z.ZodObject | undefined, B extends z.ZodType | undefined>(
  app: FastifyInstance,
  services: Services,
  registry: RouteRegistry,
  doc: Omit<RouteDoc, 'query' | 'params' | 'body'> & { query?: Q; params?: P; body?: B; public?: boolean },
  handler: (ctx: RouteContext<Q extends z.ZodType ? z.infer<Q> : undefined, P extends z.ZodType ? z.infer<P> : undefined, B extends z.ZodType ? z.infer<B> : undefined>) => Promise<unknown>,
): void {
  registry.add(doc);
  app.route({
    method: doc.method.toUpperCase() as 'GET',
    url: doc.path.replace(/\{(\w+)\}/g, ':$1'),
    handler: async (req, reply) => {
      try {
        const caller = doc.public ? (null as unknown as Caller) : await authenticate(services, req);
        const ctx = {
          caller,
          query: parse(doc.query, req.query, 'query'),
          params: parse(doc.params, req.params, 'path'),
          body: parse(doc.body, req.body, 'body'),
          req,
          reply,
        };
        const out = await handler(ctx as never);
        // A handler that streams its answer (reply.send(stream)) returns the reply itself.
        if (reply.sent || out === reply) return reply;
        return doc.response.parse(out);
      } catch (err) {
        return sendError(reply, err);
      }
    },
  });
}
