/**
 * TOTP (RFC 6238) second factor with otplib, and single-use recovery codes (argon2-free SHA-256:
 * they are random and long). Enrolment is two steps: `begin` gives a secret and an otpauth URI for
 * the authenticator app; `confirm` with a first code turns it on and returns the recovery codes once.
 */
import { randomBytes } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import { WardpostError } from '../errors.js';
import type { AuthRepo } from '../../store/types.js';
import { hashSecret } from './credentials.js';

export async function beginEnrolment(repo: AuthRepo, accountId: number, address: string): Promise<{ secret: string; uri: string }> {
  const existing = await repo.mfa(accountId);
  if (existing?.enabled_at) throw new WardpostError('conflict', 'two-step sign-in is already on for this account');
  const secret = generateSecret();
  await repo.setMfa(accountId, { secret, enabledAt: null, recoveryHashes: [] });
  return { secret, uri: generateURI({ issuer: 'Wardpost', label: address, secret }) };
}

export async function confirmEnrolment(repo: AuthRepo, accountId: number, code: string): Promise<string[]> {
  const m = await repo.mfa(accountId);
  if (!m || m.enabled_at) throw new WardpostError('conflict', 'start enrolment first');
  if (!(await verifyTotp(m.secret, code))) throw new WardpostError('unauthenticated', 'that code is not right; check the time on your phone and try the next code');
  const codes = Array.from({ length: 10 }, () => randomBytes(5).toString('hex'));
  await repo.setMfa(accountId, { secret: m.secret, enabledAt: Date.now(), recoveryHashes: codes.map(hashSecret) });
  return codes;
}

export async function isEnabled(repo: AuthRepo, accountId: number): Promise<boolean> {
  return !!(await repo.mfa(accountId))?.enabled_at;
}

async function verifyTotp(secret: string, code: string): Promise<boolean> {
  if (!/^\d{6}$/.test(code)) return false;
  try {
    const r = await verify({ secret, token: code, epochTolerance: 30 });
    return r.valid;
  } catch {
    return false;
  }
}

/** Checks a TOTP code or a recovery code (which is then used up). */
export async function verifySecondFactor(repo: AuthRepo, accountId: number, code: string): Promise<boolean> {
  const m = await repo.mfa(accountId);
  if (!m?.enabled_at) return true;
  if (await verifyTotp(m.secret, code.trim())) return true;
  const hashes = JSON.parse(m.recovery_hashes) as string[];
  const h = hashSecret(code.trim().toLowerCase());
  if (!hashes.includes(h)) return false;
  await repo.setMfa(accountId, { secret: m.secret, enabledAt: Number(m.enabled_at), recoveryHashes: hashes.filter((x) => x !== h) });
  return true;
}

/** The same operations bound to a store, for the doors (which never see repositories). */
export class MfaService {
  constructor(private readonly repo: AuthRepo) {}
  begin(accountId: number, address: string) {
    return beginEnrolment(this.repo, accountId, address);
  }
  confirm(accountId: number, code: string) {
    return confirmEnrolment(this.repo, accountId, code);
  }
  enabled(accountId: number) {
    return isEnabled(this.repo, accountId);
  }
}
