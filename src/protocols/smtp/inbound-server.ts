/**
 * Inbound MX (WARDPOST_SMTP_PORT): ESMTP with STARTTLS, PIPELINING, 8BITMIME, SMTPUTF8, SIZE and
 * ENHANCEDSTATUSCODES (RFC 5321, 3207, 2920, 6152, 6531, 1870, 2034). No AUTH here: mail for our
 * own domains only, every rule in core's transport service.
 */
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { TransportService } from '../../core/transport/transport-service.js';
import { patchSmtpServer } from './library-patches.js';
import type { SmtpLimits } from './limits.js';
import { baseOptions, transportCallbacks, type SmtpLogger } from './session.js';

export interface SmtpDoorOptions {
  transport: TransportService;
  hostname: string;
  tls: { key: Buffer; cert: Buffer };
  limits: SmtpLimits;
  log: SmtpLogger;
}

export function createInboundServer(o: SmtpDoorOptions): SMTPServer {
  patchSmtpServer();
  const server = new SMTPServer(<SMTPServerOptions>{
    ...baseOptions(o.hostname, o.limits),
    key: o.tls.key,
    cert: o.tls.cert,
    disabledCommands: ['AUTH'],
    greetDelayMs: o.limits.greetDelayMs.mx,
    authOptional: true,
    ...transportCallbacks('mx', o.transport, o.limits, o.log),
  });
  server.on('error', (err) => o.log.warn({ err: err.message }, 'smtp (mx) connection error'));
  return server;
}
