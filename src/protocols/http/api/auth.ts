/**
 * Who is calling the API. For now HTTP Basic with the account's address and password (what
 * address-book and scripting clients send); session cookies and scoped API tokens come with the
 * administration API and plug in here.
 */
import type { FastifyRequest } from 'fastify';
import type { Account } from '../../../core/accounts/account-service.js';
import { WardpostError } from '../../../core/errors.js';
import type { Services } from '../../../core/services.js';

export async function authenticate(services: Services, req: FastifyRequest): Promise<Account> {
  const header = req.headers.authorization ?? '';
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  if (!m) throw new WardpostError('unauthenticated', 'sign in: send Authorization: Basic with your address and password');
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) throw new WardpostError('unauthenticated', 'malformed Basic credentials (expected address:password)');
  return services.accounts.authenticate(decoded.slice(0, colon), decoded.slice(colon + 1));
}
