/**
 * Domain errors with fixed codes. Each protocol maps a code to its own reply in one place
 * (SMTP enhanced status, IMAP response code, HTTP status, CLI exit line); the message is meant
 * for the person at the other end and says what to do next.
 */
export type ErrorCode =
  | 'invalid_input'
  | 'not_found'
  | 'conflict'
  | 'weak_password'
  | 'quota_exceeded'
  | 'forbidden'
  | 'unauthenticated'
  | 'account_suspended'
  | 'temporary_failure'
  /** Mail for a foreign domain from someone who may not relay through us. */
  | 'relay_denied'
  | 'rate_limited'
  | 'message_too_large'
  /** Malformed message content (bare LF, NUL, over-long lines). */
  | 'invalid_message'
  /** Refused by a policy hook (DMARC reject, content rules). */
  | 'policy_rejected';

export class WardpostError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'WardpostError';
  }
}

export const invalid = (msg: string, detail?: Record<string, unknown>) => new WardpostError('invalid_input', msg, detail);
export const notFound = (msg: string, detail?: Record<string, unknown>) => new WardpostError('not_found', msg, detail);
export const conflict = (msg: string, detail?: Record<string, unknown>) => new WardpostError('conflict', msg, detail);

export function isWardpostError(e: unknown, code?: ErrorCode): e is WardpostError {
  return e instanceof WardpostError && (code === undefined || e.code === code);
}
