/** The one mapping from core error codes to SMTP replies: a table of expected replies. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WardpostError, type ErrorCode } from '../../../src/core/errors.js';
import { toSmtpReply, type SmtpStage } from '../../../src/protocols/smtp/errors.js';

const TABLE: [ErrorCode, SmtpStage, Record<string, unknown>, string][] = [
  ['not_found', 'rcpt', {}, '550 5.1.1'],
  ['relay_denied', 'rcpt', {}, '554 5.7.1'],
  ['forbidden', 'mail', {}, '553 5.7.1'],
  ['forbidden', 'data', {}, '550 5.7.1'],
  ['unauthenticated', 'auth', {}, '535 5.7.8'],
  ['unauthenticated', 'mail', {}, '530 5.7.0'],
  ['rate_limited', 'auth', {}, '454 4.7.0'],
  ['rate_limited', 'mail', {}, '450 4.7.1'],
  ['rate_limited', 'rcpt', { recipients: true }, '452 4.5.3'],
  ['message_too_large', 'data', {}, '552 5.3.4'],
  ['invalid_message', 'data', {}, '550 5.6.0'],
  ['policy_rejected', 'data', {}, '550 5.7.1'],
  ['quota_exceeded', 'data', {}, '452 4.2.2'],
  ['invalid_input', 'rcpt', {}, '501 5.1.3'],
  ['temporary_failure', 'data', {}, '451 4.3.0'],
];

describe('SMTP replies for core errors', () => {
  for (const [code, stage, detail, expected] of TABLE) {
    it(`${code} at ${stage} -> ${expected}`, () => {
      const r = toSmtpReply(new WardpostError(code, 'what to do next', detail), stage);
      assert.equal(`${r.responseCode} ${r.message}`, `${expected} ${code === 'unauthenticated' && stage === 'auth' ? 'authentication failed: invalid address or password' : 'what to do next'}`);
    });
  }
  it('anything else is a temporary local error, its detail kept out of the reply', () => {
    const r = toSmtpReply(new Error('disk on fire at /var/lib/x'), 'data');
    assert.equal(`${r.responseCode} ${r.message}`, '451 4.3.0 local error in processing; try again later');
  });
});
