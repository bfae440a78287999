// Every bound of the MIME indexer in one place. Reaching one never throws: the indexer stops
// descending or recording, treats what follows as opaque body and keeps counting bytes and lines.

export interface MimeLimits {
  /** Header block kept and parsed per part; a longer header ends there and the part turns opaque. */
  readonly maxHeaderBytes: number;
  /** MIME parts recorded per message (the root and embedded-message roots included). */
  readonly maxParts: number;
  /** Nesting depth: a multipart or message part at this depth is not looked into. */
  readonly maxDepth: number;
  /** `searchText` cap, in UTF-8 bytes. */
  readonly maxSearchTextBytes: number;
  /** Decoded bytes of one text part kept for text extraction; the rest of the part is not read. */
  readonly maxTextPartBytes: number;
  /** A line longer than this is passed on in pieces (it cannot be a boundary line). */
  readonly maxPendingLineBytes: number;
  /** Longest kept header-derived string (parameter value, subject, ids, ...), in characters. */
  readonly maxValueLength: number;
  /** Parameters kept per Content-Type / Content-Disposition field. */
  readonly maxParams: number;
  /** Addresses kept per address-list header (group members included). */
  readonly maxAddresses: number;
  /** `preview` length, in characters. */
  readonly previewLength: number;
}

export const MIME_LIMITS: MimeLimits = Object.freeze({
  maxHeaderBytes: 1024 * 1024,
  maxParts: 1000,
  maxDepth: 32,
  maxSearchTextBytes: 256 * 1024,
  maxTextPartBytes: 1024 * 1024,
  maxPendingLineBytes: 16 * 1024,
  maxValueLength: 16 * 1024,
  maxParams: 64,
  maxAddresses: 1000,
  previewLength: 256,
});

/** Options of `indexMessage` / `MimeIndexer`. */
export interface MimeIndexOptions {
  /** Overrides of individual limits; the rest come from `MIME_LIMITS`. */
  limits?: Partial<MimeLimits>;
}

/** Limits with the overrides of `opts` applied. */
export function resolveLimits(opts?: MimeIndexOptions): MimeLimits {
  return { ...MIME_LIMITS, ...(opts?.limits ?? {}) };
}
