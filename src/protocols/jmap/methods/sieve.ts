/**
 * Server-side rules over JMAP (RFC 9661, urn:ietf:params:jmap:sieve): SieveScript/get, /set and
 * /validate. An account has one script, "rules", active while it is not empty; its content is a
 * blob (upload the text, then set blobId). Delivery runs it (core/rules).
 */
import { Readable } from 'node:stream';
import { z } from 'zod';
import { isWardpostError } from '../../../core/errors.js';
import type { CallContext } from '../context.js';
import type { Methods } from '../dispatch.js';
import { blobBytes } from '../email/access.js';
import { messageBlobId } from '../email/ids.js';
import { MethodError, setFailure, toSetError, type SetError } from '../proto/errors.js';
import { CAPABILITIES } from '../proto/request.js';
import { GetArgs, SetArgs, parseArgs, pick } from './common.js';

const SCRIPT_ID = 'rules';
const Body = z.object({ name: z.string().nullable().optional(), blobId: z.string().optional() });

async function ownAccount(ctx: CallContext, accountId: string) {
  const acct = await ctx.account(accountId);
  if (!acct.owner.own) throw new MethodError('accountNotSupportedByMethod', 'rules belong to your own account');
  return acct;
}

async function current(ctx: CallContext): Promise<{ script: string; object: Record<string, unknown> | null; state: string }> {
  const script = (await ctx.services.rules.settings(ctx.viewer.id)).sieve;
  const state = Buffer.from(script).toString('base64url').slice(-12) || 'empty';
  if (!script.trim()) return { script, object: null, state };
  const up = await ctx.services.uploads.put(ctx.viewer.id, Readable.from([Buffer.from(script)]), 'application/sieve');
  return { script, object: { id: SCRIPT_ID, name: SCRIPT_ID, blobId: messageBlobId(up.hash), isActive: true }, state };
}

/** The script text of a blob, validated; invalidSieve names the problem. */
async function scriptOf(ctx: CallContext, accountId: string, blobId: string): Promise<string> {
  const text = (await blobBytes(ctx, accountId, ctx.resolveId(blobId))).toString('utf8');
  try {
    ctx.services.rules.validate(text);
  } catch (err) {
    if (isWardpostError(err)) throw setFailure('invalidSieve', err.message);
    throw err;
  }
  return text;
}

async function get(args: Record<string, unknown>, ctx: CallContext) {
  const a = parseArgs(GetArgs, args);
  const acct = await ownAccount(ctx, a.accountId);
  const c = await current(ctx);
  const want = a.ids ?? [SCRIPT_ID];
  const list = c.object && want.includes(SCRIPT_ID) ? [pick(c.object, a.properties)] : [];
  return { accountId: acct.id, state: c.state, list, notFound: want.filter((i) => !list.length || i !== SCRIPT_ID) };
}

async function set(args: Record<string, unknown>, ctx: CallContext) {
  const a = parseArgs(SetArgs.extend({ onSuccessActivateScript: z.string().nullable().optional(), onSuccessDeactivateScript: z.boolean().optional() }), args);
  const acct = await ownAccount(ctx, a.accountId);
  const before = await current(ctx);
  if (a.ifInState && a.ifInState !== before.state) throw new MethodError('stateMismatch', 'the rules changed since that state');
  const created: Record<string, unknown> = {};
  const notCreated: Record<string, SetError> = {};
  const updated: Record<string, null> = {};
  const notUpdated: Record<string, SetError> = {};
  const destroyed: string[] = [];
  const notDestroyed: Record<string, SetError> = {};
  let exists = !!before.object;
  for (const [cid, obj] of Object.entries(a.create ?? {})) {
    try {
      const p = Body.safeParse(obj);
      if (!p.success || !p.data.blobId) throw setFailure('invalidProperties', 'a script needs a blobId', { properties: ['blobId'] });
      if (exists) throw setFailure('alreadyExists', 'this account has one rules script: update it', { existingId: SCRIPT_ID });
      await ctx.services.rules.setSieve(ctx.viewer.id, await scriptOf(ctx, acct.id, p.data.blobId));
      exists = true;
      ctx.createdIds.set(cid, SCRIPT_ID);
      created[cid] = { id: SCRIPT_ID, name: SCRIPT_ID, isActive: true };
    } catch (err) {
      notCreated[cid] = toSetError(err);
    }
  }
  for (const [id, obj] of Object.entries(a.update ?? {})) {
    try {
      const p = Body.safeParse(obj);
      if (id !== SCRIPT_ID || !exists) throw setFailure('notFound');
      if (!p.success) throw setFailure('invalidProperties', p.error.issues[0]!.message);
      if (p.data.blobId) await ctx.services.rules.setSieve(ctx.viewer.id, await scriptOf(ctx, acct.id, p.data.blobId));
      updated[id] = null;
    } catch (err) {
      notUpdated[id] = toSetError(err);
    }
  }
  for (const id of a.destroy ?? []) {
    if (id !== SCRIPT_ID || !exists) notDestroyed[id] = { type: 'notFound' };
    else {
      await ctx.services.rules.setSieve(ctx.viewer.id, '');
      destroyed.push(id);
    }
  }
  if (a.onSuccessDeactivateScript) await ctx.services.rules.setSieve(ctx.viewer.id, '');
  return { accountId: acct.id, oldState: before.state, newState: (await current(ctx)).state, created, updated, destroyed, notCreated, notUpdated, notDestroyed };
}

async function validate(args: Record<string, unknown>, ctx: CallContext) {
  const a = parseArgs(z.object({ accountId: z.string(), blobId: z.string() }), args);
  const acct = await ownAccount(ctx, a.accountId);
  try {
    await scriptOf(ctx, acct.id, a.blobId);
    return { accountId: acct.id, error: null };
  } catch (err) {
    return { accountId: acct.id, error: toSetError(err) };
  }
}

export const sieveMethods: Methods = {
  'SieveScript/get': { capability: CAPABILITIES.sieve, handler: get },
  'SieveScript/set': { capability: CAPABILITIES.sieve, handler: set },
  'SieveScript/validate': { capability: CAPABILITIES.sieve, handler: validate },
};
