// IMAP listeners (RFC 9051 section 2.1, RFC 8314): plain with STARTTLS (and LOGINDISABLED until
// TLS is up) and implicit TLS. One ImapSession per connection; one event-bus subscription per server.
import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from 'pino';
import type { Services } from '../../core/services.js';
import { MailboxHub } from './hub.js';
import { SERVER_LIMITS, type ServerLimits } from './limits.js';
import { ImapSession, type ImapServerContext } from './session.js';

export interface ImapServerOptions {
  services: Services;
  logger: Logger;
  hostname: string;
  tls: { cert: string | Buffer; key: string | Buffer };
  /** Tests shorten the timeouts. */
  limits?: Partial<ServerLimits>;
}

export interface ImapListeners {
  /** Bound ports (the real ones when 0 was asked). */
  ports: { imap: number; imaps: number };
  /** Open connections. */
  connections(): number;
  close(): Promise<void>;
}

function listen(server: net.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

/** Starts both listeners on `host`. */
export async function startImap(opts: ImapServerOptions, host: string, ports: { imap: number; imaps: number }): Promise<ImapListeners> {
  const secureContext = tls.createSecureContext({ cert: opts.tls.cert, key: opts.tls.key });
  const ctx: ImapServerContext = {
    services: opts.services,
    hub: new MailboxHub(opts.services.bus),
    logger: opts.logger,
    hostname: opts.hostname,
    secureContext,
    sessions: new Set(),
    limits: { ...SERVER_LIMITS, ...opts.limits },
  };
  const onError = (err: Error) => opts.logger.debug({ err }, 'imap: connection error');
  const plain = net.createServer((socket) => {
    socket.on('error', onError);
    new ImapSession(socket, ctx, false);
  });
  const secure = tls.createServer({ cert: opts.tls.cert, key: opts.tls.key }, (socket) => {
    socket.on('error', onError);
    new ImapSession(socket, ctx, true);
  });
  secure.on('tlsClientError', onError);
  const imap = await listen(plain, host, ports.imap);
  const imaps = await listen(secure, host, ports.imaps);
  return {
    ports: { imap, imaps },
    connections: () => ctx.sessions.size,
    async close() {
      const closed = Promise.all([plain, secure].map((srv) => new Promise<void>((r) => srv.close(() => r()))));
      for (const s of [...ctx.sessions]) {
        s.write(Buffer.from('* BYE Server shutting down\r\n'));
        s.close();
      }
      ctx.hub.close();
      await closed;
    },
  };
}
