/**
 * The read-only LDAP door of the national directory (RFC 4511 over TCP): a plain listener that
 * offers StartTLS (RFC 4511 section 4.14) and, when a port is given, an LDAPS listener with
 * implicit TLS (RFC 8314's model, as ldaps:// clients expect); one LdapSession per connection.
 * Address books bind with the account's address and password and search people and organisations
 * under dc=<national domain parts>.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from 'pino';
import type { Services } from '../../core/services.js';
import type { LdapContext } from './context.js';
import { Dit } from './entries.js';
import { LDAP_LIMITS, type LdapLimits } from './limits.js';
import { PagingCookies } from './paging.js';
import { RESULT } from './proto/responses.js';
import { LdapSession } from './session.js';

export interface LdapServerOptions {
  services: Services;
  logger: Logger;
  limits?: Partial<LdapLimits>;
  /** The platform's certificate (PEM): enables StartTLS and the LDAPS listener. */
  tls?: { cert: Buffer; key: Buffer };
}

export interface LdapPorts {
  ldap: number;
  /** Implicit TLS; omitted: no LDAPS listener. */
  ldaps?: number;
}

export interface LdapListener {
  /** The bound port (the real one when 0 was asked). */
  port: number;
  /** The LDAPS port, when listening. */
  tlsPort: number | null;
  /** The base DN (dc=wardpost,dc=test). */
  baseDn: string;
  connections(): number;
  close(): Promise<void>;
}

function listen(server: net.Server, host: string, port: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

/** Starts the listeners on host (port 0 = any free port). */
export async function startLdap(opts: LdapServerOptions, host: string, ports: number | LdapPorts): Promise<LdapListener> {
  const { ldap: port, ldaps } = typeof ports === 'number' ? { ldap: ports, ldaps: undefined } : ports;
  const dit = new Dit(opts.services.nationalDomain);
  const secureContext = opts.tls ? tls.createSecureContext({ cert: opts.tls.cert, key: opts.tls.key }) : null;
  const ctx: LdapContext = { services: opts.services, logger: opts.logger, dit, limits: { ...LDAP_LIMITS, ...opts.limits }, cookies: new PagingCookies(), entries: new WeakMap(), tree: null, secureContext };
  const unsubscribe = opts.services.bus.subscribe('org.created', () => {
    ctx.tree = null;
  });
  const sessions = new Set<LdapSession>();
  const accept = (socket: net.Socket) => {
    if (sessions.size >= ctx.limits.maxConnections) {
      socket.on('error', () => undefined);
      socket.destroy();
      return;
    }
    new LdapSession(socket, ctx, sessions);
  };
  const servers = [net.createServer(accept)];
  if (opts.tls && ldaps !== undefined) {
    const secure = tls.createServer({ cert: opts.tls!.cert, key: opts.tls!.key }, accept);
    // A failed handshake (a plain client on the LDAPS port) only ends that connection.
    secure.on('tlsClientError', (err) => opts.logger.debug({ err }, 'ldaps: handshake failed'));
    servers.push(secure);
  }
  const bound = await listen(servers[0]!, host, port);
  const tlsBound = servers[1] ? await listen(servers[1], host, ldaps!) : null;
  return {
    port: bound,
    tlsPort: tlsBound,
    baseDn: dit.baseDn,
    connections: () => sessions.size,
    async close() {
      unsubscribe();
      const closed = Promise.all(servers.map((srv) => new Promise<void>((r) => srv.close(() => r()))));
      for (const s of [...sessions]) s.disconnect(RESULT.unavailable, 'server shutting down');
      await closed;
    },
  };
}
