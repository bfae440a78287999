/**
 * The Store interface: everything core/ may ask of persistence. One implementation of the
 * repositories (Kysely, see repos/) serves both engines; an engine only supplies its Kysely
 * dialect, its blob store and its own checks. Repositories hold no business rules: quotas,
 * permissions and defaults are decided in core/.
 */
import type { BlobAccess } from './blobs/blob-access.js';
import type { AccountRow, AuditRow, MailboxRow, MessageRow, OrgRow } from './schema/tables.js';
import type { CredentialRow, DirectoryEntryRow, MfaRow, SessionRow } from './schema/tables.js';
import type { DkimKeyRow, OutboundQueueRow, WebhookDeliveryRow, WebhookRow } from './schema/tables.js';
import type { CalendarObjectRow, CalendarRow } from './schema/tables.js';
import type { SmsRepo } from './sms-types.js';
export type * from './sms-types.js';

export type { AccountRow, AuditRow, MailboxRow, MessageRow, OrgRow } from './schema/tables.js';
export type { DirectoryEntryRow } from './schema/tables.js';
export type { DkimKeyRow, OutboundQueueRow, WebhookDeliveryRow, WebhookRow } from './schema/tables.js';
export type { CalendarObjectRow, CalendarRow } from './schema/tables.js';
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
  /** Soft deletion: both set while deleted, both null once restored. */
  deletedAt?: number | null;
  purgeAfter?: number | null;
  /** Only a purge changes the address (to a tombstone that frees the real one). */
  address?: string;
}

export interface AccountRepo {
  insert(a: NewAccount): Promise<AccountRow>;
  byId(id: number): Promise<AccountRow | undefined>;
  byAddress(address: string): Promise<AccountRow | undefined>;
  /** The account that owns `address`, as its primary address or as an alias. */
  resolve(address: string): Promise<AccountRow | undefined>;
  list(filter: { orgId?: number; orgIds?: readonly number[]; limit?: number; offset?: number }): Promise<AccountRow[]>;
  update(id: number, patch: AccountPatch): Promise<void>;
  addAlias(accountId: number, address: string): Promise<void>;
  aliases(accountId: number): Promise<string[]>;
  /** The aliases of many accounts in one query (account id -> sorted aliases). */
  aliasesOf(accountIds: readonly number[]): Promise<Map<number, string[]>>;
  /** Removes one alias; false when no alias has that address. */
  removeAlias(address: string): Promise<boolean>;
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
  /** JMAP thread key (see store/schema/thread-key.ts). */
  threadId?: string;
}

export interface MessageMetaRepo {
  /** Stores the parsed form of a body once; a second delivery of the same bytes keeps the first. */
  put(meta: MessageMeta): Promise<void>;
  get(blobHash: string): Promise<MessageMeta | undefined>;
}

/**
 * The persistent text index (migration 0012_imap_search): a trigram index of each body's text and
 * header text, fed from a queue that a trigger fills at delivery, so delivery itself does no indexing.
 */
/**
 * Turns a stored parsed form (`index_json`) into the header text the index covers. `module` and
 * `exportName` say where an ES module exports the same function, so an engine can run it on a
 * thread of its own (the SQLite engine indexes on a worker thread).
 */
export interface HeaderTextExtractor {
  (indexJson: string): string;
  readonly module: string;
  readonly exportName: string;
}

