/** App passwords and API tokens of an account: created (secret shown once), listed, revoked one by one. */
import type { Actor } from '../actor.js';
import { audit } from '../audit/audit-log.js';
import { WardpostError, invalid } from '../errors.js';
import type { Store } from '../../store/types.js';
import { hashSecret, looksLike, newSecret, type CredentialKind } from './credentials.js';

export interface CredentialInfo {
  id: number;
  kind: CredentialKind;
  name: string;
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  revoked: boolean;
}

/** What an API token may do: read, or read and write, the administration API. */
export const TOKEN_SCOPES = ['admin:read', 'admin:write', 'directory:read', 'sms:send'] as const;

export class CredentialService {
  constructor(private readonly store: Store) {}

  async create(account: { id: number; address: string; orgId: number }, kind: CredentialKind, name: string, scopes: string[], actor: Actor): Promise<{ id: number; secret: string }> {
    const label = name.trim();
    if (!label || label.length > 100) throw invalid('give it a name of up to 100 characters (for example "Thunderbird on my laptop")');
    if (kind === 'api-token') {
      const bad = scopes.filter((s) => !(TOKEN_SCOPES as readonly string[]).includes(s));
      if (bad.length || !scopes.length) throw invalid(`scopes must be some of ${TOKEN_SCOPES.join(', ')}`);
    }
    const secret = newSecret(kind);
    const id = await this.store.transaction(async (tx) => {
      const created = await tx.auth.createCredential({ accountId: account.id, kind, name: label, secretHash: hashSecret(secret), scopes: scopes.join(' ') });
      await audit(tx, actor, { action: `${kind}.create`, target: account.address, orgId: account.orgId, detail: { name: label, scopes } });
      return created;
    });
    return { id, secret };
  }

  async list(accountId: number, kind: CredentialKind): Promise<CredentialInfo[]> {
    return (await this.store.auth.credentials(accountId, kind)).map((c) => ({
      id: Number(c.id),
      kind,
      name: c.name,
      scopes: c.scopes ? c.scopes.split(' ') : [],
      createdAt: new Date(Number(c.created_at)).toISOString(),
      lastUsedAt: c.last_used_at === null ? null : new Date(Number(c.last_used_at)).toISOString(),
      revoked: c.revoked_at !== null,
    }));
  }

  async revoke(account: { id: number; address: string; orgId: number }, id: number, actor: Actor): Promise<void> {
    await this.store.transaction(async (tx) => {
      if (!(await tx.auth.revokeCredential(id, account.id))) throw new WardpostError('not_found', `no live credential ${id} on this account`);
      await audit(tx, actor, { action: 'credential.revoke', target: account.address, orgId: account.orgId, detail: { id } });
    });
  }

  /** The account and scopes behind an API token, or null. */
  async resolveToken(secret: string): Promise<{ accountId: number; scopes: string[] } | null> {
    if (!looksLike('api-token', secret)) return null;
    const c = await this.store.auth.credentialByHash(hashSecret(secret));
    if (!c || c.kind !== 'api-token') return null;
    await this.store.auth.touchCredential(Number(c.id));
    return { accountId: Number(c.account_id), scopes: c.scopes.split(' ') };
  }
}
