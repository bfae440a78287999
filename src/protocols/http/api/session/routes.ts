/**
 * /api/v1/auth: sign-in (password, then TOTP when on), sign-out, who am I, two-step enrolment,
 * and the caller's own app passwords and API tokens.
 */
import type { FastifyInstance } from 'fastify';
import type { Account } from '../../../../core/accounts/account-service.js';
import type { Actor } from '../../../../core/actor.js';
import type { CredentialKind } from '../../../../core/auth/credentials.js';
import { SESSION_TTL_MS } from '../../../../core/auth/sessions.js';
import type { Services } from '../../../../core/services.js';
import { SESSION_COOKIE, readCookie, type Caller } from '../auth.js';
import { defineRoute } from '../route.js';
import type { RouteRegistry } from '../route-registry.js';
import * as S from './schema.js';

const summary = (a: Account) => ({ id: a.id, address: a.address, displayName: a.displayName, role: a.role, org: a.org, mustChangePassword: a.mustChangePassword });
export const actorOf = (c: Caller, ip: string): Actor => ({ kind: c.via === 'token' ? 'token' : 'account', label: c.account.address, accountId: c.account.id, ip });
const owner = (a: Account) => ({ id: a.id, address: a.address, orgId: a.org.id });

export function registerSessionRoutes(app: FastifyInstance, services: Services, registry: RouteRegistry, opts: { secureCookies: boolean }): void {
  const r = (doc: Parameters<typeof defineRoute>[3], h: Parameters<typeof defineRoute>[4]) => defineRoute(app, services, registry, doc, h);

  defineRoute(app, services, registry, { method: 'post', path: '/api/v1/auth/login', tag: 'auth', summary: 'Sign in (sets the session cookie)', public: true, body: S.LoginBody, response: S.LoginResponse }, async ({ body, req, reply }) => {
    const s = await services.sessions.signIn({ address: body.address, password: body.password, ...(body.code ? { code: body.code } : {}), ip: req.ip });
    const cookie = [`${SESSION_COOKIE}=${s.token}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${SESSION_TTL_MS / 1000}`, ...(opts.secureCookies ? ['Secure'] : [])].join('; ');
    reply.header('set-cookie', cookie);
    return { account: summary(s.account), csrf: s.csrf };
  });

  defineRoute(app, services, registry, { method: 'post', path: '/api/v1/auth/logout', tag: 'auth', summary: 'Sign out', response: S.Ok }, async ({ req, reply }) => {
    const token = readCookie(req, SESSION_COOKIE);
    if (token) await services.sessions.signOut(token);
    reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
    return { ok: true as const };
  });

  defineRoute(app, services, registry, { method: 'get', path: '/api/v1/auth/me', tag: 'auth', summary: 'The signed-in account', response: S.MeResponse }, async ({ caller }) => ({
    account: summary(caller.account),
    via: caller.via,
    mfa: await services.mfa.enabled(caller.account.id),
    ...(caller.csrf ? { csrf: caller.csrf } : {}),
  }));

  defineRoute(app, services, registry, { method: 'post', path: '/api/v1/auth/password', tag: 'auth', summary: 'Change your own password (required after a reset)', body: S.PasswordBody, response: S.Ok }, async ({ caller, body, req }) => {
    await services.accounts.changeOwnPassword(caller.account.id, body.current, body.new, actorOf(caller, req.ip));
    return { ok: true as const };
  });

  defineRoute(app, services, registry, { method: 'post', path: '/api/v1/auth/mfa/begin', tag: 'auth', summary: 'Start two-step sign-in enrolment', response: S.MfaBegin }, async ({ caller }) =>
    services.mfa.begin(caller.account.id, caller.account.address),
  );

  defineRoute(app, services, registry, { method: 'post', path: '/api/v1/auth/mfa/confirm', tag: 'auth', summary: 'Confirm enrolment with a first code; returns recovery codes once', body: S.MfaConfirmBody, response: S.MfaConfirm }, async ({ caller, body }) => ({
    recoveryCodes: await services.mfa.confirm(caller.account.id, body.code),
  }));

  for (const [kind, path] of [
    ['app-password', 'app-passwords'],
    ['api-token', 'tokens'],
  ] as [CredentialKind, string][]) {
    r({ method: 'get', path: `/api/v1/auth/${path}`, tag: 'auth', summary: `Your ${path.replace('-', ' ')}`, response: S.CredentialList }, async ({ caller }) => ({ items: await services.credentials.list(caller.account.id, kind) }));
    r({ method: 'post', path: `/api/v1/auth/${path}`, tag: 'auth', summary: `Create ${kind === 'api-token' ? 'an API token' : 'an app password'} (the secret is shown once)`, body: S.CredentialBody, response: S.CredentialCreated }, async ({ caller, body, req }) => {
      const b = body as { name: string; scopes?: string[] };
      return services.credentials.create(owner(caller.account), kind, b.name, b.scopes ?? [], actorOf(caller, req.ip));
    });
    r({ method: 'delete', path: `/api/v1/auth/${path}/{id}`, tag: 'auth', summary: 'Revoke one', params: S.IdParams, response: S.Ok }, async ({ caller, params, req }) => {
      await services.credentials.revoke(owner(caller.account), (params as { id: number }).id, actorOf(caller, req.ip));
      return { ok: true as const };
    });
  }
}
