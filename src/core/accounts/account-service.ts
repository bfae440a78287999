/**
 * Accounts of staff: creation (with the default folders and a national address), passwords,
 * suspension, look-up and sign-in. Every change writes an audit line in the same transaction.
 */
import type { Actor } from '../actor.js';
import { parseAddress } from '../addresses.js';
import { audit } from '../audit/audit-log.js';
import { WardpostError, conflict, invalid, notFound } from '../errors.js';
import type { EventBus } from '../events/bus.js';
import { accountRecord, syncAccountEntry } from '../directory/records.js';
import { createDefaultMailboxes } from '../mail/default-mailboxes.js';
import type { AccountPatch, AccountRow, Repos, Store } from '../../store/types.js';
import { checkPasswordPolicy, hashPassword, oneTimePassword, verifyPassword } from './password.js';
import { AuthCache } from './auth-cache.js';
import { hashSecret, looksLike } from '../auth/credentials.js';
import { accountKey, assertNotLocked, clearAccount, ipKey, recordFailure } from '../auth/lockout.js';
import { isEnabled as isMfaEnabled } from '../auth/mfa.js';
import { DEFAULT_QUOTA_BYTES, parseSize } from './quota.js';
import { describeAccounts } from './describe.js';

export const ROLES = ['user', 'org-admin', 'helpdesk', 'national-admin'] as const;

/** Where a sign-in comes from: lockout counts per client IP too, and web sign-ins go on to MFA. */
export interface SignInContext {
  ip?: string | null;
  /** 'web' for the browser sign-in (MFA is asked next); anything else is a mail/calendar/directory client. */
  door?: 'web' | 'api' | 'imap' | 'smtp' | 'dav' | 'ldap' | 'jmap' | 'protocol';
}
export type Role = (typeof ROLES)[number];

export interface Account {
  id: number;
  /** 'person', or 'shared' for a team mailbox opened through grants. */
  kind: string;
  address: string;
  aliases: string[];
  displayName: string;
  givenName: string;
  familyName: string;
  jobTitle: string | null;
  mobile: string | null;
  role: string;
  org: { id: number; slug: string; name: string };
  quotaBytes: number;
  usedBytes: number;
  status: string;
  mustChangePassword: boolean;
  createdAt: string;
  /** While deleted (status 'deleted'): when, and when the mail is purged. */
  deletedAt: string | null;
  purgeAfter: string | null;
}

export interface CreateAccountInput {
  address: string;
  orgSlug: string;
  name: string;
  role?: string;
  quota?: string | number;
  mobile?: string | null;
  jobTitle?: string | null;
  password: string | null;
  mustChangePassword?: boolean;
  /** 'shared' creates a team mailbox: no password, opened by colleagues through grants. */
  kind?: 'person' | 'shared';
}

/** E.164: a plus, then 8 to 15 digits; spaces, dashes and brackets people type are dropped. */
export function normaliseMobile(input: string): string {
  const m = input.replace(/[\s\-()]/g, '');
  if (!/^\+[1-9]\d{7,14}$/.test(m)) throw invalid(`"${input}" is not an international mobile number (expected +447700900123)`);
  return m;
}

/** A team mailbox's name ("Ward 7 Nurses") is its display name; it has no given/family split. */
function sharedName(name: string): { given: string; family: string } {
  if (!name.trim()) throw invalid('a shared mailbox needs a name (--name "Ward 7 Nurses")');
  return { given: name.trim(), family: '' };
}

/** "Given Family" or "Given Middle Family": the last word is the family name. */
export function splitName(name: string): { given: string; family: string } {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length < 2) throw invalid(`name "${name}" needs a given and a family name (--name "Jane Smith")`);
  return { given: words.slice(0, -1).join(' '), family: words[words.length - 1]! };
}

