/**
 * Row types of every table, as Kysely sees them. One definition for both engines: timestamps are
 * integers (milliseconds since the epoch) and booleans are 0/1 integers so the same query code runs
 * on SQLite and PostgreSQL unchanged.
 */
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { SmsTables } from './sms-tables.js';

export interface OrgsTable {
  id: Generated<number>;
  slug: string;
  name: string;
  parent_id: number | null;
  kind: string;
  national_code: string | null;
  status: string;
  created_at: number;
}

export interface OrgDomainsTable {
  domain: string;
  org_id: number;
  created_at: number;
}

export interface AccountsTable {
  id: Generated<number>;
  org_id: number;
  address: string;
  display_name: string;
  given_name: string;
  family_name: string;
  job_title: string | null;
  mobile: string | null;
  role: string;
  quota_bytes: number;
  used_bytes: number;
  status: string;
  password_hash: string | null;
  must_change_password: number;
  created_at: number;
  updated_at: number;
  /** 'person', or 'shared' for a team mailbox that people open through grants. */
  kind: Generated<string>;
  /** Set while an account is deleted but within its retention period (status 'deleted'). */
  deleted_at: Generated<number | null>;
  purge_after: Generated<number | null>;
}

export interface WebhooksTable {
  id: Generated<number>;
  org_id: number;
  url: string;
  secret: string;
  events: string;
  active: number;
  created_by: string;
  created_at: number;
}

export interface WebhookDeliveriesTable {
  id: Generated<number>;
  webhook_id: number;
  event: string;
  payload: string;
  status: string;
  attempts: number;
  next_attempt_at: number;
  last_status: number | null;
  last_error: string | null;
  created_at: number;
  finished_at: number | null;
}


export interface AliasesTable {
  address: string;
  account_id: number;
  created_at: number;
}

export interface MailboxesTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  special_use: string | null;
  uidvalidity: number;
  uidnext: number;
  highestmodseq: number;
  message_count: number;
  size_bytes: number;
  subscribed: number;
  created_at: number;
  /** First UID not yet reported \Recent to any session (RFC 3501 section 2.3.2; 0012). */
  recent_uid: Generated<number>;
}

export interface MessagesTable {
  id: Generated<number>;
  mailbox_id: number;
  uid: number;
  modseq: number;
  blob_hash: string;
  size: number;
  internal_date: number;
  flags: string;
}

export interface MessageMetaTable {
  blob_hash: string;
  subject: string;
  from_text: string;
  sent_at: number | null;
  message_id: string | null;
  index_json: string;
  search_text: string;
  /** JMAP thread key (RFC 8621 section 3), derived from the Message-ID/References root; null on rows older than 0008_jmap. */
  thread_id: Generated<string | null>;
}

export interface BlobsTable {
  hash: string;
  size: number;
  refcount: number;
  created_at: number;
  /** The bytes of a small blob, kept inline; null when they live in the engine's byte store. */
  data: Buffer | null;
}

export interface BlobChunksTable {
  hash: string;
  seq: number;
  data: Buffer;
  created_at: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  actor: string;
  actor_account_id: number | null;
  org_id: number | null;
  action: string;
  target: string;
  ip: string | null;
  detail: string;
}

export interface MailboxAclTable {
  mailbox_id: number;
  grantee_account_id: number;
  rights: string;
  created_at: number;
}

export interface SendGrantsTable {
  owner_account_id: number;
  grantee_account_id: number;
  mode: string;
  created_at: number;
}

/** UIDs expunged from a mailbox and the MODSEQ of their removal (QRESYNC VANISHED, JMAP changes). */
export interface ExpungedMessagesTable {
  mailbox_id: number;
  uid: number;
  modseq: number;
  /** The body the expunged copy referred to (JMAP Email ids are per body); null before 0008_jmap. */
  blob_hash: Generated<string | null>;
}

/** Folder changes per account (created, renamed, deleted, subscribed, rights): JMAP Mailbox/changes. */
export interface MailboxLogTable {
  seq: Generated<number>;
  account_id: number;
  mailbox_id: number;
  change: string;
  /** For a deleted folder: the bodies it held (JSON array), so Email/changes can report them. */
  hashes: string | null;
  at: number;
}

/** Mail settings of an account: its Sieve script (RFC 5228), vacation (RFC 8621 section 8), identities (section 6). */
export interface MailSettingsTable {
  account_id: number;
  sieve: string;
  vacation_json: string;
  /** JMAP Identity settings (names, signatures) by identity id, as JSON. */
  identities_json: string;
  updated_at: number;
}

/** When a vacation reply last went to a sender (RFC 5230 section 4.1 ":days"). */
export interface VacationRepliesTable {
  account_id: number;
  sender: string;
  handle: string;
  sent_at: number;
}

/** A grantee's subscription to a folder of another account. */
export interface SharedSubscriptionsTable {
  account_id: number;
  mailbox_id: number;
}

/** One recipient of a message waiting for (or done with) outbound delivery. */
export interface OutboundQueueTable {
  id: Generated<number>;
  message_key: string;
  blob_hash: string;
  size: number;
  sender: string;
  sender_account_id: number | null;
  recipient: string;
  domain: string;
  dkim_domain: string | null;
  status: string;
  attempts: number;
  next_attempt_at: number;
  last_attempt_at: number | null;
  last_error: string | null;
  remote_host: string | null;
  created_at: number;
  expires_at: number;
  finished_at: number | null;
}

export interface DkimKeysTable {
  domain: string;
  selector: string;
  algorithm: string;
  private_key: string;
  public_key: string;
  created_at: number;
}

