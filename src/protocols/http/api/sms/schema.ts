import { z } from 'zod';

const isoTime = z.iso.datetime({ offset: true }).describe('when to send (ISO 8601); now when absent');

export const SmsRecordSchema = z.object({
  id: z.number(),
  org: z.number(),
  to: z.string(),
  from: z.string(),
  body: z.string(),
  encoding: z.string(),
  parts: z.number(),
  status: z.enum(['queued', 'sent', 'delivered', 'failed', 'expired', 'cancelled']),
  attempts: z.number(),
  lastError: z.string().nullable(),
  source: z.string(),
  batchId: z.string().nullable(),
  messageId: z.string(),
  requestedBy: z.string(),
  scheduledFor: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export const SmsList = z.object({ items: z.array(SmsRecordSchema) });

export const SendBody = z.object({
  to: z.string().min(1).max(32).describe('mobile number, E.164 (+447700900123) or national'),
  body: z.string().min(1).max(2000),
  org: z.string().min(1).max(100).optional().describe('organisation slug to charge; your own when absent'),
  sendAt: isoTime.optional(),
});
export const PreviewBody = z.object({ body: z.string().max(2000) });
export const PreviewResponse = z.object({ encoding: z.enum(['gsm7', 'ucs2']), parts: z.number(), units: z.number(), remaining: z.number(), nonGsm: z.array(z.string()) });

const BulkRecipientSchema = z
  .object({ to: z.string().min(1).max(32), name: z.string().max(200).optional(), date: z.string().max(100).optional(), clinic: z.string().max(200).optional(), fields: z.record(z.string(), z.string().max(500)).optional() })
  .describe('merge fields: name, date, clinic, or any in fields');
export const BulkBody = z
  .object({
    template: z.string().min(1).max(2000).describe('text with {{name}}, {{date}}, {{clinic}} or other field placeholders'),
    recipients: z.array(BulkRecipientSchema).min(1).max(50_000).optional(),
    csv: z.string().max(5_000_000).optional().describe('a header row (to|mobile|number|phone, then merge fields) and one row per recipient'),
    org: z.string().min(1).max(100).optional(),
    sendAt: isoTime.optional(),
  })
  .refine((b) => (b.recipients === undefined) !== (b.csv === undefined), { message: 'give either recipients or csv', path: ['recipients'] });
export const BulkResponse = z.object({ batchId: z.string(), queued: z.number(), parts: z.number(), skipped: z.array(z.object({ row: z.number(), to: z.string(), reason: z.string() })) });

export const ListQuery = z.object({
  status: z.enum(['queued', 'sent', 'delivered', 'failed', 'expired', 'cancelled']).optional(),
  batch: z.string().max(64).optional(),
  before: z.coerce.number().int().positive().optional().describe('ids below this (paging, newest first)'),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
export const IdParams = z.object({ id: z.coerce.number().int().positive() });
export const OrgQuery = z.object({ org: z.string().min(1).max(100).optional() });
export const NumberParams = z.object({ number: z.string().min(3).max(32) });
export const OptOutList = z.object({ items: z.array(z.object({ number: z.string(), createdAt: z.string(), source: z.string() })) });
export const UsageQuery = z.object({ org: z.string().min(1).max(100).optional(), since: z.iso.date().optional().describe('first day (YYYY-MM-DD); 31 days ago when absent') });
export const UsageList = z.object({ items: z.array(z.object({ orgId: z.number(), day: z.string(), messages: z.number(), parts: z.number() })) });
export const OrgParams = z.object({ org: z.string().min(1).max(100) });
export const SettingsSchema = z.object({ orgId: z.number(), senderId: z.string(), monthlyCap: z.number(), replyAddress: z.string().nullable() });
export const SettingsBody = z.object({
  senderId: z.string().min(1).max(15).nullable().optional(),
  monthlyCap: z.number().int().min(0).optional().describe('parts per calendar month; 0 = no cap'),
  replyAddress: z.string().min(3).max(320).nullable().optional().describe('mailbox replies to reminders and bulk sends go to'),
});
export const GatewayState = z.object({ gateway: z.string(), enabled: z.boolean(), up: z.boolean(), detail: z.string() });
export const Ok = z.object({ ok: z.boolean() });

/** What an HTTP SMS provider pushes back (the gateway checks the fields, as its format is the provider's). */
export const ProviderCallback = z
  .object({ type: z.enum(['receipt', 'inbound']) })
  .catchall(z.unknown())
  .describe('{"type":"receipt","id","state":"delivered|failed|expired","error"?} or {"type":"inbound","from","to","text"}');
