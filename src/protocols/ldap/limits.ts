/** Every limit of the LDAP door in one place. */
export const LDAP_LIMITS = {
  /** Largest LDAPMessage accepted (a search request is a few hundred bytes). */
  maxMessageBytes: 1024 * 1024,
  maxFilterDepth: 32,
  maxFilterNodes: 512,
  maxRequestedAttributes: 128,
  /** Entries one search returns at most without paging (like slapd's default sizelimit of 500). */
  maxEntries: 1000,
  /** Largest page of a paged search, and most entries a paged search walks through in all. */
  maxPageSize: 1000,
  maxPagedTotal: 10_000,
  /** Directory candidates one search may examine before answering adminLimitExceeded. */
  maxCandidates: 250_000,
  /** Server-side time limit of one search (the client's timeLimit may only lower it). */
  maxSearchMs: 30_000,
  /** Operations queued on one connection before reading from it pauses. */
  maxPendingOps: 32,
  /** Wrong passwords on one connection before it is closed. */
  maxBindFailures: 5,
  idleTimeoutMs: 5 * 60_000,
  maxConnections: 1024,
} as const;

export type LdapLimits = { -readonly [K in keyof typeof LDAP_LIMITS]: number };
