import { z } from 'zod';

export const LoginBody = z.object({
  address: z.string().min(3).max(320),
  password: z.string().min(1).max(1024),
  code: z.string().max(32).optional().describe('TOTP code or recovery code, when two-step sign-in is on'),
});
export const AccountSummary = z.object({
  id: z.number(),
  address: z.string(),
  displayName: z.string(),
  role: z.string(),
  org: z.object({ id: z.number(), slug: z.string(), name: z.string() }),
  mustChangePassword: z.boolean(),
});
export const LoginResponse = z.object({ account: AccountSummary, csrf: z.string() });
export const MeResponse = z.object({ account: AccountSummary, via: z.string(), mfa: z.boolean(), csrf: z.string().optional() });
export const Ok = z.object({ ok: z.literal(true) });
export const MfaBegin = z.object({ secret: z.string(), uri: z.string() });
export const MfaConfirmBody = z.object({ code: z.string().regex(/^\d{6}$/, 'six digits') });
export const MfaConfirm = z.object({ recoveryCodes: z.array(z.string()) });
export const CredentialBody = z.object({ name: z.string().min(1).max(100), scopes: z.array(z.string()).max(10).optional() });
export const CredentialCreated = z.object({ id: z.number(), secret: z.string().describe('shown once') });
export const CredentialList = z.object({
  items: z.array(z.object({ id: z.number(), kind: z.string(), name: z.string(), scopes: z.array(z.string()), createdAt: z.string(), lastUsedAt: z.string().nullable(), revoked: z.boolean() })),
});
export const PasswordBody = z.object({ current: z.string().min(1).max(1024), new: z.string().min(1).max(256) });
export const IdParams = z.object({ id: z.coerce.number().int().positive() });
