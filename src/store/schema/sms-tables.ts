/** Row types of the SMS tables (migration 0010_sms); merged into `Database` in tables.ts. */
import type { Generated, Selectable } from 'kysely';

export interface SmsSettingsTable {
  org_id: number;
  /** Alphanumeric sender ID (at most 11 characters) or a number; null = the platform default. */
  sender_id: string | null;
  /** Parts an organisation may send per calendar month (UTC); 0 = no cap. */
  monthly_cap: number;
  /** Mailbox for replies to messages no person sent (reminders, bulk by token): a clinic's shared mailbox. */
  reply_address: string | null;
  updated_at: number;
}

export interface SmsMessagesTable {
  id: Generated<number>;
  org_id: number;
  account_id: number | null;
  /** Who asked for it (an address, "system:reminders"), for the audit trail. */
  requested_by: string;
  /** Where replies from the patient are delivered as mail. */
  reply_address: string | null;
  to_number: string;
  sender_id: string;
  body: string;
  encoding: string;
  parts: number;
  /** queued (also scheduled: next_attempt_at in the future), sent, delivered, failed, expired, cancelled. */
  status: string;
  attempts: number;
  next_attempt_at: number;
  expires_at: number;
  claim_token: string | null;
  delivered_parts: number;
  last_error: string | null;
  /** RFC 5322 Message-ID the replies thread to. */
  message_id: string;
  /** api, mail, bulk, reminder. */
  source: string;
  batch_id: string | null;
  appointment_uid: string | null;
  appointment_occurrence: string | null;
  created_at: number;
  sent_at: number | null;
  finished_at: number | null;
}

export interface SmsSmscIdsTable {
  smsc_id: string;
  sms_id: number;
  part: number;
  /** null until a receipt arrives: delivered, failed, expired. */
  state: string | null;
}

export interface SmsOptoutsTable {
  org_id: number;
  number: string;
  created_at: number;
  source: string;
}

export interface SmsUsageDailyTable {
  org_id: number;
  day: string;
  messages: number;
  parts: number;
}

export interface SmsUsageMonthlyTable {
  org_id: number;
  month: string;
  parts: number;
}

export interface SmsInboundTable {
  id: Generated<number>;
  from_number: string;
  to_address: string;
  body: string;
  received_at: number;
  org_id: number | null;
  /** The message this answers (the latest sent to this number), when one is found. */
  sms_id: number | null;
  /** stop, start, yes, cancel, mail, unmatched. */
  action: string;
}

/** One part of a concatenated inbound SMS waiting for the others (key: sender, recipient, reference). */
export interface SmsInboundPartsTable {
  message_key: string;
  seq: number;
  total: number;
  from_number: string;
  to_address: string;
  body: string;
  received_at: number;
}

export interface SmsRemindersTable {
  event_uid: string;
  occurrence: string;
  offset_minutes: number;
  org_id: number;
  to_number: string;
  send_at: number;
  appointment_start: number;
  /** pending, queued (its SMS exists: sms_id), cancelled, skipped. */
  status: string;
  sms_id: number | null;
  owner_account_id: number | null;
  fields_json: string;
  updated_at: number;
}

export interface SmsTables {
  sms_settings: SmsSettingsTable;
  sms_messages: SmsMessagesTable;
  sms_smsc_ids: SmsSmscIdsTable;
  sms_optouts: SmsOptoutsTable;
  sms_usage_daily: SmsUsageDailyTable;
  sms_usage_monthly: SmsUsageMonthlyTable;
  sms_inbound: SmsInboundTable;
  sms_inbound_parts: SmsInboundPartsTable;
  sms_reminders: SmsRemindersTable;
}

export type SmsMessageRow = Selectable<SmsMessagesTable>;
export type SmsSettingsRow = Selectable<SmsSettingsTable>;
export type SmsReminderRow = Selectable<SmsRemindersTable>;
export type SmsInboundRow = Selectable<SmsInboundTable>;
