/**
 * Text folding for directory search: lower case, accents removed (NFKD), apostrophes and hyphens
 * joined or split the way people type names ("O'Brien" finds "obrien" and "o brien"), everything
 * else that is not a letter or digit a separator.
 */

const COMBINING = /[\u0300-\u036f]/g;

const ASCII = /^[\u0020-\u007e]*$/;

export function fold(text: string): string {
  // Plain ASCII (most names) has nothing to decompose: skip the normalisation.
  return ASCII.test(text) ? text.toLowerCase() : text.normalize('NFKD').replace(COMBINING, '').toLowerCase();
}

/** Words of a folded text; "o'brien-smith" gives obrien-smith's parts and the joined forms. */
export function tokens(text: string): string[] {
  const out = new Set<string>();
  for (const raw of fold(text).split(/[^a-z0-9'-]+/)) {
    if (!raw) continue;
    const joined = raw.replace(/['-]/g, '');
    if (joined) out.add(joined);
    for (const part of raw.split(/['-]+/)) if (part && part !== joined) out.add(part);
  }
  return [...out];
}

/** Query words: folded, apostrophes dropped, hyphens split; order kept, duplicates removed. */
export function queryTokens(text: string): string[] {
  const out: string[] = [];
  for (const raw of fold(text).replace(/'/g, '').split(/[^a-z0-9]+/)) {
    if (raw && !out.includes(raw)) out.push(raw);
  }
  return out;
}

/**
 * The searchable words of an email address: its local part with digits as separators
 * ("j.smith42@x" gives "j smith"). Doors that match addresses by prefix search with the same
 * words (LDAP's (mail=jsmi*)).
 */
export function mailWords(address: string | null | undefined): string {
  if (!address) return '';
  const at = address.lastIndexOf('@');
  return (at < 0 ? address : address.slice(0, at)).replace(/[0-9]+/g, ' ');
}

/** The variants of a word with one character deleted (SymSpell's deletion neighbourhood). */
export function deletions(word: string): string[] {
  const out = new Set<string>();
  for (let i = 0; i < word.length; i++) out.add(word.slice(0, i) + word.slice(i + 1));
  return [...out];
}

/**
 * A number that orders names like their folded text does in its first characters, so ranking can
 * compare numbers instead of strings (ties are broken by the full string).
 */
export function sortKey(text: string): number {
  const f = fold(text);
  let key = 0;
  for (let i = 0; i < 7; i++) {
    const c = f.charCodeAt(i);
    const v = Number.isNaN(c) ? 0 : c >= 97 && c <= 122 ? c - 96 + 10 : c >= 48 && c <= 57 ? c - 47 : 37;
    key = key * 38 + v;
  }
  return key;
}
