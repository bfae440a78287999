/**
 * The Store interface: everything core/ may ask of persistence. One implementation of the
 * repositories (Kysely, see repos/) serves both engines; an engine only supplies its Kysely
 * dialect, its blob store and its own checks. Repositories hold no business rules: quotas,
 * permissions and defaults are decided in core/.
 */
import type { BlobAccess } from './blobs/blob-access.js';
import type { AccountRow, AuditRow, MailboxRow, MessageRow, OrgRow } from './schema/tables.js';
import type { CredentialRow, DirectoryEntryRow, MfaRow, SessionRow } from './schema/tables.js';
import type { DkimKeyRow, OutboundQueueRow } from './schema/tables.js';

export type { AccountRow, AuditRow, MailboxRow, MessageRow, OrgRow } from './schema/tables.js';
export type { DirectoryEntryRow } from './schema/tables.js';
export type { DkimKeyRow, OutboundQueueRow } from './schema/tables.js';
export type { BlobStore, PutResult } from './blobs/types.js';
export type { BlobAccess, StagedBlob } from './blobs/blob-access.js';

export type EngineName = 'sqlite' | 'postgres';

export interface NewOrg {
  slug: string;
  name: string;
  parentId: number | null;
  kind: string;
  nationalCode: string | null;
}

export interface OrgRepo {
  insert(org: NewOrg, domains: string[]): Promise<OrgRow>;
  byId(id: number): Promise<OrgRow | undefined>;
  bySlug(slug: string): Promise<OrgRow | undefined>;
  list(): Promise<OrgRow[]>;
  domains(orgId: number): Promise<string[]>;
  allDomains(): Promise<{ domain: string; orgId: number }[]>;
  domainOwner(domain: string): Promise<number | undefined>;
}

export interface NewAccount {
  kind?: 'person' | 'shared';
  orgId: number;
  address: string;
  displayName: string;
  givenName: string;
  familyName: string;
  jobTitle: string | null;
  mobile: string | null;
  role: string;
  quotaBytes: number;
  passwordHash: string | null;
  mustChangePassword: boolean;
}

export interface AccountPatch {
  displayName?: string;
  givenName?: string;
  familyName?: string;
  jobTitle?: string | null;
  mobile?: string | null;
  role?: string;
  quotaBytes?: number;
  status?: string;
  passwordHash?: string | null;
  mustChangePassword?: boolean;
  orgId?: number;
}

export interface AccountRepo {
  insert(a: NewAccount): Promise<AccountRow>;
  byId(id: number): Promise<AccountRow | undefined>;
  byAddress(address: string): Promise<AccountRow | undefined>;
  /** The account that owns `address`, as its primary address or as an alias. */
  resolve(address: string): Promise<AccountRow | undefined>;
  list(filter: { orgId?: number; limit?: number; offset?: number }): Promise<AccountRow[]>;
  update(id: number, patch: AccountPatch): Promise<void>;
  addAlias(accountId: number, address: string): Promise<void>;
  aliases(accountId: number): Promise<string[]>;
  /** Adds `bytes` to used_bytes only if it stays within quota_bytes (0 = unlimited). */
  reserveQuota(accountId: number, bytes: number): Promise<boolean>;
}

export interface MailboxRepo {
  create(m: { accountId: number; name: string; specialUse: string | null; uidvalidity: number; subscribed: boolean }): Promise<MailboxRow>;
  byId(id: number): Promise<MailboxRow | undefined>;
  byName(accountId: number, name: string): Promise<MailboxRow | undefined>;
  list(accountId: number): Promise<MailboxRow[]>;
  /** Takes the next UID and MODSEQ of a mailbox for one new message of `size` bytes. */
  allocate(mailboxId: number, size: number): Promise<{ uid: number; modseq: number }>;
}

export interface NewMessage {
  mailboxId: number;
  uid: number;
  modseq: number;
  blobHash: string;
  size: number;
  internalDate: number;
  flags: string[];
}

