/**
 * Who is calling the API, by one of three means:
 *   - the session cookie of the web client / admin portal (changes must echo the CSRF token in
 *     an `x-csrf-token` header),
 *   - `Authorization: Bearer wpt_...`: an API token with scopes, for integrations,
 *   - `Authorization: Basic` address:password (or app password), for scripts and address books.
 */
import type { FastifyRequest } from 'fastify';
import type { Account } from '../../../core/accounts/account-service.js';
import { parseBasicAuthorization } from '../../../core/auth/basic.js';
import { WardpostError } from '../../../core/errors.js';
import type { Services } from '../../../core/services.js';

export const SESSION_COOKIE = 'wardpost_session';

export interface Caller {
  account: Account;
  /** Whether the two-step code was given (sessions), or the token stands in for it. */
  mfaOk: boolean;
  via: 'session' | 'token' | 'basic';
  /** Token scopes; null when not limited (session, basic). */
  scopes: string[] | null;
  /** The session's CSRF token (sessions only), so a new tab of the portal can pick it up. */
  csrf?: string;
}

export function readCookie(req: FastifyRequest, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return null;
}

export async function authenticate(services: Services, req: FastifyRequest): Promise<Caller> {
  const header = req.headers.authorization ?? '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer) {
    const t = await services.credentials.resolveToken(bearer[1]!);
    const row = t && (await services.accounts.byIdOrNull(t.accountId));
    if (!t || !row || row.status !== 'active') throw new WardpostError('unauthenticated', 'that API token is unknown or revoked');
    return { account: row, mfaOk: true, via: 'token', scopes: t.scopes };
  }
  const basic = parseBasicAuthorization(header);
  if (basic === 'malformed') throw new WardpostError('unauthenticated', 'malformed Basic credentials (expected address:password)');
  if (basic) {
    const account = await services.accounts.authenticate(basic.user, basic.password, { ip: req.ip, door: 'api' });
    return { account, mfaOk: false, via: 'basic', scopes: null };
  }
  const token = readCookie(req, SESSION_COOKIE);
  if (token) {
    const s = await services.sessions.resolve(token);
    if (!s) throw new WardpostError('unauthenticated', 'your session has ended; sign in again');
    if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method) && req.headers['x-csrf-token'] !== s.csrf) {
      throw new WardpostError('forbidden', 'missing or wrong x-csrf-token header (reload the page)');
    }
    return { account: s.account, mfaOk: s.mfaOk, via: 'session', scopes: null, csrf: s.csrf };
  }
  throw new WardpostError('unauthenticated', 'sign in first: a session cookie, an API token (Bearer) or Basic credentials');
}

/** Tokens act only within their scopes. */
export function assertScope(caller: Caller, scope: string): void {
  if (caller.scopes && !caller.scopes.includes(scope)) throw new WardpostError('forbidden', `this API token lacks the ${scope} scope`);
}
