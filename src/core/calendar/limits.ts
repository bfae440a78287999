/** Every limit of the calendar domain in one place (DAV advertises the same values). */
export const CALENDAR_LIMITS = {
  /** Largest calendar object resource (RFC 4791 section 5.2.5 max-resource-size), bytes. */
  maxObjectBytes: 256 * 1024,
  /** Longest object or collection name (one path segment). */
  maxNameLength: 200,
  /** Collections one account may have. */
  maxCollections: 200,
  /** Instances one query may expand. */
  maxInstances: 2000,
  /** Widest free/busy window, ms (RFC 6638 leaves it to the server): one year. */
  maxFreeBusyMs: 366 * 86_400_000,
  /** Objects one calendar may hold. */
  maxObjects: 100_000,
} as const;
