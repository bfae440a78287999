/** JMAP ids of mail objects: Email "E"+body hash, blob "B"+hash (raw message) or "P"+hash+"_"+part path, keywords to IMAP flags. */
export const emailId = (hash: string) => `E${hash}`;
export const parseEmailId = (id: string): string | null => (/^E[0-9a-f]{64}$/.test(id) ? id.slice(1) : null);

export const messageBlobId = (hash: string) => `B${hash}`;
export const partBlobId = (hash: string, path: string) => `P${hash}_${path.replace(/\./g, '-')}`;

/** A blob id as the body hash and, for a part, its IMAP section path. */
export function parseBlobId(id: string): { hash: string; path: string | null } | null {
  const m = /^([BP])([0-9a-f]{64})(?:_([0-9-]*))?$/.exec(id);
  if (!m) return null;
  if (m[1] === 'B') return m[3] === undefined ? { hash: m[2]!, path: null } : null;
  return { hash: m[2]!, path: (m[3] ?? '').replace(/-/g, '.') };
}

const TO_JMAP: Record<string, string> = { '\\Seen': '$seen', '\\Flagged': '$flagged', '\\Answered': '$answered', '\\Draft': '$draft' };
const TO_IMAP: Record<string, string> = Object.fromEntries(Object.entries(TO_JMAP).map(([k, v]) => [v, k]));

/** IMAP flags to JMAP keywords (RFC 8621 section 4.1.1): system flags by name, \Deleted and \Recent left out. */
export function keywordsOf(flags: string): Record<string, true> {
  const out: Record<string, true> = {};
  for (const f of flags ? flags.split(' ') : []) {
    if (TO_JMAP[f]) out[TO_JMAP[f]] = true;
    else if (!f.startsWith('\\')) out[f.toLowerCase()] = true;
  }
  return out;
}

/** A JMAP keyword as the IMAP flag stored. */
export function flagOf(keyword: string): string {
  return TO_IMAP[keyword.toLowerCase()] ?? keyword.toLowerCase();
}

/** RFC 8621 section 4.1.1: 1-255 printable ASCII, none of ( ) { ] % * " \ and no space. */
export function validKeyword(k: string): boolean {
  return /^[\x21-\x7e]{1,255}$/.test(k) && !/[(){\]%*"\\]/.test(k);
}

/** RFC 8620 section 1.4 UTCDate: no fractional seconds when they are zero. */
export const utcDate = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
