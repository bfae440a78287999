/** Shapes shared by the SMS services and the doors that call them. */
import type { Account } from '../accounts/account-service.js';

export type SmsStatus = 'queued' | 'sent' | 'delivered' | 'failed' | 'expired' | 'cancelled';

/** Every SMS setting core applies; the composition root fills it from the configuration. */
export interface SmsOptions {
  /** Why sending is off (no SMS centre configured), or null when it is on. */
  disabledReason: string | null;
  /** Sender ID of organisations that set none. */
  defaultSenderId: string;
  /** Country for numbers written in national form (ISO 3166 alpha-2). */
  country: string;
  /** Longest message, in parts. */
  maxParts: number;
  /** Mail domain of email-to-SMS addresses (+447700900123@sms.<national domain>) and of reply senders. */
  smsDomain: string;
  /** Retry schedule of deferred sends: first after `retryBaseMs`, doubling up to `retryMaxMs`, until `expiryMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  expiryMs: number;
  /** How long an attempt may hold a message before another node may take it (ms). */
  leaseMs: number;
  /** Messages handed to the gateway at once (the gateway's window paces them further). */
  inFlight: number;
  /** How far back a reply looks for the message it answers (ms). */
  replyWindowMs: number;
  /** How long a part of a concatenated inbound message waits for the others (ms). */
  inboundPartTtlMs: number;
}

export const DEFAULT_SMS_OPTIONS: SmsOptions = {
  disabledReason: null,
  defaultSenderId: 'Wardpost',
  country: 'GB',
  maxParts: 10,
  smsDomain: 'sms.wardpost.test',
  retryBaseMs: 30_000,
  retryMaxMs: 30 * 60_000,
  expiryMs: 24 * 3_600_000,
  leaseMs: 120_000,
  inFlight: 128,
  replyWindowMs: 30 * 86_400_000,
  inboundPartTtlMs: 24 * 3_600_000,
};

/** Who asks for an SMS: a signed-in person, or the platform itself (reminders) for an organisation. */
export type SmsRequester =
  | { kind: 'account'; account: Account; ip: string | null; token?: boolean }
  | { kind: 'system'; label: string; orgId: number; accountId: number | null; replyAddress: string | null };

export interface SmsRecord {
  id: number;
  org: number;
  to: string;
  from: string;
  body: string;
  encoding: string;
  parts: number;
  status: SmsStatus;
  attempts: number;
  lastError: string | null;
  source: string;
  batchId: string | null;
  messageId: string;
  requestedBy: string;
  scheduledFor: string | null;
  createdAt: string;
  sentAt: string | null;
  finishedAt: string | null;
}

export interface SmsPreview {
  encoding: 'gsm7' | 'ucs2';
  parts: number;
  /** Septets (GSM) or UTF-16 code units (UCS-2). */
  units: number;
  /** Room left in the last part. */
  remaining: number;
  /** Characters that forced UCS-2 (empty for GSM). */
  nonGsm: string[];
}
