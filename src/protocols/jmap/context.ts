/**
 * What every method call sees: the signed-in account, the domain services, the ids created
 * earlier in the request (RFC 8620 section 5.3 creation ids, "#c1"), and a way to add a response
 * of its own (an implicit Email/set after EmailSubmission/set, RFC 8621 section 7.5).
 */
import type { FastifyRequest } from 'fastify';
import type { Account } from '../../core/accounts/account-service.js';
import type { FolderSet, MailAccount } from '../../core/mail/mail-views.js';
import type { Services } from '../../core/services.js';
import type { TransportService } from '../../core/transport/transport-service.js';
import { MethodError } from './proto/errors.js';

export interface JmapDeps {
  services: Services;
  /** The SMTP transport (submission path); null where no transport runs (EmailSubmission is then refused). */
  transport: TransportService | null;
  /** The web door's sign-in check (session cookie + CSRF header, Basic, Bearer), passed in by the composition root. */
  authenticate: (req: FastifyRequest) => Promise<{ account: Account }>;
}

export const accountIdOf = (ownerId: number) => `a${ownerId}`;

export class CallContext {
  readonly createdIds = new Map<string, string>();
  readonly extra: [string, Record<string, unknown>][] = [];
  /** Accounts and folder sets read in this request; dropped after any call that may write. */
  private accountsCache: Promise<MailAccount[]> | null = null;
  private readonly folderCache = new Map<number, Promise<FolderSet>>();

  constructor(
    readonly viewer: Account,
    readonly deps: JmapDeps,
    readonly ip: string,
  ) {}

  get services(): Services {
    return this.deps.services;
  }

  /** A JMAP account id the viewer may use, with its folders; accountNotFound otherwise. */
  async account(accountId: unknown): Promise<{ id: string; owner: MailAccount; set: FolderSet }> {
    if (typeof accountId !== 'string') throw new MethodError('invalidArguments', 'accountId is required');
    const m = /^a(\d+)$/.exec(accountId);
    const ownerId = m ? Number(m[1]) : NaN;
    const owner = (await this.accounts()).find((a) => a.ownerId === ownerId);
    if (!owner) throw new MethodError('accountNotFound', `no account ${accountId} for ${this.viewer.address}`);
    let set = this.folderCache.get(ownerId);
    if (!set) this.folderCache.set(ownerId, (set = this.services.mailViews.folders(this.viewer.id, ownerId)));
    return { id: accountId, owner, set: await set };
  }

  /** The JMAP accounts of the viewer (own first, then those sharing folders with it). */
  accounts(): Promise<MailAccount[]> {
    return (this.accountsCache ??= this.services.mailViews.accounts(this.viewer.id));
  }

  /** Forgets what was read: the next call sees the effect of a write. */
  invalidate(): void {
    this.accountsCache = null;
    this.folderCache.clear();
  }

  /** An id argument that may be a creation reference ("#c1", RFC 8620 section 5.3). */
  resolveId(id: string): string {
    if (!id.startsWith('#')) return id;
    const real = this.createdIds.get(id.slice(1));
    if (!real) throw new MethodError('invalidArguments', `no object was created with creation id "${id.slice(1)}"`);
    return real;
  }
}
