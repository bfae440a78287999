/** Every limit of the SMTP doors and the mail transport, in one object. */
import type { TransportLimits } from '../../core/transport/types.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface SmtpLimits {
  transport: TransportLimits;
  /** Connections per listener, and per client IP address (421 beyond). */
  maxClients: number;
  maxConnectionsPerIp: number;
  /** Idle socket timeout, and how long a closing listener waits for sessions (ms). */
  socketTimeoutMs: number;
  closeTimeoutMs: number;
  /** Commands a client may send before signing in on submission. */
  maxUnauthenticatedCommands: number;
  /**
   * Pause before the 220 greeting, to catch clients that talk first (pregreet, as Postfix's
   * postscreen does). 0 answers at once, as Postfix's smtpd does.
   */
  greetDelayMs: { mx: number; submission: number };
}

export const SMTP_LIMITS: SmtpLimits = {
  transport: {
    maxMessageBytes: 50 * 1024 * 1024,
    maxLineBytes: 1000,
    maxHeaderBytes: 64 * 1024,
    spoolMemoryBytes: 256 * 1024,
    maxRecipients: 500,
    maxListMembers: 5000,
    hookTimeoutMs: 10_000,
    authFailuresPerIp: { max: 5, windowMs: 15 * MINUTE },
    messagesPerAccount: { max: 2000, windowMs: HOUR },
    messagesPerIp: { max: 100_000, windowMs: HOUR },
    outboundPerDomain: 4,
    outboundTotal: 64,
    retryBaseMs: MINUTE,
    retryMaxMs: 6 * HOUR,
    expiryMs: 5 * 24 * HOUR,
    attemptLeaseMs: 15 * MINUTE,
  },
  maxClients: 1000,
  maxConnectionsPerIp: 100,
  socketTimeoutMs: 5 * MINUTE,
  closeTimeoutMs: 3000,
  maxUnauthenticatedCommands: 10,
  greetDelayMs: { mx: 0, submission: 0 },
};
