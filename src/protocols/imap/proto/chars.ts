// Character classes of RFC 9051 section 9 (formal syntax), as byte lookup tables.

const ATOM = new Uint8Array(256);
const ASTRING = new Uint8Array(256);
const LIST = new Uint8Array(256);
const TAG = new Uint8Array(256);

const ATOM_SPECIALS = '(){ %*"\\]';
for (let b = 0x21; b < 0x7f; b++) {
  const ch = String.fromCharCode(b);
  const atom = !ATOM_SPECIALS.includes(ch);
  ATOM[b] = atom ? 1 : 0;
  // ASTRING-CHAR = ATOM-CHAR / resp-specials
  ASTRING[b] = atom || ch === ']' ? 1 : 0;
  // list-char = ATOM-CHAR / list-wildcards / resp-specials
  LIST[b] = atom || ch === ']' || ch === '%' || ch === '*' ? 1 : 0;
  // tag = 1*<any ASTRING-CHAR except "+">
  TAG[b] = ASTRING[b] === 1 && ch !== '+' ? 1 : 0;
}

export const SP = 0x20;
export const CR = 0x0d;
export const LF = 0x0a;
export const DQUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const LPAREN = 0x28;
export const RPAREN = 0x29;
export const LBRACE = 0x7b;
export const RBRACE = 0x7d;
export const LBRACKET = 0x5b;
export const RBRACKET = 0x5d;
export const LT = 0x3c;
export const GT = 0x3e;
export const TILDE = 0x7e;
export const PLUS = 0x2b;
export const DOT = 0x2e;

/** ATOM-CHAR: any CHAR except atom-specials (RFC 9051 section 9). */
export function isAtomChar(b: number): boolean {
  return ATOM[b] === 1;
}

/** ASTRING-CHAR = ATOM-CHAR / resp-specials. */
export function isAStringChar(b: number): boolean {
  return ASTRING[b] === 1;
}

/** list-char = ATOM-CHAR / list-wildcards / resp-specials. */
export function isListChar(b: number): boolean {
  return LIST[b] === 1;
}

/** A tag character: ASTRING-CHAR except "+". */
export function isTagChar(b: number): boolean {
  return TAG[b] === 1;
}

export function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

/** True when `s` can be sent as an atom (non-empty, only ATOM-CHARs). */
export function isAtomString(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isAtomChar(s.charCodeAt(i))) return false;
  return true;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8, or returns undefined when the bytes are not valid UTF-8. */
export function decodeUtf8(bytes: Buffer): string | undefined {
  try {
    return UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}
