/**
 * Building directory records: from accounts, from organisations and from import rows. The content
 * hash covers every stored field, so writing an unchanged record is a no-op.
 */
import { createHash } from 'node:crypto';
import type { AccountRow, DirectoryEntryRow, DirectoryRecord, DirectoryRepo, OrgRow } from '../../store/types.js';
import type { DirectoryEntry, EntryKind, Visibility } from './types.js';

export type RecordFields = Omit<DirectoryRecord, 'contentHash'>;

/** Every stored field, in a fixed order: the content hash must not depend on object key order. */
const HASHED_FIELDS: readonly (keyof RecordFields)[] = [
  'sourceKey', 'kind', 'accountId', 'orgId', 'displayName', 'givenName', 'familyName', 'jobTitle', 'role', 'specialty', 'department',
  'site', 'address', 'phoneDesk', 'phoneMobile', 'phonePager', 'email', 'registration', 'nationalCode', 'visibility',
];

export function withHash(fields: RecordFields): DirectoryRecord {
  let text = '';
  for (const k of HASHED_FIELDS) text += `${fields[k] ?? '\u0001'}\u0000`;
  return { ...fields, contentHash: createHash('sha1').update(text).digest('base64url') };
}

const EMPTY = {
  role: null,
  specialty: null,
  department: null,
  site: null,
  address: null,
  phoneDesk: null,
  phoneMobile: null,
  phonePager: null,
  registration: null,
  nationalCode: null,
} as const;

export const accountSourceKey = (accountId: number) => `account:${accountId}`;
export const orgSourceKey = (orgId: number) => `org:${orgId}`;

/** The directory record of a staff account or shared mailbox. */
export function accountRecord(a: AccountRow, extra: Partial<RecordFields> = {}): DirectoryRecord {
  return withHash({
    ...EMPTY,
    sourceKey: accountSourceKey(a.id),
    kind: a.kind === 'shared' ? 'shared-mailbox' : 'person',
    accountId: a.id,
    orgId: a.org_id,
    displayName: a.display_name,
    givenName: a.given_name,
    familyName: a.family_name,
    jobTitle: a.job_title,
    phoneMobile: a.mobile,
    email: a.address,
    visibility: 'national',
    ...extra,
  });
}

const ORG_ENTRY_KIND: Record<string, EntryKind> = { site: 'site', department: 'department' };

/** The directory record of an organisation of the tree (trusts, practices, sites, departments...). */
export function orgRecord(o: OrgRow): DirectoryRecord {
  return withHash({
    ...EMPTY,
    sourceKey: orgSourceKey(o.id),
    kind: ORG_ENTRY_KIND[o.kind] ?? 'organisation',
    accountId: null,
    orgId: o.id,
    displayName: o.name,
    givenName: '',
    familyName: '',
    jobTitle: null,
    email: null,
    nationalCode: o.national_code,
    visibility: 'national',
  });
}

export function rowToEntry(r: DirectoryEntryRow, org: { id: number; slug: string; name: string } | null): DirectoryEntry {
  return {
    id: Number(r.id),
    kind: r.kind as EntryKind,
    accountId: r.account_id === null ? null : Number(r.account_id),
    org,
    displayName: r.display_name,
    givenName: r.given_name,
    familyName: r.family_name,
    jobTitle: r.job_title,
    role: r.role,
    specialty: r.specialty,
    department: r.department,
    site: r.site,
    address: r.address,
    phones: { desk: r.phone_desk, mobile: r.phone_mobile, pager: r.phone_pager },
    email: r.email,
    registration: r.registration,
    nationalCode: r.national_code,
    visibility: r.visibility as Visibility,
    photo: r.photo_etag ?? null,
  };
}

/** Fields only the directory knows (imported or edited there): kept when an account changes. */
export function directoryOnlyFields(r: DirectoryEntryRow): Partial<RecordFields> {
  return {
    role: r.role,
    specialty: r.specialty,
    department: r.department,
    site: r.site,
    address: r.address,
    phoneDesk: r.phone_desk,
    phonePager: r.phone_pager,
    registration: r.registration,
    visibility: r.visibility,
  };
}

/** Re-derives an account's entry from the account, keeping what only the directory knows. */
export async function syncAccountEntry(repo: Pick<DirectoryRepo, 'bySourceKey' | 'upsertMany'>, a: AccountRow): Promise<void> {
  const existing = await repo.bySourceKey(accountSourceKey(a.id));
  await repo.upsertMany([accountRecord(a, existing ? directoryOnlyFields(existing) : {})]);
}
