/**
 * The national directory over the REST API (/api/v1/directory): one search, one entry, the
 * organisation tree. Shared by the recipients picker (AddressField.tsx) and the Directory screen.
 */
import { requestJson } from '../../shared/http';

/** What this client reads of an entry (the API's EntrySchema; web code may not import the server's types). */
export interface DirEntry {
  id: number;
  kind: string;
  org: { id: number; slug: string; name: string } | null;
  displayName: string;
  jobTitle: string | null;
  specialty: string | null;
  department: string | null;
  site: string | null;
  address: string | null;
  phones: { desk: string | null; mobile: string | null; pager: string | null };
  email: string | null;
  registration: string | null;
}

export interface DirSearch {
  q: string;
  /** An organisation's slug: it and everything beneath it; absent for the whole country. */
  org?: string | undefined;
  limit: number;
  offset?: number;
}

export interface DirPage {
  total: number;
  offset: number;
  entries: DirEntry[];
}

export interface DirOrganisation {
  id: number;
  slug: string;
  name: string;
  parentId: number | null;
}

export function searchDirectory(s: DirSearch): Promise<DirPage> {
  const p = new URLSearchParams({ q: s.q, limit: String(s.limit) });
  if (s.org) p.set('org', s.org);
  if (s.offset) p.set('offset', String(s.offset));
  return requestJson<DirPage>('GET', `/api/v1/directory/search?${p}`, undefined, null);
}

export const getEntry = (id: number) => requestJson<DirEntry>('GET', `/api/v1/directory/entries/${id}`, undefined, null);

export const listOrganisations = async () => (await requestJson<{ organisations: DirOrganisation[] }>('GET', '/api/v1/directory/organisations', undefined, null)).organisations;
