/**
 * The one mapping from core error codes to SMTP replies (RFC 5321 reply codes with RFC 3463
 * enhanced status codes). The client gets the reply; the log gets the detail.
 */
import { WardpostError } from '../../core/errors.js';

export interface SmtpReplyError extends Error {
  responseCode: number;
}

export type SmtpStage = 'auth' | 'mail' | 'rcpt' | 'data';

function reply(code: number, enhanced: string, text: string): SmtpReplyError {
  return Object.assign(new Error(`${enhanced} ${text.replace(/[\r\n]+/g, ' ')}`), { responseCode: code });
}

/** The SMTP reply for an error raised while handling `stage`. */
export function toSmtpReply(err: unknown, stage: SmtpStage): SmtpReplyError {
  if (!(err instanceof WardpostError)) return reply(451, '4.3.0', 'local error in processing; try again later');
  const m = err.message;
  switch (err.code) {
    case 'not_found':
      return reply(550, '5.1.1', m);
    case 'invalid_input':
      return reply(501, stage === 'mail' ? '5.1.7' : '5.1.3', m);
    case 'relay_denied':
      return reply(554, '5.7.1', m);
    case 'forbidden':
      return reply(stage === 'mail' ? 553 : 550, '5.7.1', m);
    case 'unauthenticated':
      return stage === 'auth' ? reply(535, '5.7.8', 'authentication failed: invalid address or password') : reply(530, '5.7.0', m);
    case 'account_suspended':
      return reply(535, '5.7.8', m);
    case 'rate_limited':
      if (err.detail.recipients) return reply(452, '4.5.3', m);
      return stage === 'auth' ? reply(454, '4.7.0', m) : reply(450, '4.7.1', m);
    case 'message_too_large':
      return reply(552, '5.3.4', m);
    case 'invalid_message':
      return reply(550, '5.6.0', m);
    case 'policy_rejected':
      return reply(550, '5.7.1', m);
    case 'quota_exceeded':
      return reply(452, '4.2.2', m);
    case 'weak_password':
    case 'conflict':
    case 'temporary_failure':
      return reply(451, '4.3.0', m);
  }
}
