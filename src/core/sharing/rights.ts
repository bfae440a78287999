/**
 * Folder rights, RFC 4314 section 2.1: one letter each. The same letters drive IMAP ACL, JMAP
 * myRights and the web client's sharing dialog.
 *   l lookup (see it in LIST)   r read (SELECT, FETCH, SEARCH, COPY from)   s keep seen state
 *   w write flags other than seen and deleted   i insert (APPEND, COPY into)   p post (send to)
 *   k create subfolders   x delete the folder   t set/clear \Deleted   e expunge   a administer (change ACL)
 * RFC 2086's obsolete "c" and "d" are accepted on input and expanded (c = k x, d = t e x), as RFC 4314 2.1.1 asks.
 */
import { invalid } from '../errors.js';

export const ALL_RIGHTS = 'lrswipkxtea';
export type Right = 'l' | 'r' | 's' | 'w' | 'i' | 'p' | 'k' | 'x' | 't' | 'e' | 'a';

/** Sensible bundles for people who do not think in letters. */
export const RIGHT_PRESETS: Record<string, string> = {
  read: 'lrs',
  write: 'lrswite',
  full: 'lrswipkxtea',
};

/** Normalises a rights string to canonical order; throws invalid_input on unknown letters. */
export function parseRights(input: string): string {
  const preset = RIGHT_PRESETS[input.toLowerCase()];
  const text = preset ?? input;
  const set = new Set<string>();
  for (const ch of text) {
    if (ch === 'c') ['k', 'x'].forEach((r) => set.add(r));
    else if (ch === 'd') ['t', 'e', 'x'].forEach((r) => set.add(r));
    else if (ALL_RIGHTS.includes(ch)) set.add(ch);
    else if (/\d/.test(ch)) continue; // RFC 4314 reserves digits for implementation rights: ignored
    else throw invalid(`"${ch}" is not a folder right (use letters from ${ALL_RIGHTS}, or read / write / full)`);
  }
  return [...ALL_RIGHTS].filter((r) => set.has(r)).join('');
}

export function hasRight(rights: string, right: Right): boolean {
  return rights.includes(right);
}

/** Applies an IMAP SETACL modifier: "+lr" adds, "-w" removes, "lrs" replaces. */
export function modifyRights(current: string, change: string): string {
  if (change.startsWith('+')) return parseRights(current + parseRights(change.slice(1)));
  if (change.startsWith('-')) {
    const remove = parseRights(change.slice(1));
    return [...current].filter((r) => !remove.includes(r)).join('');
  }
  return parseRights(change);
}
