/**
 * LDAPMessage requests (RFC 4511 section 4): decoding of everything a client may send. A read-only
 * directory still recognises the update operations, so it can refuse them with the right response.
 */
import { BerError, BerReader, TAG, elementLength, readBool, readInt, readReader, readString, type BerElement } from './ber.js';
import { decodeFilter, type Filter, type FilterLimits } from './filter.js';

export interface Control {
  oid: string;
  critical: boolean;
  value: Buffer | null;
}

export type Scope = 'base' | 'one' | 'sub' | 'children';
const SCOPES: Scope[] = ['base', 'one', 'sub', 'children'];

export interface BindRequest {
  op: 'bind';
  version: number;
  name: string;
  auth: { method: 'simple'; password: string } | { method: 'sasl'; mechanism: string };
}

export interface SearchRequest {
  op: 'search';
  base: string;
  scope: Scope;
  derefAliases: number;
  sizeLimit: number;
  timeLimit: number;
  typesOnly: boolean;
  filter: Filter;
  attributes: string[];
}

/** Add, modify, delete, modifyDN, compare: refused by a read-only directory, each with its own response. */
export interface UpdateRequest {
  op: 'update';
  name: 'add' | 'modify' | 'delete' | 'modifyDN' | 'compare';
  /** The [APPLICATION n] tag of the response to send. */
  responseTag: number;
}

export type Request =
  | BindRequest
  | SearchRequest
  | { op: 'unbind' }
  | { op: 'abandon'; messageId: number }
  | { op: 'extended'; oid: string; value: Buffer | null }
  | UpdateRequest;

export interface LdapMessage {
  messageId: number;
  request: Request;
  controls: Control[];
}

export interface DecodeLimits extends FilterLimits {
  maxAttributes: number;
}

/**
 * A malformed message. `messageId` and `responseTag` are set when the envelope was readable and
 * the operation is one that has a response: the session may then answer protocolError instead of
 * disconnecting (RFC 4511 section 4.1.1 allows either only for the latter; we answer when we can).
 */
export class LdapDecodeError extends BerError {
  constructor(
    message: string,
    readonly messageId: number | null,
    readonly responseTag: number | null,
  ) {
    super(message);
    this.name = 'LdapDecodeError';
  }
}

const UPDATE_OPS: Record<number, { name: UpdateRequest['name']; responseTag: number }> = {
  0x66: { name: 'modify', responseTag: 0x67 },
  0x68: { name: 'add', responseTag: 0x69 },
  0x4a: { name: 'delete', responseTag: 0x6b },
  0x6c: { name: 'modifyDN', responseTag: 0x6d },
  0x6e: { name: 'compare', responseTag: 0x6f },
};
const RESPONSE_TAG: Record<number, number> = { 0x60: 0x61, 0x63: 0x65, 0x77: 0x78 };
const MAX_INT = 2147483647;

function readLimit(el: BerElement, what: string): number {
  const n = readInt(el, what);
  if (n < 0) throw new BerError(`${what} is negative`);
  return n;
}

function decodeBind(r: BerReader): BindRequest {
  const version = readInt(r.expect(TAG.INTEGER, 'bind version'), 'bind version');
  const name = readString(r.expect(TAG.OCTET_STRING, 'bind name'), 'bind name');
  const auth = r.next();
  r.end('bind request');
  if (auth.tag === 0x80) return { op: 'bind', version, name, auth: { method: 'simple', password: readString(auth, 'password') } };
  if (auth.tag === 0xa3) {
    const s = readReader(auth, 'sasl');
    return { op: 'bind', version, name, auth: { method: 'sasl', mechanism: readString(s.expect(TAG.OCTET_STRING, 'sasl mechanism'), 'sasl mechanism') } };
  }
  throw new BerError(`bind: unknown authentication choice 0x${auth.tag.toString(16)}`);
}

function decodeSearch(r: BerReader, limits: DecodeLimits): SearchRequest {
  const base = readString(r.expect(TAG.OCTET_STRING, 'base'), 'base');
  const scopeN = readInt(r.expect(TAG.ENUMERATED, 'scope'), 'scope');
  const scope = SCOPES[scopeN];
  if (scope === undefined) throw new BerError(`unknown scope ${scopeN}`);
  const derefAliases = readInt(r.expect(TAG.ENUMERATED, 'derefAliases'), 'derefAliases');
  if (derefAliases < 0 || derefAliases > 3) throw new BerError(`unknown derefAliases ${derefAliases}`);
  const sizeLimit = readLimit(r.expect(TAG.INTEGER, 'sizeLimit'), 'sizeLimit');
  const timeLimit = readLimit(r.expect(TAG.INTEGER, 'timeLimit'), 'timeLimit');
  const typesOnly = readBool(r.expect(TAG.BOOLEAN, 'typesOnly'), 'typesOnly');
  const filter = decodeFilter(r.next(), limits);
  const list = readReader(r.expect(TAG.SEQUENCE, 'attributes'), 'attributes');
  const attributes: string[] = [];
  while (!list.done) {
    if (attributes.length >= limits.maxAttributes) throw new BerError(`more than ${limits.maxAttributes} attributes requested`);
    attributes.push(readString(list.expect(TAG.OCTET_STRING, 'attribute'), 'attribute'));
  }
  r.end('search request');
  return { op: 'search', base, scope, derefAliases, sizeLimit: Math.min(sizeLimit, MAX_INT), timeLimit, typesOnly, filter, attributes };
}