export interface MessageRepo {
  insert(m: NewMessage): Promise<void>;
  list(mailboxId: number, opts?: { afterUid?: number; limit?: number }): Promise<MessageRow[]>;
  byUid(mailboxId: number, uid: number): Promise<MessageRow | undefined>;
  count(mailboxId: number): Promise<number>;
}

export interface MessageMeta {
  blobHash: string;
  subject: string;
  fromText: string;
  sentAt: number | null;
  messageId: string | null;
  indexJson: string;
  searchText: string;
}

export interface MessageMetaRepo {
  /** Stores the parsed form of a body once; a second delivery of the same bytes keeps the first. */
  put(meta: MessageMeta): Promise<void>;
  get(blobHash: string): Promise<MessageMeta | undefined>;
}

export interface BlobRefRepo {
  /**
   * Records `count` more references to a blob, creating its row at the first; `inline` carries the
   * bytes of a small blob, written in this same transaction.
   */
  addRefs(hash: string, size: number, count: number, inline?: Buffer | null): Promise<void>;
  removeRefs(hash: string, count: number): Promise<void>;
  refcount(hash: string): Promise<number | undefined>;
  /** Blobs whose refcount fell to zero before `olderThan`, and whether their bytes are inline. */
  unreferenced(olderThan: number, limit: number): Promise<{ hash: string; inline: boolean }[]>;
  forget(hash: string): Promise<void>;
}

export interface AuditEntry {
  at: number;
  actor: string;
  actorAccountId: number | null;
  orgId: number | null;
  action: string;
  target: string;
  ip: string | null;
  detail: Record<string, unknown>;
}

export interface AuditRepo {
  append(e: AuditEntry): Promise<void>;
  list(filter: { orgId?: number; orgIds?: number[]; since?: number; limit?: number }): Promise<AuditRow[]>;
}

export interface AclEntry {
  mailboxId: number;
  granteeAccountId: number;
  rights: string;
}

export interface SharingRepo {
  /** Sets (replaces) a grantee's rights on a mailbox; empty rights remove the entry. */
  setAcl(mailboxId: number, granteeAccountId: number, rights: string): Promise<void>;
  acl(mailboxId: number): Promise<AclEntry[]>;
  aclFor(mailboxId: number, granteeAccountId: number): Promise<string | undefined>;
  /** Every mailbox some grant lets this account see, with its rights. */
  grantsTo(granteeAccountId: number): Promise<AclEntry[]>;
  addSendGrant(ownerAccountId: number, granteeAccountId: number, mode: string): Promise<void>;
  removeSendGrant(ownerAccountId: number, granteeAccountId: number, mode: string): Promise<void>;
  sendGrantsTo(granteeAccountId: number): Promise<{ ownerAccountId: number; mode: string }[]>;
  sendGrantsOf(ownerAccountId: number): Promise<{ granteeAccountId: number; mode: string }[]>;
}

/** Mailbox and message changes after delivery: flags, expunge, rename, delete (see repos/mail-state.ts). */
export interface MailStateRepo {
  renameMailbox(id: number, name: string): Promise<void>;
  /** Removes a mailbox with its message rows, grants and expunge records (blob refs are the caller's). */
  deleteMailbox(id: number): Promise<void>;
  setSubscribed(id: number, subscribed: boolean): Promise<void>;
  /** A grantee's subscription to another account's folder. */
  setSharedSubscription(accountId: number, mailboxId: number, on: boolean): Promise<void>;
  sharedSubscriptions(accountId: number): Promise<number[]>;
  uids(mailboxId: number): Promise<number[]>;
  messagesBetween(mailboxId: number, firstUid: number, lastUid: number): Promise<MessageRow[]>;
  /** UID, flags and MODSEQ of every message of a folder, ascending (a light read for SELECT and STATUS). */
  flagsOf(mailboxId: number): Promise<{ uid: number; flags: string; modseq: number }[]>;
  /** Takes the next MODSEQ of a mailbox (locks its row until commit). */
  bumpModseq(mailboxId: number): Promise<number>;
  setFlags(mailboxId: number, uid: number, flags: string, modseq: number): Promise<void>;
  removeMessages(mailboxId: number, uids: readonly number[]): Promise<void>;
  adjustMailbox(mailboxId: number, count: number, bytes: number): Promise<void>;
  releaseQuota(accountId: number, bytes: number): Promise<void>;
  recordExpunged(mailboxId: number, uids: readonly number[], modseq: number): Promise<void>;
  expungedSince(mailboxId: number, modseq: number): Promise<number[]>;
  indexes(hashes: readonly string[]): Promise<{ blobHash: string; indexJson: string }[]>;
  /** UIDs whose stored text columns contain `needle` (case-insensitive). */
  searchText(mailboxId: number, needle: string, columns: readonly ('subject' | 'from_text' | 'search_text' | 'index_json')[], onlyUids?: readonly number[]): Promise<number[]>;
  /** Stored text of a folder's messages after a UID, ascending, for building a search index. */
  textRows(mailboxId: number, afterUid: number, limit: number): Promise<{ uid: number; body: string; headers: string }[]>;
}

