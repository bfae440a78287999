/**
 * How the national directory looks through LDAP: the naming (one base DN from the national domain,
 * people under ou=people by entry id, organisations under ou=organisations by slug) and each
 * directory entry as an inetOrgPerson or organization entry.
 */
import type { DirectoryEntry } from '../../core/directory/types.js';
import { attributeType } from './attributes.js';
import type { EncodedEntry } from './encoded.js';
import { escapeDnValue, parseDn, relativeTo, type Rdn } from './proto/dn.js';
import { PAGED_RESULTS_OID } from './proto/messages.js';

/** One attribute: its canonical name as sent, and its values. */
export interface Attr {
  type: string;
  values: string[];
}

export interface LdapEntry {
  dn: string;
  /** Attributes by lower-case canonical name (read back from `ber` in cached entries: encoded-attributes.ts). */
  attrs: ReadonlyMap<string, Attr>;
  /** Values normalised for matching, by rule and attribute, made on first use (filter-eval.ts). */
  norm?: Map<string, string[]>;
  /** The BER encoding, made on first use (encoded.ts). */
  ber?: EncodedEntry;
  /** The directory entry whose photo is this entry's jpegPhoto (read only when asked for). */
  photoOf?: number;
}

export interface OrgNode {
  id: number;
  slug: string;
  name: string;
  kind: string;
  parentId: number | null;
}

const ORG_ENTRY_KINDS = new Set(['organisation', 'site', 'department']);

/** Entries of these kinds live under ou=organisations; every other kind under ou=people. */
export const isOrgEntry = (e: DirectoryEntry): boolean => ORG_ENTRY_KINDS.has(e.kind) && e.org !== null;

/** Where a search's base DN points. */
export type BaseTarget =
  | { kind: 'root' }
  | { kind: 'domain' }
  | { kind: 'people' }
  | { kind: 'orgs' }
  | { kind: 'org'; slug: string }
  | { kind: 'person'; id: number }
  | { kind: 'none'; matchedDN: string };

/** The directory information tree's names for one national domain. */
export class Dit {
  readonly base: Rdn[];
  readonly baseDn: string;
  readonly peopleDn: string;
  readonly orgsDn: string;

  constructor(nationalDomain: string) {
    this.base = nationalDomain.split('.').map((p) => ({ type: 'dc', value: p }));
    this.baseDn = this.base.map((r) => `dc=${escapeDnValue(r.value)}`).join(',');
    this.peopleDn = `ou=people,${this.baseDn}`;
    this.orgsDn = `ou=organisations,${this.baseDn}`;
  }

  personDn(id: number): string {
    return `uid=${id},${this.peopleDn}`;
  }

  orgDn(slug: string): string {
    return `o=${escapeDnValue(slug)},${this.orgsDn}`;
  }

  dnOf(e: DirectoryEntry): string {
    return isOrgEntry(e) ? this.orgDn(e.org!.slug) : this.personDn(e.id);
  }

  /** Resolves a base DN string; throws DnError when it is not a DN. */
  target(dn: string): BaseTarget {
    const rdns = parseDn(dn);
    if (!rdns.length) return { kind: 'root' };
    const rel = relativeTo(rdns, this.base);
    if (rel === null) return { kind: 'none', matchedDN: '' };
    if (!rel.length) return { kind: 'domain' };
    const top = rel[rel.length - 1]!;
    const container = top.type === 'ou' ? top.value.toLowerCase() : '';
    if (container !== 'people' && container !== 'organisations') return { kind: 'none', matchedDN: this.baseDn };
    const containerDn = container === 'people' ? this.peopleDn : this.orgsDn;
    if (rel.length === 1) return { kind: container === 'people' ? 'people' : 'orgs' };
    if (rel.length > 2) return { kind: 'none', matchedDN: containerDn };
    const leaf = rel[0]!;
    if (container === 'people' && leaf.type === 'uid' && /^\d{1,15}$/.test(leaf.value)) return { kind: 'person', id: Number(leaf.value) };
    if (container === 'organisations' && leaf.type === 'o') return { kind: 'org', slug: leaf.value.toLowerCase() };
    return { kind: 'none', matchedDN: containerDn };
  }
}

const KEYS = new Map<string, string>();
/** The lower-case key of a canonical attribute name (checked once against the attribute table). */
function keyOf(name: string): string {
  let k = KEYS.get(name);
  if (k === undefined) {
    if (attributeType(name)?.name !== name) throw new Error(`${name} is not a canonical attribute name`);
    KEYS.set(name, (k = name.toLowerCase()));
  }
  return k;
}

