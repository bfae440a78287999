/**
 * Runs the method calls of one request in order (RFC 8620 section 3.3): resolves result
 * references, finds the method, maps every failure to a method-level error so one bad call never
 * spoils the others, and collects the created ids.
 */
import type { FastifyBaseLogger } from 'fastify';
import { isWardpostError } from '../../core/errors.js';
import type { CallContext } from './context.js';
import { MethodError } from './proto/errors.js';
import { resolveReferences } from './proto/refs.js';
import type { JmapRequest } from './proto/request.js';

export type MethodHandler = (args: Record<string, unknown>, ctx: CallContext) => Promise<Record<string, unknown>>;

export interface MethodDef {
  capability: string;
  handler: MethodHandler;
}

export type Methods = Record<string, MethodDef>;

type Response = [string, Record<string, unknown>, string];

/** Methods that only read: the account and folder reads of one may serve the next. */
const READ_ONLY = /\/(get|query|changes|queryChanges|echo|parse|validate)$/;

function toMethodError(err: unknown, log: FastifyBaseLogger): MethodError {
  if (err instanceof MethodError) return err;
  if (isWardpostError(err)) {
    if (err.code === 'forbidden') return new MethodError('forbidden', err.message);
    if (err.code === 'invalid_input') return new MethodError('invalidArguments', err.message);
    if (err.code === 'not_found') return new MethodError('invalidArguments', err.message);
    if (err.code === 'temporary_failure') return new MethodError('serverUnavailable', err.message);
  }
  log.error({ err }, 'JMAP method failed');
  return new MethodError('serverFail', 'the server failed to process this call; it has been logged');
}

export async function dispatch(req: JmapRequest, methods: Methods, ctx: CallContext, log: FastifyBaseLogger): Promise<{ methodResponses: Response[]; createdIds?: Record<string, string> }> {
  for (const [k, v] of Object.entries(req.createdIds ?? {})) ctx.createdIds.set(k, v);
  const responses: Response[] = [];
  for (const [name, rawArgs, callId] of req.methodCalls) {
    try {
      const args = resolveReferences(rawArgs, responses);
      const def = methods[name];
      if (!def || !req.using.includes(def.capability)) throw new MethodError('unknownMethod', `unknown method ${name}${def ? ` (add ${def.capability} to "using")` : ''}`);
      ctx.extra.length = 0;
      if (!READ_ONLY.test(name)) ctx.invalidate();
      const out = await def.handler(args, ctx);
      if (!READ_ONLY.test(name)) ctx.invalidate();
      responses.push([name, out, callId]);
      for (const [n, a] of ctx.extra) responses.push([n, a, callId]);
    } catch (err) {
      responses.push(['error', toMethodError(err, log).toJSON(), callId]);
    }
  }
  const created = Object.fromEntries(ctx.createdIds);
  return { methodResponses: responses, ...(req.createdIds ? { createdIds: created } : {}) };
}