export interface NewQueueItem {
  messageKey: string;
  blobHash: string;
  size: number;
  sender: string;
  senderAccountId: number | null;
  recipient: string;
  domain: string;
  dkimDomain: string | null;
  nextAttemptAt: number;
  expiresAt: number;
}

export interface QueueAttempt {
  status: 'queued' | 'sent' | 'failed' | 'expired';
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  remoteHost: string | null;
  finishedAt: number | null;
}

/** Outbound queue, DKIM keys and distribution lists (see repos/transport.ts). */
export interface TransportRepo {
  enqueue(items: NewQueueItem[]): Promise<number[]>;
  /** Queued rows whose next attempt is due, oldest first. */
  due(now: number, limit: number): Promise<OutboundQueueRow[]>;
  /**
   * Takes a due row for one attempt by moving its next attempt to `leaseUntil`, only if nobody
   * else did first (compare-and-set on next_attempt_at). A node that dies mid-attempt leaves the
   * row to be retried when the lease runs out.
   */
  claim(id: number, expectedNextAttemptAt: number, leaseUntil: number): Promise<boolean>;
  recordAttempt(id: number, attempt: QueueAttempt & { lastAttemptAt: number }): Promise<void>;
  queueItem(id: number): Promise<OutboundQueueRow | undefined>;
  listQueue(filter: { status?: string; limit?: number }): Promise<OutboundQueueRow[]>;
  /** Makes a queued row due now; false when it is not queued. */
  retryNow(id: number, now: number): Promise<boolean>;
  dkimKey(domain: string): Promise<DkimKeyRow | undefined>;
  /** Stores a key unless the domain has one already (first writer wins). */
  putDkimKey(key: DkimKeyRow): Promise<void>;
  list(address: string): Promise<{ address: string; orgId: number; name: string } | undefined>;
  listMembers(address: string): Promise<string[]>;
  createList(address: string, orgId: number, name: string): Promise<void>;
  addListMember(address: string, member: string): Promise<void>;
}

/** A directory entry as written by core (see core/directory for the meaning of each field). */
export interface DirectoryRecord {
  sourceKey: string;
  kind: string;
  accountId: number | null;
  orgId: number | null;
  displayName: string;
  givenName: string;
  familyName: string;
  jobTitle: string | null;
  role: string | null;
  specialty: string | null;
  department: string | null;
  site: string | null;
  address: string | null;
  phoneDesk: string | null;
  phoneMobile: string | null;
  phonePager: string | null;
  email: string | null;
  registration: string | null;
  nationalCode: string | null;
  visibility: string;
  contentHash: string;
}

export type DirectoryIndexRow = Pick<
  DirectoryEntryRow,
  'id' | 'kind' | 'org_id' | 'visibility' | 'display_name' | 'given_name' | 'family_name' | 'job_title' | 'role' | 'specialty' | 'department' | 'site' | 'national_code'
>;

