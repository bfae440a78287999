/** Request and response shapes of /api/v1/directory: validated here, documented in OpenAPI from here. */
import { z } from 'zod';
import { PHOTO_MAX_BYTES } from '../../../../core/directory/photo.js';
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
  photoUrl: z.string().nullable().describe('Where the entry\'s photo is (GET, same sign-in), null when it has none; the URL changes with the photo'),
});

export const PhotoBodySchema = z.object({
  data: z
    .string()
    .max(Math.ceil(PHOTO_MAX_BYTES / 3) * 4 + 4)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64')
    .describe(`The image, base64: JPEG or PNG of at most ${PHOTO_MAX_BYTES} bytes`),
});

export const PhotoResponseSchema = z.string().describe('The image bytes (image/jpeg or image/png), with an ETag');

export const SearchResponseSchema = z.object({ total: z.number(), offset: z.number(), limit: z.number(), entries: z.array(EntrySchema), tookMs: z.number() });

export const OrganisationsResponseSchema = z.object({
  organisations: z.array(z.object({ id: z.number(), slug: z.string(), name: z.string(), kind: z.string(), parentId: z.number().nullable(), nationalCode: z.string().nullable() })),
});
