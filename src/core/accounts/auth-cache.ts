/**
 * Remembers recent successful sign-ins for a few minutes so that clients which open many
 * connections (IMAP clients open several, mbsync one per channel) do not pay an argon2id
 * verification (~100 ms, by design) each time. Keyed by an HMAC of account id and password under
 * a per-process random key; a hit counts only while the stored password hash is unchanged, so a
 * password change or reset takes effect at once. Suspension is checked on every sign-in anyway.
 */
import { createHmac, randomBytes } from 'node:crypto';

const TTL_MS = 5 * 60 * 1000;
const MAX_ENTRIES = 10_000;

export class AuthCache {
  private readonly key = randomBytes(32);
  private readonly entries = new Map<string, { passwordHash: string; at: number }>();

  private digest(accountId: number, password: string): string {
    return createHmac('sha256', this.key).update(`${accountId}\0${password}`).digest('base64');
  }

  /** True when this password verified against this very hash within the last few minutes. */
  hit(accountId: number, passwordHash: string | null, password: string): boolean {
    if (!passwordHash) return false;
    const e = this.entries.get(this.digest(accountId, password));
    return !!e && e.passwordHash === passwordHash && Date.now() - e.at < TTL_MS;
  }

  remember(accountId: number, passwordHash: string | null, password: string): void {
    if (!passwordHash) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(this.digest(accountId, password), { passwordHash, at: Date.now() });
  }
}
