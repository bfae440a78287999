/**
 * Identity/get and Identity/set (RFC 8621 section 6): one identity per address the account may
 * send as (own address, aliases, send-as and send-on-behalf grants from core/sharing). Names,
 * reply-to, bcc and signatures are editable; identities come and go with grants, not by create.
 */
import { z } from 'zod';
import type { CallContext } from '../context.js';
import type { Methods } from '../dispatch.js';
import { MethodError, setFailure, toSetError, type SetError } from '../proto/errors.js';
import { CAPABILITIES } from '../proto/request.js';
import { GetArgs, SetArgs, checkSetSize, idsToGet, parseArgs, pick } from './common.js';

export const identityId = (address: string) => `I${Buffer.from(address).toString('hex')}`;
export const identityAddress = (id: string) => (/^I([0-9a-f]{2})+$/.test(id) ? Buffer.from(id.slice(1), 'hex').toString() : null);

const Address = z.object({ name: z.string().nullable().optional(), email: z.string() });
const Patch = z.object({ name: z.string().optional(), replyTo: z.array(Address).nullable().optional(), bcc: z.array(Address).nullable().optional(), textSignature: z.string().optional(), htmlSignature: z.string().optional() }).strict();

/** Every identity of the viewer, with stored settings applied. */
export async function identities(ctx: CallContext): Promise<Record<string, unknown>[]> {
  const stored = await ctx.services.rules.identitySettings(ctx.viewer.id);
  return (await ctx.services.mailViews.senders(ctx.viewer.id)).map((s) => {
    const id = identityId(s.address);
    return { id, name: s.name, email: s.address, replyTo: null, bcc: null, textSignature: '', htmlSignature: '', mayDelete: false, ...(stored[id] ?? {}) };
  });
}

/** The JMAP state of identities: a digest of the list. */
const stateOf = (list: Record<string, unknown>[]) => String(JSON.stringify(list).split('').reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7));

async function ownAccount(ctx: CallContext, accountId: string) {
  const acct = await ctx.account(accountId);
  if (!acct.owner.own) throw new MethodError('accountNotSupportedByMethod', 'identities belong to your own account');
  return acct;
}

async function get(args: Record<string, unknown>, ctx: CallContext) {
  const a = parseArgs(GetArgs, args);
  const acct = await ownAccount(ctx, a.accountId);
  const ids = idsToGet(a.ids);
  const all = await identities(ctx);
  const list = ids ? all.filter((i) => ids.includes(i.id as string)) : all;
  return { accountId: acct.id, state: stateOf(all), list: list.map((i) => pick(i, a.properties)), notFound: ids ? ids.filter((i) => !all.some((x) => x.id === i)) : [] };
}

async function set(args: Record<string, unknown>, ctx: CallContext) {
  const a = parseArgs(SetArgs, args);
  checkSetSize(a);
  const acct = await ownAccount(ctx, a.accountId);
  const before = await identities(ctx);
  const oldState = stateOf(before);
  if (a.ifInState && a.ifInState !== oldState) throw new MethodError('stateMismatch', 'identities changed since that state');
  const stored = await ctx.services.rules.identitySettings(ctx.viewer.id);
  const created: Record<string, unknown> = {};
  const notCreated: Record<string, SetError> = {};
  const updated: Record<string, null> = {};
  const notUpdated: Record<string, SetError> = {};
  const notDestroyed: Record<string, SetError> = {};
  for (const [cid, obj] of Object.entries(a.create ?? {})) {
    try {
      const email = String(obj.email ?? '').toLowerCase();
      const existing = before.find((i) => i.email === email);
      if (!existing) throw setFailure('forbiddenFrom', `you may not send as ${email}: ask its owner for a send-as or send-on-behalf grant`);
      const { email: _e, ...rest } = obj;
      const p = Patch.safeParse(rest);
      if (!p.success) throw setFailure('invalidProperties', p.error.issues[0]!.message);
      stored[existing.id as string] = { ...(stored[existing.id as string] ?? {}), ...p.data };
      ctx.createdIds.set(cid, existing.id as string);
      created[cid] = { id: existing.id, mayDelete: false };
    } catch (err) {
      notCreated[cid] = toSetError(err);
    }
  }
  for (const [id, patch] of Object.entries(a.update ?? {})) {
    try {
      if (!before.some((i) => i.id === id)) throw setFailure('notFound', `no identity ${id}`);
      const p = Patch.safeParse(patch);
      if (!p.success) throw setFailure('invalidProperties', p.error.issues[0]!.message, { properties: p.error.issues.map((i) => String(i.path[0])) });
      stored[id] = { ...(stored[id] ?? {}), ...p.data };
      updated[id] = null;
    } catch (err) {
      notUpdated[id] = toSetError(err);
    }
  }
  for (const id of a.destroy ?? []) notDestroyed[id] = { type: 'forbidden', description: 'identities follow your addresses and grants; they cannot be deleted' };
  await ctx.services.rules.setIdentitySettings(ctx.viewer.id, stored);
  return { accountId: acct.id, oldState, newState: stateOf(await identities(ctx)), created, updated, destroyed: [], notCreated, notUpdated, notDestroyed };
}

export const identityMethods: Methods = {
  'Identity/get': { capability: CAPABILITIES.submission, handler: get },
  'Identity/set': { capability: CAPABILITIES.submission, handler: set },
};
