// Message flags on the wire (RFC 9051 section 2.3.2 and section 9 `flag`, `flag-list`).

import { BACKSLASH } from './chars.js';
import type { TokenReader } from './tokenizer.js';

/** The system flags a client may set, spelled as the server sends them. */
export const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'] as const;
export type SystemFlag = (typeof SYSTEM_FLAGS)[number];

const CANONICAL = new Map<string, string>(
  [...SYSTEM_FLAGS, '\\Recent'].map((f) => [f.toUpperCase(), f]),
);

/** `\seen` becomes `\Seen`; keywords and unknown extension flags are kept as sent. */
export function canonicalFlag(flag: string): string {
  return flag.startsWith('\\') ? (CANONICAL.get(flag.toUpperCase()) ?? flag) : flag;
}

/**
 * Reads one `flag` (RFC 9051 section 9): a system flag, `\` atom (flag-extension) or a keyword
 * atom. `\Recent` cannot be set by a client (RFC 3501 section 2.3.2) and is refused.
 */
export function readFlag(r: TokenReader): string {
  if (r.tryChar(BACKSLASH)) {
    const flag = canonicalFlag(`\\${r.atom('a flag name after "\\"')}`);
    if (flag === '\\Recent') r.fail('INVALID_FLAG', 'The \\Recent flag cannot be set by a client');
    return flag;
  }
  return r.atom('a flag');
}

/** `flag-list = "(" [flag *(SP flag)] ")"` */
export function readFlagList(r: TokenReader): string[] {
  return r.list('a flag list', () => readFlag(r));
}
