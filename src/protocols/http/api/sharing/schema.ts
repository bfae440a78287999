import { z } from 'zod';

export const DelegateSchema = z.object({
  grantee: z.object({ id: z.number(), address: z.string(), displayName: z.string() }),
  mailbox: z.string().describe("RFC 4314 rights on the owner's INBOX ('' none)"),
  folders: z.array(z.object({ name: z.string(), rights: z.string() })),
  calendar: z.string().describe("RFC 4314 rights on the owner's calendars ('' none)"),
  sendAs: z.boolean(),
  sendOnBehalf: z.boolean(),
});
export const DelegateList = z.object({ items: z.array(DelegateSchema) });
export const DelegateParams = z.object({ address: z.string().min(3).max(320), grantee: z.string().min(3).max(320) });
export const DelegateBody = z
  .object({
    mailbox: z.string().max(20).optional().describe("rights letters (lrswipkxtea) or read / write / full, on every folder; '' removes"),
    calendar: z.string().max(20).optional().describe("rights letters or freebusy / read / write / delegate / full, on every calendar; '' removes"),
    sendAs: z.boolean().optional(),
    sendOnBehalf: z.boolean().optional(),
  })
  .strict();
export const AliasBody = z.object({ alias: z.string().min(3).max(320) });
export const AliasParams = z.object({ address: z.string().min(3).max(320), alias: z.string().min(3).max(320) });
export const SharedMailboxBody = z.object({
  address: z.string().min(3).max(320),
  org: z.string().min(1).max(100),
  name: z.string().min(1).max(200),
  quota: z.union([z.string().max(20), z.number().int().min(0)]).optional(),
});
