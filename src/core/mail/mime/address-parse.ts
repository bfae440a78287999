// Address lists (RFC 5322 §3.4, with the obsolete forms of §4.4): mailboxes, groups, route
// addresses, comments used as names, and whatever garbage real mail carries. Never throws.
import { clip, decodeWords } from './header-parse.js';
import type { AddressValue, DisplayAddress } from './types.js';

type TokenType = 'atom' | 'quoted' | 'comment' | 'literal' | 'special';

interface Token {
  type: TokenType;
  /** Unquoted / unescaped text. */
  value: string;
  /** Text as written (quotes kept), used to rebuild an addr-spec. */
  raw: string;
  /** Whitespace (or a comment) came before this token. */
  ws: boolean;
}

const SPECIALS = '<>@,;:';

function tokenize(s: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let ws = false;
  while (i < s.length) {
    const c = s[i] ?? '';
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      ws = true;
      i++;
    } else if (c === '"' || c === '(' || c === '[') {
      const close = c === '"' ? '"' : c === '(' ? ')' : ']';
      let depth = 1;
      let value = '';
      let j = i + 1;
      for (; j < s.length; j++) {
        const d = s[j] ?? '';
        if (d === '\\' && c !== '[' && j + 1 < s.length) {
          value += s[++j] ?? '';
          continue;
        }
        if (c === '(' && d === '(') depth++;
        else if (d === close && --depth === 0) break;
        value += d;
      }
      const type: TokenType = c === '"' ? 'quoted' : c === '(' ? 'comment' : 'literal';
      tokens.push({ type, value, raw: s.slice(i, Math.min(j + 1, s.length)), ws });
      ws = type === 'comment';
      i = j + 1;
    } else if (SPECIALS.includes(c)) {
      tokens.push({ type: 'special', value: c, raw: c, ws });
      ws = false;
      i++;
    } else {
      let j = i;
      while (j < s.length && !' \t\r\n"(['.includes(s[j] ?? ' ') && !SPECIALS.includes(s[j] ?? ' ')) j++;
      tokens.push({ type: 'atom', value: s.slice(i, j), raw: s.slice(i, j), ws });
      ws = false;
      i = j;
    }
  }
  return tokens;
}

/** Joins phrase tokens with single spaces where the header had whitespace. */
function phrase(tokens: readonly Token[]): string | null {
  let out = '';
  for (const t of tokens) {
    if (t.type === 'comment') continue;
    out += (out && t.ws ? ' ' : '') + t.value;
  }
  out = out.trim();
  return out ? out : null;
}

function isSpecial(t: Token | undefined, c: string): boolean {
  return t !== undefined && t.type === 'special' && t.value === c;
}

function mailboxFrom(tokens: readonly Token[]): AddressValue | null {
  if (!tokens.some((t) => t.type !== 'comment')) return null;
  const lt = tokens.findIndex((t) => isSpecial(t, '<'));
  let name: string | null;
  let spec: Token[];
  if (lt !== -1) {
    name = phrase(tokens.slice(0, lt));
    let gt = tokens.findIndex((t, k) => k > lt && isSpecial(t, '>'));
    if (gt === -1) gt = tokens.length;
    spec = tokens.slice(lt + 1, gt);
    const colon = spec.findIndex((t) => isSpecial(t, ':'));
    if (colon !== -1 && isSpecial(spec[0], '@')) spec = spec.slice(colon + 1); // obs-route
    if (name === null) name = lastComment(tokens.slice(gt));
  } else {
    spec = tokens.filter((t) => t.type !== 'comment');
    name = lastComment(tokens);
  }
  const at = findLastIndex(spec, (t) => isSpecial(t, '@'));
  const text = (list: readonly Token[]): string | null => {
    const s = list.filter((t) => t.type !== 'comment').map((t) => t.raw).join('');
    return s ? s : null;
  };
  const mailbox = at === -1 ? text(spec) : text(spec.slice(0, at));
  const host = at === -1 ? null : text(spec.slice(at + 1));
  if (lt === -1 && at === -1 && mailbox !== null && spec.length > 1) {
    // A bare phrase without any address: keep it as the name.
    return { name: phrase(spec), decodedName: decodeWords(phrase(spec) ?? ''), mailbox: null, host: null };
  }
  return { name, decodedName: name === null ? null : decodeWords(name), mailbox, host };
}

function lastComment(tokens: readonly Token[]): string | null {
  for (let k = tokens.length - 1; k >= 0; k--) {
    const t = tokens[k];
    if (t && t.type === 'comment' && t.value.trim()) return t.value.trim().replace(/\s+/g, ' ');
  }
  return null;
}

function findLastIndex<T>(list: readonly T[], pred: (t: T) => boolean): number {
  for (let k = list.length - 1; k >= 0; k--) if (pred(list[k] as T)) return k;
  return -1;
}

/**
 * Parses an address-list or mailbox-list header value (RFC 5322 §3.4) into addresses and groups.
 * Names keep encoded-words as written (`name`) and decoded (`decodedName`). At most `maxAddresses`
 * addresses are returned; strings are cut at `maxValueLength`.
 */
export function parseAddressList(value: string, maxAddresses = 1000, maxValueLength = 16384): AddressValue[] {
  const tokens = tokenize(clip(value, maxValueLength * 4));
  const out: AddressValue[] = [];
  let count = 0;
  let group: AddressValue | null = null;
  let current: Token[] = [];
  let angle = false;
  const flush = (): void => {
    const addr = count < maxAddresses ? mailboxFrom(current) : null;
    current = [];
    if (!addr) return;
    count++;
    const clipped = clipAddress(addr, maxValueLength);
    if (group?.group) group.group.push(clipped);
    else out.push(clipped);
  };
  for (const t of tokens) {
    if (t.type === 'special' && !angle) {
      if (t.value === ',') {
        flush();
        continue;
      }
      if (t.value === ':' && group === null && !current.some((c) => isSpecial(c, '@'))) {
        const name = phrase(current);
        group = { name, decodedName: name === null ? null : decodeWords(name), mailbox: null, host: null, group: [] };
        current = [];
        continue;
      }
      if (t.value === ';' && group !== null) {
        flush();
        out.push(clipAddress(group, maxValueLength));
        group = null;
        continue;
      }
    }
    if (isSpecial(t, '<')) angle = true;
    if (isSpecial(t, '>')) angle = false;
    current.push(t);
  }
  flush();
  if (group !== null) out.push(clipAddress(group, maxValueLength));
  return out;
}

function clipAddress(a: AddressValue, max: number): AddressValue {
  const c = (s: string | null): string | null => (s === null ? null : clip(s, max));
  const out: AddressValue = { name: c(a.name), decodedName: c(a.decodedName), mailbox: c(a.mailbox), host: c(a.host) };
  if (a.group) out.group = a.group;
  return out;
}

/** Flattens groups and decodes names: the display form used by JMAP (RFC 8621 §4.1.2.3). */
export function toDisplayAddresses(list: readonly AddressValue[]): DisplayAddress[] {
  const out: DisplayAddress[] = [];
  for (const a of list) {
    if (a.group) {
      out.push(...toDisplayAddresses(a.group));
      continue;
    }
    const address = a.mailbox === null ? '' : a.host === null ? a.mailbox : `${a.mailbox}@${a.host}`;
    const name = (a.decodedName ?? '').replace(/\s+/g, ' ').trim();
    if (address || name) out.push({ name, address });
  }
  return out;
}
