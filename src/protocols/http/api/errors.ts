/** One mapping from domain error codes to HTTP statuses, and the JSON error body every route uses. */
import type { FastifyReply } from 'fastify';
import { isWardpostError, type ErrorCode } from '../../../core/errors.js';

const STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  weak_password: 400,
  unauthenticated: 401,
  account_suspended: 403,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  quota_exceeded: 507,
  temporary_failure: 503,
  relay_denied: 403,
  rate_limited: 429,
  message_too_large: 413,
  invalid_message: 400,
  policy_rejected: 403,
};

export function sendError(reply: FastifyReply, err: unknown): FastifyReply {
  if (isWardpostError(err)) {
    // The detail carries what a client acts on: which field, whether a code is wanted, how long to wait.
    const { mfaRequired, field, retryAfterSeconds } = err.detail as { mfaRequired?: boolean; field?: string; retryAfterSeconds?: number };
    if (retryAfterSeconds) reply.header('retry-after', String(retryAfterSeconds));
    return reply.code(STATUS[err.code]).send({ error: err.code, message: err.message, ...(mfaRequired ? { mfaRequired } : {}), ...(field ? { field } : {}), ...(retryAfterSeconds ? { retryAfterSeconds } : {}) });
  }
  reply.log.error({ err }, 'unexpected error in API route');
  return reply.code(500).send({ error: 'internal', message: 'something went wrong on our side; it has been logged' });
}
