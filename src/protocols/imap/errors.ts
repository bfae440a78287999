// Maps core error codes to IMAP replies (RFC 9051 section 7.1, RFC 5530 response codes): the one place.
import { isWardpostError, type ErrorCode } from '../../core/errors.js';

/** A reply a handler wants to end its command with, other than OK. */
export class ImapReplyError extends Error {
  constructor(
    readonly status: 'NO' | 'BAD',
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

export const no = (code: string | undefined, text: string) => new ImapReplyError('NO', code, text);
export const bad = (text: string, code: string | undefined = 'CLIENTBUG') => new ImapReplyError('BAD', code, text);

const CODES: Partial<Record<ErrorCode, string>> = {
  message_too_large: 'TOOBIG',
  rate_limited: 'LIMIT',
  invalid_message: 'CANNOT',
  policy_rejected: 'CANNOT',
  invalid_input: 'CANNOT',
  not_found: 'NONEXISTENT',
  conflict: 'ALREADYEXISTS',
  weak_password: 'CANNOT',
  quota_exceeded: 'OVERQUOTA',
  forbidden: 'NOPERM',
  unauthenticated: 'AUTHENTICATIONFAILED',
  account_suspended: 'AUTHORIZATIONFAILED',
  temporary_failure: 'UNAVAILABLE',
};

/** The status, response code and text for anything a handler threw. */
export function toReply(err: unknown): { status: 'NO' | 'BAD'; code: string | undefined; text: string; internal: boolean } {
  if (err instanceof ImapReplyError) return { status: err.status, code: err.code, text: err.message, internal: false };
  if (isWardpostError(err)) return { status: 'NO', code: CODES[err.code] ?? 'CANNOT', text: err.message, internal: false };
  return { status: 'NO', code: 'SERVERBUG', text: 'internal server error; the problem was logged', internal: true };
}
