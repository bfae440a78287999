/**
 * Sign-in for the DAV doors (CardDAV, CalDAV): HTTP Basic with the account's address and password
 * or an app password (RFC 7617), parsed by core's one Basic parser. Anything else gets 401 with
 * the challenge, so clients ask the user.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Account } from '../../core/accounts/account-service.js';
import { parseBasicAuthorization } from '../../core/auth/basic.js';
import { isWardpostError } from '../../core/errors.js';
import type { Services } from '../../core/services.js';

/** The signed-in account, or null after sending 401 with a Basic challenge (RFC 7617 section 2). */
export async function davAccount(services: Services, req: FastifyRequest, reply: FastifyReply): Promise<Account | null> {
  const creds = parseBasicAuthorization(req.headers.authorization);
  if (creds && creds !== 'malformed') {
    try {
      return await services.accounts.authenticate(creds.user, creds.password, { ip: req.ip, door: 'dav' });
    } catch (err) {
      if (!isWardpostError(err)) throw err;
    }
  }
  await reply.code(401).header('www-authenticate', 'Basic realm="Wardpost", charset="UTF-8"').send('sign in with your address and password');
  return null;
}