function decodeControls(el: BerElement): Control[] {
  const r = readReader(el, 'controls');
  const out: Control[] = [];
  while (!r.done) {
    const c = readReader(r.expect(TAG.SEQUENCE, 'control'), 'control');
    const oid = readString(c.expect(TAG.OCTET_STRING, 'control type'), 'control type');
    let critical = false;
    let value: Buffer | null = null;
    if (c.peekTag() === TAG.BOOLEAN) critical = readBool(c.next(), 'criticality');
    if (c.peekTag() === TAG.OCTET_STRING) value = Buffer.from(c.next().value);
    c.end('control');
    out.push({ oid, critical, value });
  }
  return out;
}

/**
 * Decodes one complete LDAPMessage (RFC 4511 section 4.1.1). `frame` must be exactly one element
 * (see elementLength). Throws LdapDecodeError when it is malformed.
 */
export function decodeMessage(frame: Buffer, limits: DecodeLimits): LdapMessage {
  let messageId: number | null = null;
  let responseTag: number | null = null;
  try {
    if (elementLength(frame) !== frame.length) throw new BerError('frame is not exactly one element');
    const outer = new BerReader(frame).expect(TAG.SEQUENCE, 'LDAPMessage');
    const r = readReader(outer, 'LDAPMessage');
    const id = readInt(r.expect(TAG.INTEGER, 'messageID'), 'messageID');
    if (id < 0) throw new BerError('messageID is negative');
    const opEl = r.next();
    messageId = id;
    responseTag = RESPONSE_TAG[opEl.tag] ?? UPDATE_OPS[opEl.tag]?.responseTag ?? null;
    let controls: Control[] = [];
    if (!r.done) controls = decodeControls(r.expect(0xa0, 'controls'));
    r.end('LDAPMessage');
    let request: Request;
    switch (opEl.tag) {
      case 0x60:
        request = decodeBind(readReader(opEl, 'bind'));
        break;
      case 0x63:
        request = decodeSearch(readReader(opEl, 'search'), limits);
        break;
      case 0x42:
        if (opEl.value.length !== 0) throw new BerError('unbind carries no value');
        request = { op: 'unbind' };
        break;
      case 0x50: {
        const target = readInt(opEl, 'abandon');
        if (target < 0) throw new BerError('abandon: negative messageID');
        request = { op: 'abandon', messageId: target };
        break;
      }
      case 0x77: {
        const x = readReader(opEl, 'extended');
        const oid = readString(x.expect(0x80, 'requestName'), 'requestName');
        const value = x.peekTag() === 0x81 ? Buffer.from(x.next().value) : null;
        x.end('extended request');
        request = { op: 'extended', oid, value };
        break;
      }
      default: {
        const u = UPDATE_OPS[opEl.tag];
        if (!u) throw new BerError(`0x${opEl.tag.toString(16)} is not a request`);
        request = { op: 'update', name: u.name, responseTag: u.responseTag };
      }
    }
    return { messageId: id, request, controls };
  } catch (err) {
    if (err instanceof LdapDecodeError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new LdapDecodeError(message, messageId, responseTag);
  }
}

export const PAGED_RESULTS_OID = '1.2.840.113556.1.4.319';

/** The paged results control's value (RFC 2696): realSearchControlValue ::= SEQUENCE { size, cookie }. */
export function decodePagedControl(value: Buffer | null): { size: number; cookie: Buffer } {
  if (!value) throw new BerError('paged results control without a value');
  const outer = new BerReader(value);
  const r = readReader(outer.expect(TAG.SEQUENCE, 'paged results'), 'paged results');
  outer.end('paged results');
  const size = readInt(r.expect(TAG.INTEGER, 'page size'), 'page size');
  if (size < 0) throw new BerError('negative page size');
  const cookie = Buffer.from(r.expect(TAG.OCTET_STRING, 'cookie').value);
  r.end('paged results');
  return { size, cookie };
}
