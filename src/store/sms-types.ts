/** The SMS repository core/sms asks of the store (see repos/sms.ts); part of `Repos` as `sms`. */
import type { SmsMessageRow, SmsReminderRow, SmsSettingsRow } from './schema/sms-tables.js';

export type { SmsInboundRow, SmsMessageRow, SmsReminderRow, SmsSettingsRow } from './schema/sms-tables.js';

export interface NewSms {
  orgId: number;
  accountId: number | null;
  requestedBy: string;
  replyAddress: string | null;
  to: string;
  senderId: string;
  body: string;
  encoding: string;
  parts: number;
  nextAttemptAt: number;
  expiresAt: number;
  messageId: string;
  source: string;
  batchId: string | null;
  appointmentUid: string | null;
  appointmentOccurrence: string | null;
}

export interface SmsOutcome {
  status: string;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  sentAt: number | null;
  finishedAt: number | null;
}

export interface NewReminder {
  eventUid: string;
  occurrence: string;
  offsetMinutes: number;
  orgId: number;
  to: string;
  sendAt: number;
  appointmentStart: number;
  ownerAccountId: number | null;
  fieldsJson: string;
}

export interface SmsListFilter {
  orgIds: number[] | null;
  accountId?: number;
  status?: string;
  batchId?: string;
  beforeId?: number;
  limit: number;
}

export interface SmsRepo {
  settings(orgId: number): Promise<SmsSettingsRow | undefined>;
  putSettings(orgId: number, s: { senderId: string | null; monthlyCap: number; replyAddress: string | null }): Promise<void>;
  insert(items: readonly NewSms[]): Promise<number[]>;
  byId(id: number): Promise<SmsMessageRow | undefined>;
  /** A message already queued for this Message-ID and number (a retried email-to-SMS). */
  byMessageId(messageId: string, to: string): Promise<SmsMessageRow | undefined>;
  list(filter: SmsListFilter): Promise<SmsMessageRow[]>;
  /**
   * Leases up to `limit` due queued messages to `token` until `leaseUntil` (one UPDATE; rows another
   * node leased first are skipped) and returns them. A node that dies mid-attempt leaves them to be
   * taken again when the lease runs out.
   */
  claimDue(now: number, limit: number, leaseUntil: number, token: string): Promise<SmsMessageRow[]>;
  /** Records an attempt's outcome, only while `token` still holds the lease; false otherwise. */
  recordOutcome(id: number, token: string, o: SmsOutcome): Promise<boolean>;
  addSmscIds(smsId: number, ids: readonly string[]): Promise<void>;
  /** Sets the receipt state of one part (first receipt wins); the message it belongs to, or undefined. */
  partReceipt(smscId: string, state: string): Promise<number | undefined>;
  partStates(smsId: number): Promise<(string | null)[]>;
  finish(id: number, status: string, deliveredParts: number, lastError: string | null, at: number | null): Promise<void>;
  /** queued -> cancelled; false when it is no longer queued. */
  cancel(id: number, at: number): Promise<boolean>;
  /** The latest message sent to `number` since `since` (the one a reply answers). */
  latestTo(number: string, since: number): Promise<SmsMessageRow | undefined>;
  optOut(orgId: number, number: string, source: string): Promise<void>;
  optIn(orgId: number, number: string): Promise<boolean>;
  isOptedOut(orgId: number, number: string): Promise<boolean>;
  optOuts(orgId: number, limit: number): Promise<{ number: string; createdAt: number; source: string }[]>;
  /** Adds `parts` to the month's count only if it stays within `cap` (0 = no cap); false when over. */
  chargeMonth(orgId: number, month: string, parts: number, cap: number): Promise<boolean>;
  monthUsage(orgId: number, month: string): Promise<number>;
  addDaily(orgId: number, day: string, messages: number, parts: number): Promise<void>;
  daily(orgIds: number[] | null, sinceDay: string): Promise<{ orgId: number; day: string; messages: number; parts: number }[]>;
  /**
   * Stores one part of a concatenated inbound message (a repeated part replaces itself) and returns
   * every part in order once all are in (they stay until `dropInboundParts`); null while some are
   * missing. Parts older than `expireBefore` are dropped first (a sender whose other parts never came).
   */
  addInboundPart(p: { key: string; seq: number; total: number; from: string; to: string; body: string; receivedAt: number }, expireBefore: number): Promise<{ seq: number; body: string }[] | null>;
  dropInboundParts(key: string): Promise<void>;
  insertInbound(m: { from: string; to: string; body: string; receivedAt: number; orgId: number | null; smsId: number | null; action: string }): Promise<number>;
  reminder(uid: string, occurrence: string, offsetMinutes: number): Promise<SmsReminderRow | undefined>;
  remindersOf(uid: string): Promise<SmsReminderRow[]>;
  /** Inserts a reminder unless its key exists (idempotent); true when inserted. */
  insertReminder(r: NewReminder): Promise<boolean>;
  /** Changes a pending reminder (moved appointment, new number); false when it is no longer pending. */
  updatePendingReminder(uid: string, occurrence: string, offsetMinutes: number, patch: { sendAt?: number; appointmentStart?: number; to?: string; fieldsJson?: string; status?: string }): Promise<boolean>;
  /** A cancelled reminder made pending again (the appointment was restored); false when not cancelled. */
  reviveReminder(uid: string, occurrence: string, offsetMinutes: number, patch: { sendAt: number; appointmentStart: number; to: string; fieldsJson: string }): Promise<boolean>;
  dueReminders(now: number, limit: number): Promise<SmsReminderRow[]>;
  /** Pending reminders of appointments starting in [from, to) (to find those whose appointment is gone). */
  pendingReminders(from: number, to: number, limit: number): Promise<SmsReminderRow[]>;
  /** pending -> queued with its SMS, compare-and-set (two nodes never both send it). */
  markReminderQueued(uid: string, occurrence: string, offsetMinutes: number, smsId: number): Promise<boolean>;
}