export interface TextSearchRepo {
  /**
   * Indexes bodies stored and not yet indexed: up to `limit` in one transaction on this thread
   * (PostgreSQL), or all of them on the engine's indexing thread (SQLite). Resolves with how many
   * it took, once they are searchable; 0 means the index covered everything committed before the call.
   */
  drain(limit: number, headerText: HeaderTextExtractor): Promise<number>;
  /** How many bodies wait to be indexed. */
  pending(): Promise<number>;
  /**
   * UIDs of a mailbox whose text may contain `needle` (case-insensitively): the body text, and the
   * header text when `headers`. `exact` when they all do; null when the index cannot narrow the
   * search (a needle under three characters), so every message must be checked.
   */
  candidates(mailboxId: number, needle: string, headers: boolean): Promise<{ uids: number[]; exact: boolean } | null>;
  /** The stored body text and parsed form of the given UIDs (at most a few hundred), for checking candidates. */
  texts(mailboxId: number, uids: readonly number[]): Promise<{ uid: number; body: string; headers: string }[]>;
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
  /** Newest first; `action` matches a prefix ("account." for every account action), `target` exactly. */
  list(filter: { orgId?: number; orgIds?: number[]; since?: number; until?: number; action?: string; target?: string; limit?: number }): Promise<AuditRow[]>;
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
  /** Every folder grant on mailboxes `ownerAccountId` owns (who has which rights on what). */
  aclOfOwner(ownerAccountId: number): Promise<AclEntry[]>;
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
  /** Message rows with these UIDs (any order, repeats ignored), ascending; UIDs not in the folder are left out. */
  messagesByUids(mailboxId: number, uids: readonly number[]): Promise<MessageRow[]>;
  /** UID, flags and MODSEQ of every message of a folder, ascending (a light read for SELECT and STATUS). */
  flagsOf(mailboxId: number): Promise<{ uid: number; flags: string; modseq: number }[]>;
  /** Takes the next MODSEQ of a mailbox (locks its row until commit). */
  bumpModseq(mailboxId: number): Promise<number>;
  setFlags(mailboxId: number, uid: number, flags: string, modseq: number): Promise<void>;
  removeMessages(mailboxId: number, uids: readonly number[]): Promise<void>;
  adjustMailbox(mailboxId: number, count: number, bytes: number): Promise<void>;
  releaseQuota(accountId: number, bytes: number): Promise<void>;
  /**
   * Claims the UIDs below `nextUid` that no session has been told are \Recent yet (RFC 3501 2.3.2);
   * returns the first claimed UID (`nextUid` when there was nothing to claim).
   */
  claimRecent(mailboxId: number, nextUid: number): Promise<number>;
  /** Records expunged UIDs; `hashes` (parallel to `uids`) names their bodies for JMAP Email/changes. */
  recordExpunged(mailboxId: number, uids: readonly number[], modseq: number, hashes?: readonly string[]): Promise<void>;
  expungedSince(mailboxId: number, modseq: number): Promise<number[]>;
  indexes(hashes: readonly string[]): Promise<{ blobHash: string; indexJson: string }[]>;
  /** UIDs whose stored text columns contain `needle` (case-insensitive). */
  searchText(mailboxId: number, needle: string, columns: readonly ('subject' | 'from_text' | 'search_text' | 'index_json')[], onlyUids?: readonly number[]): Promise<number[]>;
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
  removeListMember(address: string, member: string): Promise<boolean>;
  /** Lists of some organisations (null: all), by address. */
  lists(orgIds: readonly number[] | null): Promise<{ address: string; orgId: number; name: string; members: number }[]>;
  deleteList(address: string): Promise<void>;
}

export interface NewWebhook {
  orgId: number;
  url: string;
  secret: string;
  events: string[];
  createdBy: string;
}

/** Webhooks for account events and their durable delivery queue (see repos/webhooks.ts). */
export interface WebhookRepo {
  create(w: NewWebhook): Promise<WebhookRow>;
  byId(id: number): Promise<WebhookRow | undefined>;
  /** Webhooks of some organisations (null: all). */
  list(orgIds: readonly number[] | null): Promise<WebhookRow[]>;
  remove(id: number): Promise<void>;
  enqueue(items: { webhookId: number; event: string; payload: string; at: number }[]): Promise<number[]>;
  delivery(id: number): Promise<WebhookDeliveryRow | undefined>;
  /** Pending deliveries due by `now`, oldest first. */
  due(now: number, limit: number): Promise<WebhookDeliveryRow[]>;
  /** The next pending attempt time, if any (to arm one timer instead of polling). */
  nextDue(): Promise<number | undefined>;
  /** Moves a pending delivery's next attempt to `leaseUntil` if nobody else did first. */
  claim(id: number, expectedNextAttemptAt: number, leaseUntil: number): Promise<boolean>;
  recordAttempt(id: number, a: { status: 'pending' | 'delivered' | 'failed'; attempts: number; nextAttemptAt: number; lastStatus: number | null; lastError: string | null; finishedAt: number | null }): Promise<void>;
  deliveries(webhookId: number, limit: number): Promise<WebhookDeliveryRow[]>;
}