export interface DirectoryUpsert {
  id: number;
  change: 'added' | 'updated' | 'unchanged';
  /** The entry as stored now (so an index can follow without reading it back). */
  row: DirectoryEntryRow;
}

export interface DirectoryRepo {
  /** Inserts or updates by source key; a record whose content hash is unchanged writes nothing. */
  upsertMany(records: readonly DirectoryRecord[]): Promise<DirectoryUpsert[]>;
  byIds(ids: readonly number[]): Promise<DirectoryEntryRow[]>;
  bySourceKey(key: string): Promise<DirectoryEntryRow | undefined>;
  /** Entries with id > afterId in id order (export). */
  scan(afterId: number, limit: number): Promise<DirectoryEntryRow[]>;
  /** Like scan, with only the fields the search index needs (loading a million entries at start). */
  scanForIndex(afterId: number, limit: number): Promise<DirectoryIndexRow[]>;
  remove(sourceKey: string): Promise<number | undefined>;
  count(): Promise<number>;
  /**
   * Entries written after (`since`, `afterId`) in (updated_at, id) order: how a node catches up on
   * writes made elsewhere. Start with (ms, 0); continue from the last row's (updated_at, id).
   */
  changedSince(since: number, afterId: number, limit: number): Promise<DirectoryEntryRow[]>;
}

export interface AuthRepo {
  failures(key: string): Promise<{ failures: number; last_at: number; locked_until: number } | undefined>;
  /** Counts one more failure for `key` and sets its lock from the new count; returns the count. */
  recordFailure(key: string, now: number, lockedUntil: (failures: number) => number): Promise<number>;
  clearFailures(key: string): Promise<void>;
  createSession(s: { tokenHash: string; accountId: number; csrf: string; mfaOk: boolean; ip: string | null; expiresAt: number }): Promise<void>;
  session(tokenHash: string): Promise<SessionRow | undefined>;
  deleteSession(tokenHash: string): Promise<void>;
  deleteSessionsOf(accountId: number): Promise<void>;
  purgeExpiredSessions(now: number): Promise<void>;
  createCredential(c: { accountId: number; kind: string; name: string; secretHash: string; scopes: string }): Promise<number>;
  /** A live (not revoked) credential by the hash of its secret. */
  credentialByHash(secretHash: string): Promise<CredentialRow | undefined>;
  credentials(accountId: number, kind: string): Promise<CredentialRow[]>;
  touchCredential(id: number): Promise<void>;
  revokeCredential(id: number, accountId: number): Promise<boolean>;
  mfa(accountId: number): Promise<MfaRow | undefined>;
  setMfa(accountId: number, m: { secret: string; enabledAt: number | null; recoveryHashes: string[] }): Promise<void>;
  adminScopes(accountId: number): Promise<number[]>;
  setAdminScopes(accountId: number, orgIds: number[]): Promise<void>;
}

export interface Repos {
  orgs: OrgRepo;
  accounts: AccountRepo;
  mailboxes: MailboxRepo;
  messages: MessageRepo;
  messageMeta: MessageMetaRepo;
  blobRefs: BlobRefRepo;
  audit: AuditRepo;
  sharing: SharingRepo;
  directory: DirectoryRepo;
  auth: AuthRepo;
  transport: TransportRepo;
  mailState: MailStateRepo;
}

export interface Store extends Repos {
  readonly engine: EngineName;
  readonly blobs: BlobAccess;
  /** Runs `fn` in one transaction: all of its writes commit together or none do. */
  transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T>;
  /**
   * Like `transaction`, but concurrent callers share one commit (group commit): each runs under
   * its own savepoint, so one caller's failure rolls back only its own writes, and all of them are
   * durable when their promises resolve. Used on hot write paths such as delivery.
   */
  grouped<T>(fn: (tx: Repos) => Promise<T>): Promise<T>;
  /** Engine-level consistency check; an empty list means healthy. */
  integrityCheck(): Promise<string[]>;
  /** Group-commit counters since open: transactions committed and callers they carried. */
  commitStats(): { batches: number; jobs: number };
  /** Answers when the database does (for /healthz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
