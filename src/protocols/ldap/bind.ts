/**
 * Simple bind (RFC 4511 section 4.2, RFC 4513 section 5.1): the name is the account's address, or
 * a DN whose mail=, uid=<address> or uid=<entry id> names it; the password goes through the
 * account service. An anonymous bind succeeds but sees nothing beyond the root DSE; an
 * unauthenticated bind (name without password) is refused.
 */
import { WardpostError, isWardpostError } from '../../core/errors.js';
import type { Identity, LdapContext } from './context.js';
import { DnError, parseDn } from './proto/dn.js';
import type { BindRequest } from './proto/messages.js';
import { RESULT, type LdapResult } from './proto/responses.js';

export const ANONYMOUS: Identity = { viewer: null, address: null };

/** The address a bind name stands for, or null when it names no one. */
async function addressOf(ctx: LdapContext, name: string): Promise<string | null> {
  if (!name.includes('=')) return name.trim();
  const rdns = parseDn(name);
  const first = rdns[0];
  if (!first) return null;
  if (first.type === 'mail' || (first.type === 'uid' && first.value.includes('@'))) return first.value;
  if (first.type === 'uid' && /^\d{1,15}$/.test(first.value)) {
    try {
      const e = await ctx.services.directory.get({ accountId: null, orgId: null, national: true }, Number(first.value));
      return e.accountId !== null ? e.email : null;
    } catch (err) {
      if (isWardpostError(err, 'not_found')) return null;
      throw err;
    }
  }
  return null;
}

export async function bind(ctx: LdapContext, req: BindRequest): Promise<{ result: LdapResult; identity: Identity }> {
  const fail = (code: number, message: string) => ({ result: { code, message }, identity: ANONYMOUS });
  if (req.version !== 3) return fail(RESULT.protocolError, 'only LDAP version 3 is supported');
  if (req.auth.method !== 'simple') return fail(RESULT.authMethodNotSupported, 'use a simple bind with your address and password');
  const { password } = req.auth;
  if (req.name === '' && password === '') return { result: { code: RESULT.success }, identity: ANONYMOUS };
  if (password === '') return fail(RESULT.unwillingToPerform, 'unauthenticated bind (a name without a password) is not allowed');
  let address: string | null;
  try {
    address = await addressOf(ctx, req.name);
  } catch (err) {
    if (err instanceof DnError) return fail(RESULT.invalidDNSyntax, err.message);
    throw err;
  }
  // Unknown names cost a password check too, so they cannot be told apart from wrong passwords.
  try {
    const account = await ctx.services.accounts.authenticate(address ?? 'nobody@invalid.invalid', password);
    if (address === null) throw new WardpostError('unauthenticated', 'invalid address or password');
    return {
      result: { code: RESULT.success },
      identity: { viewer: { accountId: account.id, orgId: account.org.id, national: account.role === 'national-admin' }, address: account.address },
    };
  } catch (err) {
    if (isWardpostError(err, 'unauthenticated') || isWardpostError(err, 'account_suspended') || isWardpostError(err, 'invalid_input')) {
      return fail(RESULT.invalidCredentials, err.message);
    }
    throw err;
  }
}
