/** Encoding of the responses a read-only directory sends (RFC 4511 sections 4.2.2, 4.5.2, 4.12, 4.4.1). */
import { bool, constructed, enumerated, int, octets, sequence, TAG } from './ber.js';
import { PAGED_RESULTS_OID, type Control } from './messages.js';

/** Result codes used here (RFC 4511 appendix A). */
export const RESULT = {
  success: 0,
  operationsError: 1,
  protocolError: 2,
  timeLimitExceeded: 3,
  sizeLimitExceeded: 4,
  authMethodNotSupported: 7,
  adminLimitExceeded: 11,
  unavailableCriticalExtension: 12,
  noSuchObject: 32,
  invalidDNSyntax: 34,
  invalidCredentials: 49,
  insufficientAccessRights: 50,
  busy: 51,
  unavailable: 52,
  unwillingToPerform: 53,
  other: 80,
} as const;

export const APP = {
  bindResponse: 0x61,
  searchResultEntry: 0x64,
  searchResultDone: 0x65,
  extendedResponse: 0x78,
} as const;

/** Notice of Disconnection's responseName (RFC 4511 section 4.4.1). */
export const NOTICE_OF_DISCONNECTION = '1.3.6.1.4.1.1466.20036';

export interface LdapResult {
  code: number;
  matchedDN?: string;
  message?: string;
}

export interface Attribute {
  type: string;
  values: string[];
}

function resultParts(r: LdapResult): Buffer[] {
  return [enumerated(r.code), octets(r.matchedDN ?? ''), octets(r.message ?? '')];
}

function controlsPart(controls: readonly Control[]): Buffer[] {
  if (!controls.length) return [];
  return [
    constructed(
      0xa0,
      controls.map((c) => sequence([octets(c.oid), ...(c.critical ? [bool(true)] : []), ...(c.value ? [octets(c.value)] : [])])),
    ),
  ];
}

/** Wraps one protocolOp in an LDAPMessage. */
export function message(messageId: number, op: Buffer, controls: readonly Control[] = []): Buffer {
  return sequence([int(messageId), op, ...controlsPart(controls)]);
}

/** A response that is just an LDAPResult under the operation's own tag (bind, search done, add...). */
export function resultOp(tag: number, r: LdapResult): Buffer {
  return constructed(tag, resultParts(r));
}

export function searchEntry(dn: string, attributes: readonly Attribute[]): Buffer {
  return constructed(APP.searchResultEntry, [
    octets(dn),
    sequence(attributes.map((a) => sequence([octets(a.type), constructed(TAG.SET, a.values.map((v) => octets(v)))]))),
  ]);
}

export function extendedResponse(r: LdapResult, responseName?: string, responseValue?: string): Buffer {
  return constructed(APP.extendedResponse, [
    ...resultParts(r),
    ...(responseName ? [octets(responseName, 0x8a)] : []),
    ...(responseValue !== undefined ? [octets(responseValue, 0x8b)] : []),
  ]);
}

/** The unsolicited Notice of Disconnection (messageID 0), sent before closing a broken session. */
export function noticeOfDisconnection(code: number, text: string): Buffer {
  return message(0, extendedResponse({ code, message: text }, NOTICE_OF_DISCONNECTION));
}

/** The paged results response control (RFC 2696): estimated total size and the next cookie. */
export function pagedResponseControl(size: number, cookie: Buffer): Control {
  return { oid: PAGED_RESULTS_OID, critical: false, value: sequence([int(size), octets(cookie)]) };
}