export interface DistributionListsTable {
  address: string;
  org_id: number;
  name: string;
  created_at: number;
}

export interface DistributionListMembersTable {
  list_address: string;
  member: string;
  created_at: number;
}

export interface DirectoryEntriesTable {
  id: Generated<number>;
  source_key: string;
  kind: string;
  account_id: number | null;
  org_id: number | null;
  display_name: string;
  given_name: string;
  family_name: string;
  job_title: string | null;
  role: string | null;
  specialty: string | null;
  department: string | null;
  site: string | null;
  address: string | null;
  phone_desk: string | null;
  phone_mobile: string | null;
  phone_pager: string | null;
  email: string | null;
  registration: string | null;
  national_code: string | null;
  visibility: string;
  content_hash: string;
  updated_at: number;
  /** Version tag of the entry's photo (directory_photos), null when none; set only by setPhoto. */
  photo_etag: ColumnType<string | null, never, string | null>;
}

export type DirectoryEntryRow = Selectable<DirectoryEntriesTable>;

export interface DirectoryPhotosTable {
  entry_id: number;
  content_type: string;
  data: Buffer;
  updated_at: number;
}

export interface AuthFailuresTable {
  key: string;
  failures: number;
  last_at: number;
  locked_until: number;
}

export interface SessionsTable {
  token_hash: string;
  account_id: number;
  csrf: string;
  mfa_ok: number;
  ip: string | null;
  created_at: number;
  expires_at: number;
}

export interface CredentialsTable {
  id: Generated<number>;
  account_id: number;
  kind: string;
  name: string;
  secret_hash: string;
  scopes: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface MfaTable {
  account_id: number;
  secret: string;
  enabled_at: number | null;
  recovery_hashes: string;
}

export interface AdminScopesTable {
  account_id: number;
  org_id: number;
}

/** Bodies whose text is not in the text index yet (filled by a trigger on message_meta, 0012). */
export interface TextIndexQueueTable {
  blob_hash: string;
}

/** PostgreSQL only: the header text of each body, trigram-indexed (SQLite keeps it in FTS5). */
export interface MessageTextHeadersTable {
  blob_hash: string;
  headers: string;
}

export type SessionRow = Selectable<SessionsTable>;
export type CredentialRow = Selectable<CredentialsTable>;
export type MfaRow = Selectable<MfaTable>;

export interface CalendarsTable {
  id: Generated<number>;
  account_id: number;
  path: string;
  kind: string;
  display_name: string;
  description: string | null;
  color: string | null;
  timezone: string | null;
  components: string;
  booking: string;
  sync_seq: number;
  created_at: number;
  updated_at: number;
}

export interface CalendarObjectsTable {
  id: Generated<number>;
  calendar_id: number;
  name: string;
  uid: string | null;
  component: string | null;
  content_type: string;
  data: string;
  size: number;
  etag: string;
  first_start: number | null;
  last_end: number | null;
  recurring: number;
  organizer: string | null;
  patient_mobile: string | null;
  reminder_policy: string | null;
  seq: number;
  created_at: number;
  updated_at: number;
}

export interface CalendarChangesTable {
  calendar_id: number;
  seq: number;
  name: string;
  deleted: number;
}

export interface CalendarAclTable {
  calendar_id: number;
  grantee_account_id: number;
  rights: string;
  created_at: number;
}

export interface DavPropertiesTable {
  calendar_id: number;
  object_name: string;
  ns: string;
  name: string;
  value: string;
}

export interface Database extends SmsTables {
  orgs: OrgsTable;
  org_domains: OrgDomainsTable;
  accounts: AccountsTable;
  aliases: AliasesTable;
  mailboxes: MailboxesTable;
  messages: MessagesTable;
  message_meta: MessageMetaTable;
  blobs: BlobsTable;
  blob_chunks: BlobChunksTable;
  audit_log: AuditLogTable;
  mailbox_acl: MailboxAclTable;
  directory_entries: DirectoryEntriesTable;
  directory_photos: DirectoryPhotosTable;
  auth_failures: AuthFailuresTable;
  sessions: SessionsTable;
  credentials: CredentialsTable;
  mfa: MfaTable;
  admin_scopes: AdminScopesTable;
  send_grants: SendGrantsTable;
  outbound_queue: OutboundQueueTable;
  dkim_keys: DkimKeysTable;
  distribution_lists: DistributionListsTable;
  distribution_list_members: DistributionListMembersTable;
  expunged_messages: ExpungedMessagesTable;
  shared_subscriptions: SharedSubscriptionsTable;
  mailbox_log: MailboxLogTable;
  mail_settings: MailSettingsTable;
  vacation_replies: VacationRepliesTable;
  calendars: CalendarsTable;
  calendar_objects: CalendarObjectsTable;
  calendar_changes: CalendarChangesTable;
  calendar_acl: CalendarAclTable;
  dav_properties: DavPropertiesTable;
  text_index_queue: TextIndexQueueTable;
  message_text_headers: MessageTextHeadersTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
}

export type OrgRow = Selectable<OrgsTable>;
export type AccountRow = Selectable<AccountsTable>;
export type NewAccountRow = Insertable<AccountsTable>;
export type MailboxRow = Selectable<MailboxesTable>;
export type MessageRow = Selectable<MessagesTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type OutboundQueueRow = Selectable<OutboundQueueTable>;
export type DkimKeyRow = Selectable<DkimKeysTable>;
export type CalendarRow = Selectable<CalendarsTable>;
export type CalendarObjectRow = Selectable<CalendarObjectsTable>;
export type WebhookRow = Selectable<WebhooksTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