function build(dn: string, pairs: [string, (string | null | undefined)[] | string | null | undefined][]): LdapEntry {
  const attrs = new Map<string, Attr>();
  for (const [type, raw] of pairs) {
    let values: string[];
    if (Array.isArray(raw)) {
      values = [];
      for (const v of raw) if (typeof v === 'string' && v.trim() !== '' && !values.includes(v)) values.push(v);
    } else values = typeof raw === 'string' && raw.trim() !== '' ? [raw] : [];
    if (values.length) attrs.set(keyOf(type), { type, values });
  }
  return { dn, attrs };
}

/** LDAP's postalAddress separates lines with "$" (RFC 4517 section 3.3.28). */
const postal = (a: string | null) => (a === null ? null : a.split(/\r?\n|,\s*/).map((l) => l.trim().replace(/[\\$]/g, (c) => (c === '$' ? '\\24' : '\\5C'))).filter(Boolean).join('$'));

/** A person, shared mailbox, list or external contact as an inetOrgPerson (RFC 2798). */
export function personEntry(dit: Dit, e: DirectoryEntry): LdapEntry {
  const entry = personAttributes(dit, e);
  if (e.photo !== null) entry.photoOf = e.id;
  return entry;
}

function personAttributes(dit: Dit, e: DirectoryEntry): LdapEntry {
  return build(dit.personDn(e.id), [
    ['objectClass', ['top', 'person', 'organizationalPerson', 'inetOrgPerson']],
    ['uid', String(e.id)],
    ['cn', e.displayName],
    ['displayName', e.displayName],
    ['givenName', e.givenName],
    ['sn', e.familyName || e.displayName],
    ['mail', e.email],
    ['title', e.jobTitle],
    ['employeeType', e.role],
    ['businessCategory', e.specialty],
    ['telephoneNumber', e.phones.desk],
    ['mobile', e.phones.mobile],
    ['pager', e.phones.pager],
    ['o', e.org ? [e.org.name, e.org.slug] : null],
    ['ou', e.department],
    ['l', e.site],
    ['physicalDeliveryOfficeName', e.site],
    ['postalAddress', postal(e.address)],
    ['employeeNumber', e.registration],
  ]);
}

/** An organisation of the tree (trust, practice, site, department...) as an organization entry. */
export function orgEntry(dit: Dit, e: DirectoryEntry, node: OrgNode | undefined, parent: OrgNode | undefined): LdapEntry {
  const unit = e.kind === 'site' || e.kind === 'department';
  return build(dit.orgDn(e.org!.slug), [
    ['objectClass', ['top', 'organization', ...(unit ? ['organizationalUnit'] : [])]],
    ['o', [e.org!.slug, e.displayName]],
    ['ou', unit ? e.displayName : null],
    ['description', node?.kind ?? e.kind],
    ['mail', e.email],
    ['telephoneNumber', e.phones.desk],
    ['l', e.site],
    ['postalAddress', postal(e.address)],
    ['seeAlso', parent ? dit.orgDn(parent.slug) : null],
  ]);
}

export function domainEntry(dit: Dit): LdapEntry {
  return build(dit.baseDn, [
    ['objectClass', ['top', 'domain', 'dcObject']],
    ['dc', dit.base[0]!.value],
  ]);
}

export function containerEntry(dit: Dit, which: 'people' | 'organisations'): LdapEntry {
  return build(which === 'people' ? dit.peopleDn : dit.orgsDn, [
    ['objectClass', ['top', 'organizationalUnit']],
    ['ou', which],
  ]);
}

export const WHO_AM_I = '1.3.6.1.4.1.4203.1.11.3';
/** The StartTLS extended operation (RFC 4511 section 4.14). */
export const START_TLS = '1.3.6.1.4.1.1466.20037';

/** The root DSE (RFC 4512 section 5.1): what a client discovers before binding. */
export function rootDse(dit: Dit, startTls = false): LdapEntry {
  return build('', [
    ['objectClass', ['top']],
    ['namingContexts', dit.baseDn],
    ['supportedLDAPVersion', '3'],
    ['supportedControl', PAGED_RESULTS_OID],
    ['supportedExtension', startTls ? [WHO_AM_I, START_TLS] : WHO_AM_I],
    ['vendorName', 'Wardpost'],
  ]);
}
