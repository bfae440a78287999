/** Distinguished names (RFC 4514): parsing into RDNs, escaping values, comparing case-insensitively. */

export interface Rdn {
  /** Attribute type, lower case. */
  type: string;
  /** The unescaped value as given. */
  value: string;
}

export class DnError extends Error {}

const HEX = /^[0-9a-fA-F]{2}$/;

/**
 * Parses a DN string ("uid=12,ou=people,dc=wardpost,dc=test") into RDNs, most specific first.
 * Multi-valued RDNs (with "+") and #hex values are refused: this directory never uses them.
 */
export function parseDn(dn: string): Rdn[] {
  const out: Rdn[] = [];
  let i = 0;
  const s = dn.trim();
  if (s === '') return out;
  while (i <= s.length) {
    const eq = s.indexOf('=', i);
    if (eq < 0) throw new DnError(`"${dn}" is not a DN (missing "=")`);
    const type = s.slice(i, eq).trim().toLowerCase();
    if (!/^([a-z][a-z0-9-]*|\d+(\.\d+)*)$/.test(type)) throw new DnError(`"${dn}": bad attribute type "${type}"`);
    i = eq + 1;
    const bytes: number[] = [];
    let ended = false;
    while (i < s.length) {
      const c = s[i]!;
      if (c === '\\') {
        const pair = s.slice(i + 1, i + 3);
        if (HEX.test(pair)) {
          bytes.push(parseInt(pair, 16));
          i += 3;
        } else if (i + 1 < s.length) {
          bytes.push(...Buffer.from(s[i + 1]!, 'utf8'));
          i += 2;
        } else throw new DnError(`"${dn}": dangling escape`);
        continue;
      }
      if (c === ',' || c === ';') {
        ended = true;
        break;
      }
      if (c === '+') throw new DnError(`"${dn}": multi-valued RDNs are not used here`);
      bytes.push(...Buffer.from(c, 'utf8'));
      i++;
    }
    const value = Buffer.from(bytes).toString('utf8').trim();
    if (value === '') throw new DnError(`"${dn}": empty value for ${type}`);
    out.push({ type, value });
    if (!ended) break;
    i++;
  }
  return out;
}

/** Escapes an attribute value for a DN string (RFC 4514 section 2.4). */
export function escapeDnValue(v: string): string {
  let out = v.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`).replace(/\0/g, '\\00');
  if (out.startsWith(' ') || out.startsWith('#')) out = `\\${out}`;
  if (out.endsWith(' ') && !out.endsWith('\\ ')) out = `${out.slice(0, -1)}\\ `;
  return out;
}

export function formatDn(rdns: readonly Rdn[]): string {
  return rdns.map((r) => `${r.type}=${escapeDnValue(r.value)}`).join(',');
}

/** Two RDNs name the same thing (types and values compared case-insensitively, spaces collapsed). */
export function sameRdn(a: Rdn, b: Rdn): boolean {
  const norm = (v: string) => v.trim().replace(/\s+/g, ' ').toLowerCase();
  return a.type === b.type && norm(a.value) === norm(b.value);
}

/** When `dn` ends with `suffix`, the RDNs before it (most specific first); otherwise null. */
export function relativeTo(dn: readonly Rdn[], suffix: readonly Rdn[]): Rdn[] | null {
  if (dn.length < suffix.length) return null;
  const off = dn.length - suffix.length;
  for (let i = 0; i < suffix.length; i++) if (!sameRdn(dn[off + i]!, suffix[i]!)) return null;
  return dn.slice(0, off);
}
