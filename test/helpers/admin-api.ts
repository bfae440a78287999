/**
 * A small client of the administration API over real HTTP: JSON calls with a session cookie and
 * its CSRF token, sign-in, and the two-step enrolment every administrator must go through.
 */
import assert from 'node:assert/strict';
import { generate } from 'otplib';

export interface Session {
  cookie: string;
  csrf: string;
}

export interface CallOptions {
  session?: Session;
  body?: unknown;
  headers?: Record<string, string>;
  csrf?: boolean;
}

export class AdminApi {
  constructor(
    readonly baseUrl: string,
    readonly password: string,
  ) {}

  async raw(method: string, p: string, opts: CallOptions & { rawBody?: string; contentType?: string } = {}): Promise<Response> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.contentType) headers['content-type'] = opts.contentType;
    if (opts.session) {
      headers.cookie = opts.session.cookie;
      if (opts.csrf !== false) headers['x-csrf-token'] = opts.session.csrf;
    }
    const body = opts.rawBody ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined);
    return fetch(`${this.baseUrl}${p}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  }

  async call(method: string, p: string, opts: CallOptions = {}) {
    const res = await this.raw(method, p, opts);
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown>, headers: res.headers };
  }

  async login(address: string, code?: string, password = this.password): Promise<Session> {
    const r = await this.call('POST', '/api/v1/auth/login', { body: { address, password, ...(code ? { code } : {}) } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const cookie = r.headers.get('set-cookie')!.split(';')[0]!;
    assert.match(r.headers.get('set-cookie')!, /HttpOnly/);
    assert.match(r.headers.get('set-cookie')!, /SameSite=Strict/);
    return { cookie, csrf: r.body.csrf as string };
  }

  /** Turns two-step sign-in on and signs in again with a code: what every admin must do. */
  async adminSession(address: string): Promise<Session> {
    const first = await this.login(address);
    const begin = await this.call('POST', '/api/v1/auth/mfa/begin', { session: first });
    assert.equal(begin.status, 200, JSON.stringify(begin.body));
    const secret = begin.body.secret as string;
    const confirm = await this.call('POST', '/api/v1/auth/mfa/confirm', { session: first, body: { code: await generate({ secret }) } });
    assert.equal(confirm.status, 200, JSON.stringify(confirm.body));
    assert.equal((confirm.body.recoveryCodes as string[]).length, 10);
    const noCode = await this.call('POST', '/api/v1/auth/login', { body: { address, password: this.password } });
    assert.equal(noCode.status, 401);
    assert.match(String(noCode.body.message), /6-digit code/);
    return this.login(address, await generate({ secret }));
  }
}
