/** Request and response shapes of /api/v1/directory: validated here, documented in OpenAPI from here. */
import { z } from 'zod';
import { ENTRY_KINDS, VISIBILITIES } from '../../../../core/directory/types.js';

export const SearchQuerySchema = z.object({
  q: z.string().max(200).optional().describe('Free text: word prefixes, typo-tolerant ("smi jo" finds John Smith)'),
  org: z.string().max(100).optional().describe('Organisation slug or national code: search it and everything beneath it'),
  role: z.string().max(100).optional(),
  specialty: z.string().max(100).optional(),
  site: z.string().max(200).optional(),
  kind: z.enum(ENTRY_KINDS).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(20),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

export const EntryParamsSchema = z.object({ id: z.coerce.number().int().positive() });

export const EntrySchema = z.object({
  id: z.number(),
  kind: z.enum(ENTRY_KINDS),
  accountId: z.number().nullable(),
  org: z.object({ id: z.number(), slug: z.string(), name: z.string() }).nullable(),
  displayName: z.string(),
  givenName: z.string(),
  familyName: z.string(),
  jobTitle: z.string().nullable(),
  role: z.string().nullable(),
  specialty: z.string().nullable(),
  department: z.string().nullable(),
  site: z.string().nullable(),
  address: z.string().nullable(),
  phones: z.object({ desk: z.string().nullable(), mobile: z.string().nullable(), pager: z.string().nullable() }),
  email: z.string().nullable(),
  registration: z.string().nullable(),
  nationalCode: z.string().nullable(),
  visibility: z.enum(VISIBILITIES),
});

export const SearchResponseSchema = z.object({ total: z.number(), offset: z.number(), limit: z.number(), entries: z.array(EntrySchema), tookMs: z.number() });

export const OrganisationsResponseSchema = z.object({
  organisations: z.array(z.object({ id: z.number(), slug: z.string(), name: z.string(), kind: z.string(), parentId: z.number().nullable(), nationalCode: z.string().nullable() })),
});
