/** The national directory's vocabulary, shared by every door (JSON API, LDAP, CardDAV, web). */

export const ENTRY_KINDS = ['person', 'organisation', 'site', 'department', 'shared-mailbox', 'list', 'external'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/**
 * national: anyone signed in finds it; organisation: only people of the same organisation (the
 * nearest trust, practice, pharmacy... above both: sites and departments belong to their trust);
 * hidden ("ex-directory"): no search through any door returns it.
 */
export const VISIBILITIES = ['national', 'organisation', 'hidden'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

export interface DirectoryEntry {
  id: number;
  kind: EntryKind;
  accountId: number | null;
  org: { id: number; slug: string; name: string } | null;
  displayName: string;
  givenName: string;
  familyName: string;
  jobTitle: string | null;
  role: string | null;
  specialty: string | null;
  department: string | null;
  site: string | null;
  address: string | null;
  phones: { desk: string | null; mobile: string | null; pager: string | null };
  email: string | null;
  registration: string | null;
  nationalCode: string | null;
  visibility: Visibility;
  /** Version tag of the entry's photo, null when it has none (the image is read apart: DirectoryService.photo). */
  photo: string | null;
}

/** Who is searching: visibility and "own organisation first" depend on it. */
export interface Viewer {
  accountId: number | null;
  orgId: number | null;
  /** National administrators see organisation-only entries everywhere (never hidden ones). */
  national?: boolean;
}

export interface SearchQuery {
  /** Free text: words matched as prefixes, typo-tolerant for longer words ("smi jo", "smiht"). */
  text?: string;
  /** Organisation slug: only entries of it and everything beneath it. */
  scope?: string;
  role?: string;
  specialty?: string;
  site?: string;
  kind?: EntryKind;
  /**
   * Only entries whose display name, or family name (the display name when there is none), starts
   * with these letters (compared folded, on their first 6 letters or digits: a superset). For doors
   * whose filters test the start of a name, e.g. LDAP's (cn=ja*), so fewer entries are read.
   */
  nameStarts?: { display?: string; family?: string };
  /** false: no "own organisation first" (for doors that do not rank, like LDAP). Default true. */
  ownFirst?: boolean;
  /**
   * false: `total` need only tell whether more entries follow this page (it may be a lower bound,
   * above offset + the page's length exactly when more follow), so a search may stop early.
   * Default true.
   */
  exactTotal?: boolean;
  /** false: only words that start with the query words, no typo-tolerant matches (LDAP's exact filters). */
  typos?: boolean;
  /** Words of `text` that must be whole words of the entry, not just start one (LDAP's equality filters). */
  wholeWords?: string[];
  /**
   * false: results in a stable order, unranked, for doors that do not rank (LDAP): a page costs
   * only what it takes to fill it, and the result's `next`, passed back as `from`, continues.
   */
  ranked?: boolean;
  from?: number;
  limit?: number;
  offset?: number;
}

export interface SearchResult {
  total: number;
  entries: DirectoryEntry[];
  /** With ranked: false, where the next page starts (pass as `from`); undefined when nothing follows. */
  next?: number;
  /** How long the index took, for the benchmark and the metrics. */
  tookMs: number;
}