export class AccountService {
  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly nationalDomain: string,
  ) {}

  async create(input: CreateAccountInput, actor: Actor): Promise<Account> {
    const { address, local, domain } = parseAddress(input.address);
    const kind = input.kind ?? 'person';
    if (kind === 'shared' && input.password !== null) throw invalid('a shared mailbox has no password of its own: grant people access to it instead');
    const { given, family } = kind === 'shared' ? sharedName(input.name) : splitName(input.name);
    const role = input.role ?? 'user';
    if (!(ROLES as readonly string[]).includes(role)) throw invalid(`unknown role "${role}" (one of: ${ROLES.join(', ')})`);
    const quotaBytes = input.quota === undefined ? DEFAULT_QUOTA_BYTES : typeof input.quota === 'number' ? input.quota : parseSize(input.quota);
    const mobile = input.mobile ? normaliseMobile(input.mobile) : null;
    if (input.password !== null) checkPasswordPolicy(input.password, { address, names: [given, family] });
    const passwordHash = input.password === null ? null : await hashPassword(input.password);

    const row = await this.store.transaction(async (tx) => {
      const org = await tx.orgs.bySlug(input.orgSlug.toLowerCase());
      if (!org) throw notFound(`organisation "${input.orgSlug}" does not exist (see: wardpost org list)`);
      // Every account has an address in the national domain; one in the organisation's own
      // domain is welcome too, and then the national one becomes an alias.
      const addresses = [address];
      if (domain !== this.nationalDomain) {
        const owner = await tx.orgs.domainOwner(domain);
        if (owner !== org.id) throw invalid(`${domain} is neither the national domain (${this.nationalDomain}) nor a domain of organisation "${org.slug}"`);
        addresses.push(`${local}@${this.nationalDomain}`);
      }
      for (const a of addresses) await this.assertFree(tx, a);
      const created = await tx.accounts.insert({
        kind,
        orgId: org.id,
        address,
        displayName: kind === 'shared' ? input.name.trim() : `${given} ${family}`,
        givenName: given,
        familyName: family,
        jobTitle: input.jobTitle ?? null,
        mobile,
        role,
        quotaBytes,
        passwordHash,
        mustChangePassword: input.mustChangePassword ?? false,
      });
      for (const alias of addresses.slice(1)) await tx.accounts.addAlias(created.id, alias);
      await createDefaultMailboxes(tx, created.id);
      // The directory entry commits with the account, so the two never disagree.
      await tx.directory.upsertMany([accountRecord(created)]);
      await audit(tx, actor, { action: kind === 'shared' ? 'shared-mailbox.create' : 'account.create', target: address, orgId: org.id, detail: { role, quotaBytes, aliases: addresses.slice(1), kind } });
      return created;
    });
    await this.bus.publish({ type: 'account.created', accountId: row.id, orgId: row.org_id, address });
    return this.describe(row);
  }

  async setPassword(address: string, password: string, actor: Actor, opts: { mustChange?: boolean } = {}): Promise<void> {
    const acct = await this.require(address);
    checkPasswordPolicy(password, { address: acct.address, names: [acct.given_name, acct.family_name] });
    const passwordHash = await hashPassword(password);
    await this.store.transaction(async (tx) => {
      await tx.accounts.update(acct.id, { passwordHash, mustChangePassword: opts.mustChange ?? false });
      await audit(tx, actor, { action: 'account.password', target: acct.address, orgId: acct.org_id, detail: { mustChange: opts.mustChange ?? false } });
    });
  }

  /**
   * Self-service change: the current password (or the one-time one) must be right, and the new one
   * must pass the policy and differ from it. Clears the must-change flag.
   */
  async changeOwnPassword(accountId: number, current: string, next: string, actor: Actor): Promise<void> {
    const acct = await this.store.accounts.byId(accountId);
    if (!acct || !(await verifyPassword(acct.password_hash, current))) throw new WardpostError('unauthenticated', 'the current password is not right');
    if (current === next) throw new WardpostError('weak_password', 'password too weak: choose a new password, not the current one');
    await this.setPassword(acct.address, next, actor);
  }

  async setStatus(address: string, status: 'active' | 'suspended', actor: Actor): Promise<Account> {
    const acct = await this.require(address);
    if (acct.status === 'deleted') throw conflict(`${acct.address} is deleted: restore it first (it can be restored until ${new Date(Number(acct.purge_after)).toISOString()})`);
    if (acct.status !== status) {
      await this.store.transaction(async (tx) => {
        await tx.accounts.update(acct.id, { status });
        const updated = await tx.accounts.byId(acct.id);
        if (updated) await syncAccountEntry(tx.directory, updated);
        if (status === 'suspended') await tx.auth.deleteSessionsOf(acct.id);
        await audit(tx, actor, { action: status === 'suspended' ? 'account.suspend' : 'account.restore', target: acct.address, orgId: acct.org_id });
      });
      await this.bus.publish({ type: 'account.updated', accountId: acct.id, orgId: acct.org_id, fields: ['status'] });
      await this.bus.publish({ type: status === 'suspended' ? 'account.suspended' : 'account.restored', accountId: acct.id, orgId: acct.org_id, address: acct.address });
    }
    return this.show(acct.address);
  }

  /**
   * Changes what an administrator may change of a person: name, job title, mobile, role. Only
   * fields given change; the directory entry follows in the same transaction.
   */
  async update(address: string, patch: { name?: string; jobTitle?: string | null; mobile?: string | null; role?: string }, actor: Actor): Promise<Account> {
    const acct = await this.require(address);
    const set: AccountPatch = {};
    if (patch.name !== undefined) {
      const { given, family } = acct.kind === 'shared' ? sharedName(patch.name) : splitName(patch.name);
      Object.assign(set, { displayName: acct.kind === 'shared' ? patch.name.trim() : `${given} ${family}`, givenName: given, familyName: family });
    }
    if (patch.jobTitle !== undefined) set.jobTitle = patch.jobTitle?.trim() || null;
    if (patch.mobile !== undefined) set.mobile = patch.mobile ? normaliseMobile(patch.mobile) : null;
    if (patch.role !== undefined) {
      if (!(ROLES as readonly string[]).includes(patch.role)) throw invalid(`unknown role "${patch.role}" (one of: ${ROLES.join(', ')})`, { field: 'role' });
      set.role = patch.role;
    }
    const fields = Object.keys(set);
    if (!fields.length) return this.describe(acct);
    await this.store.transaction(async (tx) => {
      await tx.accounts.update(acct.id, set);
      const updated = await tx.accounts.byId(acct.id);
      if (updated) await syncAccountEntry(tx.directory, updated);
      await audit(tx, actor, { action: 'account.update', target: acct.address, orgId: acct.org_id, detail: { ...set } });
    });
    await this.bus.publish({ type: 'account.updated', accountId: acct.id, orgId: acct.org_id, fields });
    return this.show(acct.address);
  }

  /** Sets a one-time password the person must change at next sign-in; returns it (shown once). */
  async resetPassword(address: string, actor: Actor): Promise<string> {
    const acct = await this.require(address);
    const otp = oneTimePassword();
    const passwordHash = await hashPassword(otp);
    await this.store.transaction(async (tx) => {
      await tx.accounts.update(acct.id, { passwordHash, mustChangePassword: true });
      await tx.auth.deleteSessionsOf(acct.id);
      await clearAccount(tx.auth, acct.id);
      await audit(tx, actor, { action: 'account.password.reset', target: acct.address, orgId: acct.org_id });
    });
    await this.bus.publish({ type: 'account.password_reset', accountId: acct.id, orgId: acct.org_id, address: acct.address });
    return otp;
  }

  async setQuota(address: string, quota: string | number, actor: Actor): Promise<Account> {
    const acct = await this.require(address);
    const quotaBytes = typeof quota === 'number' ? quota : parseSize(quota);
    if (!Number.isSafeInteger(quotaBytes) || quotaBytes < 0) throw invalid('quota must be a size such as 2G, or 0 for unlimited');
    await this.store.transaction(async (tx) => {
      await tx.accounts.update(acct.id, { quotaBytes });
      await audit(tx, actor, { action: 'account.quota', target: acct.address, orgId: acct.org_id, detail: { from: Number(acct.quota_bytes), to: quotaBytes } });
    });
    await this.bus.publish({ type: 'account.updated', accountId: acct.id, orgId: acct.org_id, fields: ['quota'] });
    return this.show(acct.address);
  }

  /** Clears the failed sign-in counter (an administrator unlocking a locked-out person). */
  async unlock(address: string, actor: Actor): Promise<void> {
    const acct = await this.require(address);
    await this.store.transaction(async (tx) => {
      await clearAccount(tx.auth, acct.id);
      await audit(tx, actor, { action: 'account.unlock', target: acct.address, orgId: acct.org_id });
    });
  }

  /**
   * Moves a member of staff to another organisation: address, mail, calendars and grants stay;
   * who administers them changes (the audit line is written under both organisations).
   */
  async move(address: string, orgSlug: string, actor: Actor): Promise<Account> {
    const acct = await this.require(address);
    const org = await this.store.orgs.bySlug(orgSlug.toLowerCase());
    if (!org) throw notFound(`organisation "${orgSlug}" does not exist`);
    await this.store.transaction(async (tx) => {
      await tx.accounts.update(acct.id, { orgId: org.id });
      const moved = await tx.accounts.byId(acct.id);
      if (moved) await syncAccountEntry(tx.directory, moved);
      for (const orgId of [acct.org_id, org.id]) await audit(tx, actor, { action: 'account.move', target: acct.address, orgId, detail: { from: acct.org_id, to: org.id } });
    });
    await this.bus.publish({ type: 'account.updated', accountId: acct.id, orgId: org.id, fields: ['org'] });
    return this.show(acct.address);
  }

  /** A fresh one-time password (for accounts created without one; must be changed at first sign-in). */
  oneTimePassword(): string {
    return oneTimePassword();
  }

  /** The account with this id, or null (for credentials that name an account by id). */
  async byIdOrNull(id: number): Promise<Account | null> {
    const row = await this.store.accounts.byId(id);
    return row ? this.describe(row) : null;
  }

  async show(address: string): Promise<Account> {
    return this.describe(await this.require(address));
  }

  /**
   * Accounts of one organisation (by slug) and/or of a set of organisations (an administrator's
   * scope; null = all). Three queries whatever the count: accounts, organisations, aliases.
   */
  async list(filter: { orgSlug?: string; orgIds?: ReadonlySet<number> | null; kind?: string } = {}): Promise<Account[]> {
    let orgId: number | undefined;
    if (filter.orgSlug) {
      const org = await this.store.orgs.bySlug(filter.orgSlug.toLowerCase());
      if (!org) throw notFound(`organisation "${filter.orgSlug}" does not exist (see: wardpost org list)`);
      orgId = org.id;
    }
    let rows = await this.store.accounts.list({ ...(orgId === undefined ? {} : { orgId }), ...(filter.orgIds ? { orgIds: [...filter.orgIds] } : {}) });
    rows = rows.filter((r) => r.status !== 'purged' && (!filter.kind || r.kind === filter.kind));
    const orgs = new Map((await this.store.orgs.list()).map((o) => [Number(o.id), o]));
    return describeAccounts(this.store, rows, orgs);
  }

  /**
   * Checks a sign-in. Returns the account, or throws unauthenticated / account_suspended. The
   * same answer and similar time for an unknown address and a wrong password.
   */
  private readonly authCache = new AuthCache();

  async authenticate(address: string, password: string, ctx: SignInContext = {}): Promise<Account> {
    let acct: AccountRow | undefined;
    try {
      acct = await this.store.accounts.resolve(parseAddress(address).address);
    } catch {
      acct = undefined;
    }
    const auth = this.store.auth;
    await assertNotLocked(auth, [...(acct ? [accountKey(acct.id)] : []), ...(ctx.ip ? [ipKey(ctx.ip)] : [])]);
    let ok = false;
    let viaAppPassword = false;
    if (acct && looksLike('app-password', password)) {
      const cred = await auth.credentialByHash(hashSecret(password));
      ok = !!cred && cred.kind === 'app-password' && Number(cred.account_id) === acct.id;
      viaAppPassword = ok;
      if (cred && ok) await auth.touchCredential(Number(cred.id));
    } else {
      const cached = !!acct && this.authCache.hit(acct.id, acct.password_hash, password);
      ok = cached || (await verifyPassword(acct?.password_hash ?? DUMMY_HASH, password));
      if (acct && ok && !cached) this.authCache.remember(acct.id, acct.password_hash, password);
    }
    if (!acct || !ok) {
      await recordFailure(auth, acct?.id ?? null, ctx.ip ?? null);
      throw new WardpostError('unauthenticated', 'invalid address or password');
    }
    // A deleted (or purged) account answers like one that does not exist.
    if (acct.status === 'deleted' || acct.status === 'purged') throw new WardpostError('unauthenticated', 'invalid address or password');
    if (acct.status !== 'active') throw new WardpostError('account_suspended', 'this account is suspended; contact your organisation\'s administrator');
    // With two-step sign-in on, mail and calendar clients (which cannot ask for a code) must use
    // an app password; the account password alone opens only the web sign-in, which asks for the code.
    if (!viaAppPassword && (ctx.door ?? 'protocol') !== 'web' && (await isMfaEnabled(auth, acct.id))) {
      throw new WardpostError('unauthenticated', 'two-step sign-in is on for this account: create an app password for this client in your settings');
    }
    await clearAccount(auth, acct.id);
    return this.describe(acct);
  }

  /** The row behind an address (or alias); not_found when nobody has it. */
  async require(address: string): Promise<AccountRow> {
    const acct = await this.store.accounts.resolve(parseAddress(address).address);
    if (!acct) throw notFound(`no account has the address ${address}`);
    return acct;
  }

  private async assertFree(tx: Repos, address: string): Promise<void> {
    if (await tx.accounts.resolve(address)) throw conflict(`the address ${address} is already in use`);
  }

  async describe(row: AccountRow): Promise<Account> {
    return (await describeAccounts(this.store, [row]))[0]!;
  }
}

/** A real argon2id hash of a random string, so unknown addresses cost the same as wrong passwords. */
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3Jc8kAPbBz7rA6eQm2Zb2eYxF9d6wS3lHk6c1Jm9p0U';
