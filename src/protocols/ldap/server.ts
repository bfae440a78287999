/**
 * The read-only LDAP door of the national directory (RFC 4511 over TCP): one listener, one
 * LdapSession per connection. Address books bind with the account's address and password and
 * search people and organisations under dc=<national domain parts>.
 */
import net from 'node:net';
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
}

export interface LdapListener {
  /** The bound port (the real one when 0 was asked). */
  port: number;
  /** The base DN (dc=wardpost,dc=test). */
  baseDn: string;
  connections(): number;
  close(): Promise<void>;
}

/** Starts the listener on host:port (port 0 = any free port). */
export async function startLdap(opts: LdapServerOptions, host: string, port: number): Promise<LdapListener> {
  const dit = new Dit(opts.services.nationalDomain);
  const ctx: LdapContext = { services: opts.services, logger: opts.logger, dit, limits: { ...LDAP_LIMITS, ...opts.limits }, cookies: new PagingCookies(), tree: null };
  const unsubscribe = opts.services.bus.subscribe('org.created', () => {
    ctx.tree = null;
  });
  const sessions = new Set<LdapSession>();
  const server = net.createServer((socket) => {
    socket.on('error', (err) => opts.logger.debug({ err }, 'ldap: connection error'));
    if (sessions.size >= ctx.limits.maxConnections) {
      socket.destroy();
      return;
    }
    new LdapSession(socket, ctx, sessions);
  });
  const bound = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
  return {
    port: bound,
    baseDn: dit.baseDn,
    connections: () => sessions.size,
    async close() {
      unsubscribe();
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const s of [...sessions]) s.disconnect(RESULT.unavailable, 'server shutting down');
      await closed;
    },
  };
}
