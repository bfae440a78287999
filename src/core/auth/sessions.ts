/**
 * Browser sessions for the web client and the admin portal. The cookie carries a random token; the
 * store keeps only its SHA-256, with a CSRF token the pages must echo on every change. Sign-in is
 * password first (with lockout), then the TOTP code when two-step sign-in is on.
 */
import { randomBytes } from 'node:crypto';
import type { Account, AccountService } from '../accounts/account-service.js';
import { WardpostError } from '../errors.js';
import type { Store } from '../../store/types.js';
import { hashSecret } from './credentials.js';
import { isEnabled, verifySecondFactor } from './mfa.js';
import { recordFailure } from './lockout.js';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export interface SessionInfo {
  account: Account;
  csrf: string;
}

export class SessionService {
  constructor(
    private readonly store: Store,
    private readonly accounts: AccountService,
  ) {}

  /**
   * Signs in with address, password and (when enabled) a TOTP or recovery code. Returns the
   * session token for the cookie. Admin roles must have two-step sign-in on.
   */
  async signIn(input: { address: string; password: string; code?: string; ip: string | null }): Promise<{ token: string; csrf: string; account: Account }> {
    const account = await this.accounts.authenticate(input.address, input.password, { ip: input.ip, door: 'web' });
    const auth = this.store.auth;
    const mfa = await isEnabled(auth, account.id);
    if (mfa) {
      if (!input.code) throw new WardpostError('unauthenticated', 'enter the 6-digit code from your authenticator app', { mfaRequired: true });
      if (!(await verifySecondFactor(auth, account.id, input.code))) {
        await recordFailure(auth, account.id, input.ip);
        throw new WardpostError('unauthenticated', 'that code is not right', { mfaRequired: true });
      }
    }
    const token = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    await auth.createSession({ tokenHash: hashSecret(token), accountId: account.id, csrf, mfaOk: mfa, ip: input.ip, expiresAt: Date.now() + SESSION_TTL_MS });
    return { token, csrf, account };
  }

  /** The session behind a cookie token, or null when it is unknown, expired or its account suspended. */
  async resolve(token: string): Promise<(SessionInfo & { mfaOk: boolean }) | null> {
    const s = await this.store.auth.session(hashSecret(token));
    if (!s || Number(s.expires_at) < Date.now()) return null;
    const row = await this.store.accounts.byId(Number(s.account_id));
    if (!row || row.status !== 'active') return null;
    return { account: await this.accounts.describe(row), csrf: s.csrf, mfaOk: s.mfa_ok === 1 };
  }

  async signOut(token: string): Promise<void> {
    await this.store.auth.deleteSession(hashSecret(token));
  }
}