/** Figures for the portal's charts, and the account purge (see repos/admin.ts). */
export interface AdminRepo {
  accountCounts(orgIds: readonly number[] | null): Promise<{ orgId: number; status: string; count: number; usedBytes: number; quotaBytes: number }[]>;
  /** Messages stored per day (UTC, by internal date) since `since`, per organisation. */
  mailPerDay(orgIds: readonly number[] | null, since: number): Promise<{ day: string; orgId: number; messages: number; bytes: number }[]>;
  /** Deleted accounts whose retention ended by `now`. */
  dueForPurge(now: number, limit: number): Promise<AccountRow[]>;
  /** Removes everything of an account but its row and mailboxes: credentials, sessions, MFA, grants, aliases, mail settings. */
  purgeAccountData(accountId: number): Promise<void>;
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
  'id' | 'kind' | 'org_id' | 'visibility' | 'display_name' | 'given_name' | 'family_name' | 'job_title' | 'role' | 'specialty' | 'department' | 'site' | 'national_code' | 'email' | 'updated_at'
>;

export interface DirectoryUpsert {
  id: number;
  change: 'added' | 'updated' | 'unchanged';
  /** The entry as stored now (so an index can follow without reading it back), its photo aside. */
  row: Omit<DirectoryEntryRow, 'photo_etag'>;
}

/** A directory entry's photo. */
export interface DirectoryPhoto {
  contentType: string;
  data: Buffer;
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
  /** The same rows' ids and versions only: what a catch-up reads first (most of them it has). */
  versionsSince(since: number, afterId: number, limit: number): Promise<Pick<DirectoryEntryRow, 'id' | 'updated_at'>[]>;
  /**
   * Sets (or with null removes) an entry's photo under version tag `etag`, and marks the entry
   * changed; returns the entry as stored now (undefined: no such entry). Run it in a transaction.
   */
  setPhoto(entryId: number, photo: (DirectoryPhoto & { etag: string }) | null): Promise<DirectoryEntryRow | undefined>;
  photo(entryId: number): Promise<DirectoryPhoto | undefined>;
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

/** A light message row for listing, filtering and sorting without the parsed form. */
export interface MessageListRow {
  mailboxId: number;
  uid: number;
  modseq: number;
  blobHash: string;
  size: number;
  internalDate: number;
  flags: string;
}

export interface MailboxLogEntry {
  seq: number;
  mailboxId: number;
  change: string;
  hashes: string[];
}

/** An account's mail settings: Sieve script, vacation and identity settings (JSON). */
export interface MailSettings {
  sieve: string;
  vacationJson: string;
  identitiesJson: string;
}

/** Reads and logs JMAP needs over the mail tables (see repos/jmap.ts). */
export interface JmapRepo {
  /** Appends to an account's folder log; returns the entry's sequence number. */
  logMailbox(accountId: number, mailboxId: number, change: string, hashes?: readonly string[]): Promise<void>;
  mailboxLogSince(accountIds: readonly number[], afterSeq: number): Promise<(MailboxLogEntry & { accountId: number })[]>;
  /** The newest folder log entry of these accounts (0 when none). */
  mailboxLogHead(accountIds: readonly number[]): Promise<number>;
  /** Light rows of the given folders (all, or only those holding one of `hashes`). */
  rows(mailboxIds: readonly number[], hashes?: readonly string[]): Promise<MessageListRow[]>;
  /** One page of a folder set, newest (or oldest) arrival first, and the count of rows. */
  page(mailboxIds: readonly number[], opts: { descending: boolean; offset: number; limit: number }): Promise<MessageListRow[]>;
  /** Rows changed (created or flagged) after a MODSEQ. */
  changedSince(mailboxId: number, modseq: number): Promise<MessageListRow[]>;
  /** Expunged copies after a MODSEQ with their bodies. */
  expungedSince(mailboxId: number, modseq: number): Promise<{ uid: number; blobHash: string | null }[]>;
  threadIds(hashes: readonly string[]): Promise<Map<string, string>>;
  /** Bodies of a thread held in the given folders. */
  threadMembers(mailboxIds: readonly number[], threadIds: readonly string[]): Promise<{ threadId: string; row: MessageListRow }[]>;
  settings(accountId: number): Promise<MailSettings | undefined>;
  setSettings(accountId: number, settings: MailSettings): Promise<void>;
  /** Unread messages, threads and unread threads per folder (JMAP Mailbox counts). */
  counts(mailboxIds: readonly number[]): Promise<Map<number, { unread: number; threads: number; unreadThreads: number }>>;
  /** When a vacation reply with this handle last went to `sender` (ms), if ever. */
  lastVacationReply(accountId: number, sender: string, handle: string): Promise<number | undefined>;
  recordVacationReply(accountId: number, sender: string, handle: string, at: number): Promise<void>;
}

export interface NewCalendar {
  accountId: number;
  path: string;
  kind: string;
  displayName: string;
  description?: string | null;
  color?: string | null;
  timezone?: string | null;
  components?: string;
}

export interface CalendarPatch {
  displayName?: string;
  description?: string | null;
  color?: string | null;
  timezone?: string | null;
  booking?: string;
}

/** A calendar object as core writes it (the columns are derived from `data` by core/calendar). */
export interface CalendarObjectWrite {
  calendarId: number;
  name: string;
  uid: string | null;
  component: string | null;
  contentType: string;
  data: string;
  etag: string;
  firstStart: number | null;
  lastEnd: number | null;
  recurring: boolean;
  organizer: string | null;
  patientMobile: string | null;
  reminderPolicy: string | null;
  seq: number;
}

/** Calendars, their objects, change log, grants and dead properties (see repos/calendar.ts). */
export interface CalendarRepo {
  create(c: NewCalendar): Promise<CalendarRow>;
  byPath(accountId: number, path: string): Promise<CalendarRow | undefined>;
  byId(id: number): Promise<CalendarRow | undefined>;
  list(accountId: number): Promise<CalendarRow[]>;
  update(id: number, patch: CalendarPatch): Promise<void>;
  /** Removes a collection and every collection below it (objects, changes, grants go with them). */
  removeTree(accountId: number, path: string): Promise<number>;
  /** Takes the collection's next change number (locks its row until commit). */
  bump(calendarId: number): Promise<number>;
  /** Inserts or replaces the object named `name` in its collection. */
  putObject(o: CalendarObjectWrite): Promise<void>;
  object(calendarId: number, name: string): Promise<CalendarObjectRow | undefined>;
  objects(calendarId: number): Promise<CalendarObjectRow[]>;
  /** Objects whose span overlaps [start, end) (or that have no span at all, such as undated tasks). */
  objectsOverlapping(calendarIds: readonly number[], start: number, end: number): Promise<CalendarObjectRow[]>;
  objectsByUid(calendarIds: readonly number[], uid: string): Promise<CalendarObjectRow[]>;
  removeObject(calendarId: number, name: string): Promise<boolean>;
  recordChange(calendarId: number, seq: number, name: string, deleted: boolean): Promise<void>;
  /** The latest change of each member after `seq`. */
  changesSince(calendarId: number, seq: number): Promise<{ name: string; deleted: boolean; seq: number }[]>;
  props(calendarId: number, objectName: string): Promise<{ ns: string; name: string; value: string }[]>;
  setProp(calendarId: number, objectName: string, ns: string, name: string, value: string): Promise<void>;
  removeProp(calendarId: number, objectName: string, ns: string, name: string): Promise<void>;
  moveProps(calendarId: number, fromName: string, toCalendarId: number, toName: string): Promise<void>;
  setAcl(calendarId: number, granteeAccountId: number, rights: string): Promise<void>;
  aclFor(calendarId: number, granteeAccountId: number): Promise<string | undefined>;
  acl(calendarId: number): Promise<{ granteeAccountId: number; rights: string }[]>;
  grantsTo(granteeAccountId: number): Promise<{ calendarId: number; rights: string }[]>;
  /** Objects carrying a patient mobile number whose span overlaps [start, end). */
  appointments(start: number, end: number, limit: number): Promise<CalendarObjectRow[]>;
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
  jmap: JmapRepo;
  calendar: CalendarRepo;
  sms: SmsRepo;
  webhooks: WebhookRepo;
  admin: AdminRepo;
}

export interface Store extends Repos {
  readonly engine: EngineName;
  readonly blobs: BlobAccess;
  readonly textSearch: TextSearchRepo;
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
  /**
   * Group-commit counters since open: transactions committed, callers they carried, and the syncs
   * to stable storage that made them durable (SQLite's WAL fdatasyncs; PostgreSQL: its commits).
   */
  commitStats(): { batches: number; jobs: number; syncs: number };
  /** Answers when the database does (for /healthz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
