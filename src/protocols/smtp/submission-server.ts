/**
 * Message submission (RFC 6409): port 587 style with STARTTLS (RFC 3207) and port 465 style with
 * implicit TLS (RFC 8314). AUTH PLAIN and LOGIN (RFC 4954) only once the session is encrypted;
 * nothing is accepted before sign-in.
 */
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { patchSmtpServer } from './library-patches.js';
import type { SmtpDoorOptions } from './inbound-server.js';
import { baseOptions, transportCallbacks } from './session.js';

export function createSubmissionServer(o: SmtpDoorOptions, mode: 'starttls' | 'implicit-tls'): SMTPServer {
  patchSmtpServer();
  const server = new SMTPServer(<SMTPServerOptions>{
    ...baseOptions(o.hostname, o.limits),
    key: o.tls.key,
    cert: o.tls.cert,
    secure: mode === 'implicit-tls',
    greetDelayMs: o.limits.greetDelayMs.submission,
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: false,
    allowInsecureAuth: false,
    maxAllowedUnauthenticatedCommands: o.limits.maxUnauthenticatedCommands,
    ...transportCallbacks('submission', o.transport, o.limits, o.log),
  });
  server.on('error', (err) => o.log.warn({ err: err.message }, `smtp (submission ${mode}) connection error`));
  return server;
}
