import { z } from 'zod';
import { ROLES } from '../../../../core/accounts/account-service.js';
import { DEFAULT_RETENTION_DAYS, MAX_RETENTION_DAYS } from '../../../../core/accounts/account-deletion.js';

export const AccountSchema = z.object({
  id: z.number(),
  kind: z.string(),
  address: z.string(),
  aliases: z.array(z.string()),
  displayName: z.string(),
  givenName: z.string(),
  familyName: z.string(),
  jobTitle: z.string().nullable(),
  mobile: z.string().nullable(),
  role: z.string(),
  org: z.object({ id: z.number(), slug: z.string(), name: z.string() }),
  quotaBytes: z.number(),
  usedBytes: z.number(),
  status: z.string(),
  mustChangePassword: z.boolean(),
  createdAt: z.string(),
  deletedAt: z.string().nullable(),
  purgeAfter: z.string().nullable(),
});
export const AccountList = z.object({ items: z.array(AccountSchema) });
export const ListQuery = z.object({ org: z.string().max(100).optional(), kind: z.enum(['person', 'shared']).optional() });
export const AddressParams = z.object({ address: z.string().min(3).max(320) });
export const CreateAccountBody = z.object({
  address: z.string().min(3).max(320),
  org: z.string().min(1).max(100),
  name: z.string().min(1).max(200),
  role: z.enum(ROLES).default('user'),
  quota: z.union([z.string().max(20), z.number().int().min(0)]).optional(),
  mobile: z.string().max(32).optional(),
  jobTitle: z.string().max(200).optional(),
  password: z.string().min(1).max(256).optional().describe('omit to get a one-time password back'),
});
export const CreatedAccount = z.object({ account: AccountSchema, oneTimePassword: z.string().nullable() });
export const QuotaBody = z.object({ quota: z.union([z.string().min(1).max(20), z.number().int().min(0)]) });
export const MoveBody = z.object({ org: z.string().min(1).max(100) });
export const ResetResponse = z.object({ oneTimePassword: z.string() });
export const UpdateAccountBody = z
  .object({
    name: z.string().min(1).max(200).optional(),
    jobTitle: z.string().max(200).nullable().optional(),
    mobile: z.string().max(32).nullable().optional(),
    role: z.enum(ROLES).optional(),
  })
  .strict();
export const DeleteQuery = z.object({
  retentionDays: z.coerce.number().int().min(0).max(MAX_RETENTION_DAYS).default(DEFAULT_RETENTION_DAYS).describe('days the mail is kept (and the account can be restored) before it is purged'),
});
