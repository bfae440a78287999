/**
 * The attribute types this directory publishes (inetOrgPerson, RFC 2798 / RFC 4519), their
 * canonical spelling, aliases, and the matching rules the filter evaluator applies to each.
 */

export type Matching = 'caseIgnore' | 'telephone' | 'oid' | 'dn' | 'octet';

interface AttributeType {
  name: string;
  matching: Matching;
  /** Has an ordering rule (>=, <=). */
  ordering: boolean;
}

const TYPES: AttributeType[] = [
  { name: 'objectClass', matching: 'oid', ordering: false },
  { name: 'dc', matching: 'caseIgnore', ordering: false },
  { name: 'uid', matching: 'caseIgnore', ordering: false },
  { name: 'cn', matching: 'caseIgnore', ordering: true },
  { name: 'sn', matching: 'caseIgnore', ordering: true },
  { name: 'givenName', matching: 'caseIgnore', ordering: true },
  { name: 'displayName', matching: 'caseIgnore', ordering: true },
  { name: 'mail', matching: 'caseIgnore', ordering: false },
  { name: 'title', matching: 'caseIgnore', ordering: true },
  { name: 'employeeType', matching: 'caseIgnore', ordering: true },
  { name: 'businessCategory', matching: 'caseIgnore', ordering: true },
  { name: 'telephoneNumber', matching: 'telephone', ordering: false },
  { name: 'mobile', matching: 'telephone', ordering: false },
  { name: 'pager', matching: 'telephone', ordering: false },
  { name: 'o', matching: 'caseIgnore', ordering: true },
  { name: 'ou', matching: 'caseIgnore', ordering: true },
  { name: 'l', matching: 'caseIgnore', ordering: true },
  { name: 'physicalDeliveryOfficeName', matching: 'caseIgnore', ordering: true },
  { name: 'postalAddress', matching: 'caseIgnore', ordering: false },
  { name: 'employeeNumber', matching: 'caseIgnore', ordering: true },
  { name: 'description', matching: 'caseIgnore', ordering: true },
  { name: 'seeAlso', matching: 'dn', ordering: false },
  // Binary (RFC 2798 section 2.6); sent from the directory's photo store, only present-tested in filters.
  { name: 'jpegPhoto', matching: 'octet', ordering: false },
  // root DSE (RFC 4512 section 5.1)
  { name: 'namingContexts', matching: 'dn', ordering: false },
  { name: 'supportedLDAPVersion', matching: 'caseIgnore', ordering: false },
  { name: 'supportedControl', matching: 'oid', ordering: false },
  { name: 'supportedExtension', matching: 'oid', ordering: false },
  { name: 'supportedSASLMechanisms', matching: 'caseIgnore', ordering: false },
  { name: 'vendorName', matching: 'caseIgnore', ordering: false },
];

const ALIASES: Record<string, string> = {
  commonname: 'cn',
  surname: 'sn',
  gn: 'givenName',
  userid: 'uid',
  rfc822mailbox: 'mail',
  mobiletelephonenumber: 'mobile',
  pagertelephonenumber: 'pager',
  organizationname: 'o',
  organizationalunitname: 'ou',
  localityname: 'l',
  domaincomponent: 'dc',
  '2.5.4.0': 'objectClass',
  '2.5.4.3': 'cn',
  '2.5.4.4': 'sn',
  '0.9.2342.19200300.100.1.3': 'mail',
};

const BY_LOWER = new Map<string, AttributeType>(TYPES.map((t) => [t.name.toLowerCase(), t]));
for (const [alias, name] of Object.entries(ALIASES)) BY_LOWER.set(alias, BY_LOWER.get(name.toLowerCase())!);

const IDS = new Map<string, number>(TYPES.map((t, i) => [t.name.toLowerCase(), i]));

/** How many attribute types there are (ids run from 0 below this). */
export const ATTRIBUTE_COUNT = TYPES.length;

/** A small number standing for a canonical attribute name in lower case (for compact encodings). */
export function attributeId(key: string): number {
  const id = IDS.get(key);
  if (id === undefined) throw new Error(`${key} is not a known attribute`);
  return id;
}

/** The attribute type an attribute description names, or undefined when unknown (options make it unknown). */
export function attributeType(description: string): AttributeType | undefined {
  return BY_LOWER.get(description.toLowerCase());
}

/** Normalises a value under a matching rule (RFC 4518, simplified: case folded, spaces collapsed). */
export function normaliseValue(matching: Matching, v: string): string {
  const lower = v.toLowerCase();
  switch (matching) {
    case 'telephone':
      return lower.replace(/[\s-]/g, '');
    case 'oid':
      return lower.trim();
    case 'dn':
      return lower.replace(/\s*([,=])\s*/g, '$1').trim();
    default:
      return lower.trim().replace(/\s+/g, ' ');
  }
}
