/**
 * Method-level errors (RFC 8620 section 3.6.2) and SetErrors (section 5.3), and the one mapping
 * from domain error codes to them.
 */
import { isWardpostError, type ErrorCode } from '../../../core/errors.js';

export type MethodErrorType =
  | 'serverUnavailable'
  | 'serverFail'
  | 'serverPartialFail'
  | 'unknownMethod'
  | 'invalidArguments'
  | 'invalidResultReference'
  | 'forbidden'
  | 'accountNotFound'
  | 'accountNotSupportedByMethod'
  | 'accountReadOnly'
  | 'requestTooLarge'
  | 'cannotCalculateChanges'
  | 'stateMismatch'
  | 'anchorNotFound'
  | 'unsupportedSort'
  | 'unsupportedFilter'
  | 'tooManyChanges'
  | 'fromAccountNotFound'
  | 'fromAccountNotSupportedByMethod';

/** Thrown by a method handler: becomes an ["error", {type, description}] response. */
export class MethodError extends Error {
  constructor(
    readonly type: MethodErrorType,
    description?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(description ?? type);
  }

  toJSON(): Record<string, unknown> {
    return { type: this.type, description: this.message, ...this.extra };
  }
}

export interface SetError {
  type: string;
  description?: string;
  properties?: string[];
  [k: string]: unknown;
}

const SET_ERROR: Record<ErrorCode, string> = {
  invalid_input: 'invalidProperties',
  weak_password: 'invalidProperties',
  unauthenticated: 'forbidden',
  account_suspended: 'forbidden',
  forbidden: 'forbidden',
  not_found: 'notFound',
  conflict: 'alreadyExists',
  quota_exceeded: 'overQuota',
  temporary_failure: 'serverFail',
  relay_denied: 'forbiddenToSend',
  rate_limited: 'rateLimit',
  message_too_large: 'tooLarge',
  invalid_message: 'invalidEmail',
  policy_rejected: 'forbiddenToSend',
};

/** A SetError for a failure while creating, updating or destroying one object. */
export function toSetError(err: unknown): SetError {
  if (err instanceof SetFailure) return err.error;
  if (isWardpostError(err)) return { type: SET_ERROR[err.code], description: err.message };
  throw err;
}

/** Thrown inside a /set handler for one object: becomes its SetError. */
export class SetFailure extends Error {
  constructor(readonly error: SetError) {
    super(error.description ?? error.type);
  }
}

export const setFailure = (type: string, description?: string, extra: Record<string, unknown> = {}) => new SetFailure({ type, ...(description ? { description } : {}), ...extra });
