/**
 * The smtp-server callbacks both doors share: each turns the library's session into core's
 * SessionInfo, calls the transport service, and maps errors through errors.ts. Nothing here
 * decides anything.
 */
import type { SMTPServerOptions, SMTPServerSession } from 'smtp-server';
import type { Account } from '../../core/accounts/account-service.js';
import type { TransportService } from '../../core/transport/transport-service.js';
import type { SessionInfo } from '../../core/transport/types.js';
import { toSmtpReply } from './errors.js';
import type { SmtpLimits } from './limits.js';

export interface SmtpLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export function sessionInfo(kind: SessionInfo['kind'], s: SMTPServerSession): SessionInfo {
  return {
    id: s.id,
    kind,
    remoteAddress: s.remoteAddress,
    clientHostname: s.clientHostname,
    helo: s.hostNameAppearsAs,
    secure: s.secure,
    account: (s.user as Account | undefined) ?? null,
  };
}

/** Callbacks for one door; `kind` says which rules apply. */
export function transportCallbacks(kind: SessionInfo['kind'], transport: TransportService, limits: SmtpLimits, log: SmtpLogger): Partial<SMTPServerOptions> {
  const perIp = new Map<string, number>();
  const fail = (err: unknown, stage: Parameters<typeof toSmtpReply>[1], s: SMTPServerSession) => {
    const reply = toSmtpReply(err, stage);
    log.info({ session: s.id, ip: s.remoteAddress, stage, reply: `${reply.responseCode} ${reply.message}`, detail: err instanceof Error ? err.message : String(err) }, 'smtp refused');
    return reply;
  };
  return {
    onConnect(s, cb) {
      const n = (perIp.get(s.remoteAddress) ?? 0) + 1;
      perIp.set(s.remoteAddress, n);
      if (n > limits.maxConnectionsPerIp) {
        return cb(Object.assign(new Error(`4.7.0 too many connections from ${s.remoteAddress}; try again later`), { responseCode: 421 }));
      }
      cb();
    },
    onClose(s) {
      transport.endSession(s.id);
      const n = (perIp.get(s.remoteAddress) ?? 1) - 1;
      if (n <= 0) perIp.delete(s.remoteAddress);
      else perIp.set(s.remoteAddress, n);
    },
    onAuth(auth, s, cb) {
      transport.authenticate(s.remoteAddress, auth.username ?? '', auth.password ?? '').then(
        (account) => cb(null, { user: account }),
        (err: unknown) => cb(fail(err, 'auth', s)),
      );
    },
    onMailFrom(address, s, cb) {
      transport.checkSender(sessionInfo(kind, s), address.address).then(
        () => cb(),
        (err: unknown) => cb(fail(err, 'mail', s)),
      );
    },
    onRcptTo(address, s, cb) {
      const args = s.envelope.mailFrom ? (s.envelope.mailFrom.args as Record<string, string> | false) : false;
      transport.checkRecipient(sessionInfo(kind, s), address.address, s.envelope.rcptTo.length, Number(args ? args.SIZE : 0) || 0).then(
        () => cb(),
        (err: unknown) => cb(fail(err, 'rcpt', s)),
      );
    },
    onData(stream, s, cb) {
      const envelope = {
        mailFrom: s.envelope.mailFrom ? s.envelope.mailFrom.address : '',
        rcptTo: s.envelope.rcptTo.map((r) => r.address),
      };
      // A client that goes away mid-DATA destroys the stream with an error: nothing is stored.
      stream.on('error', () => undefined);
      transport.receive(sessionInfo(kind, s), envelope, stream).then(
        (ok) => cb(null, `2.0.0 accepted as ${ok.id}`),
        (err: unknown) => {
          stream.resume();
          cb(fail(err, 'data', s));
        },
      );
    },
  };
}

/** Common options: our name, size, enhanced codes on, the library's own logging off. */
export function baseOptions(hostname: string, limits: SmtpLimits): SMTPServerOptions {
  return {
    name: hostname,
    banner: 'Wardpost ESMTP',
    size: limits.transport.maxMessageBytes,
    hideENHANCEDSTATUSCODES: false,
    hideDSN: true,
    maxClients: limits.maxClients,
    socketTimeout: limits.socketTimeoutMs,
    closeTimeout: limits.closeTimeoutMs,
    disableReverseLookup: true,
    logger: false,
  } as SMTPServerOptions;
}
