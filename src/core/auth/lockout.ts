/**
 * Lockout with exponential delays after repeated failed sign-ins, per account and per client IP,
 * for every door (web, API, IMAP, SMTP, DAV, LDAP). A locked key is refused before any password is
 * checked, so a lock cannot be used to test passwords.
 */
import { WardpostError } from '../errors.js';
import type { AuthRepo } from '../../store/types.js';

export const LOCKOUT = {
  /** Failures allowed before delays start, per account and per IP. */
  accountFree: 5,
  ipFree: 20,
  /** First delay, doubling with each further failure, up to the cap. */
  baseDelayMs: 2_000,
  maxDelayMs: 15 * 60_000,
  /** Failures older than this are forgotten. */
  windowMs: 60 * 60_000,
} as const;

const delay = (failures: number, free: number) => (failures <= free ? 0 : Math.min(LOCKOUT.maxDelayMs, LOCKOUT.baseDelayMs * 2 ** (failures - free - 1)));

export const accountKey = (accountId: number) => `account:${accountId}`;
export const ipKey = (ip: string) => `ip:${ip}`;

/** Throws rate_limited if any of the keys is locked now. */
export async function assertNotLocked(repo: AuthRepo, keys: string[], now = Date.now()): Promise<void> {
  for (const key of keys) {
    const row = await repo.failures(key);
    if (row && Number(row.locked_until) > now && now - Number(row.last_at) < LOCKOUT.windowMs) {
      const secs = Math.ceil((Number(row.locked_until) - now) / 1000);
      throw new WardpostError('rate_limited', `too many failed sign-ins; try again in ${secs} s, or ask your administrator to unlock the account`, { retryAfterSeconds: secs });
    }
  }
}

export async function recordFailure(repo: AuthRepo, accountId: number | null, ip: string | null, now = Date.now()): Promise<void> {
  const keys: [string, number][] = [];
  if (accountId !== null) keys.push([accountKey(accountId), LOCKOUT.accountFree]);
  if (ip) keys.push([ipKey(ip), LOCKOUT.ipFree]);
  for (const [key, free] of keys) {
    const row = await repo.failures(key);
    if (row && now - Number(row.last_at) > LOCKOUT.windowMs) await repo.clearFailures(key);
    await repo.recordFailure(key, now, (n) => now + delay(n, free));
  }
}

export async function clearAccount(repo: AuthRepo, accountId: number): Promise<void> {
  await repo.clearFailures(accountKey(accountId));
}
