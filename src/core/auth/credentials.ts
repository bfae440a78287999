/**
 * App passwords (for IMAP, SMTP, CalDAV clients that cannot do MFA) and API tokens (for
 * integrations): random secrets shown once, stored only as SHA-256 (they are high-entropy, so a
 * fast hash is enough), revocable one by one.
 */
import { createHash, randomBytes } from 'node:crypto';

export type CredentialKind = 'app-password' | 'api-token';

const PREFIX: Record<CredentialKind, string> = { 'app-password': 'wpa_', 'api-token': 'wpt_' };

export function newSecret(kind: CredentialKind): string {
  return PREFIX[kind] + randomBytes(24).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function looksLike(kind: CredentialKind, secret: string): boolean {
  return secret.startsWith(PREFIX[kind]) && secret.length === PREFIX[kind].length + 32;
}
