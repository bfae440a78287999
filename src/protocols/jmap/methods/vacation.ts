/**
 * VacationResponse/get and /set (RFC 8621 section 8): the singleton maps onto the account's
 * server-side rules (core/rules), which send the replies at delivery as RFC 5230 says.
 */
import { z } from 'zod';
import type { VacationSettings } from '../../../core/rules/rules-service.js';
import type { CallContext } from '../context.js';
import type { Methods } from '../dispatch.js';
import { MethodError, type SetError } from '../proto/errors.js';
import { CAPABILITIES } from '../proto/request.js';
import { GetArgs, SetArgs, parseArgs, pick } from './common.js';

const Patch = z.object({
  isEnabled: z.boolean().optional(),
  fromDate: z.string().datetime({ offset: true }).nullable().optional(),
  toDate: z.string().datetime({ offset: true }).nullable().optional(),
  subject: z.string().nullable().optional(),
  textBody: z.string().nullable().optional(),
  htmlBody: z.string().nullable().optional(),
}).strict();

const stateOf = (v: VacationSettings) => Buffer.from(JSON.stringify(v)).toString('base64url').slice(-16);

async function ownAccount(ctx: CallContext, accountId: string) {
  const acct = await ctx.account(accountId);
  if (!acct.owner.own) throw new MethodError('accountNotSupportedByMethod', 'out-of-office replies belong to your own account');
  return acct;
}

async function get(args: Record<string, unknown>, ctx: CallContext) {
  const a = parseArgs(GetArgs, args);
  const acct = await ownAccount(ctx, a.accountId);
  const v = await ctx.services.rules.vacation(ctx.viewer.id);
  const want = a.ids ?? ['singleton'];
  return {
    accountId: acct.id,
    state: stateOf(v),
    list: want.includes('singleton') ? [pick({ id: 'singleton', ...v }, a.properties)] : [],
    notFound: want.filter((i) => i !== 'singleton'),
  };
}

async function set(args: Record<string, unknown>, ctx: CallContext) {
  const a = parseArgs(SetArgs, args);
  const acct = await ownAccount(ctx, a.accountId);
  const before = await ctx.services.rules.vacation(ctx.viewer.id);
  if (a.ifInState && a.ifInState !== stateOf(before)) throw new MethodError('stateMismatch', 'the settings changed since that state');
  const notCreated: Record<string, SetError> = Object.fromEntries(Object.keys(a.create ?? {}).map((k) => [k, { type: 'singleton', description: 'there is one VacationResponse: update "singleton"' }]));
  const notDestroyed: Record<string, SetError> = Object.fromEntries((a.destroy ?? []).map((k) => [k, { type: 'singleton', description: 'the VacationResponse cannot be destroyed; set isEnabled false' }]));
  const updated: Record<string, null> = {};
  const notUpdated: Record<string, SetError> = {};
  for (const [id, patch] of Object.entries(a.update ?? {})) {
    if (id !== 'singleton') {
      notUpdated[id] = { type: 'notFound' };
      continue;
    }
    const p = Patch.safeParse(patch);
    if (!p.success) {
      notUpdated[id] = { type: 'invalidProperties', description: p.error.issues[0]!.message, properties: p.error.issues.map((i) => String(i.path[0])) };
      continue;
    }
    await ctx.services.rules.setVacation(ctx.viewer.id, { ...before, ...p.data });
    updated[id] = null;
  }
  return { accountId: acct.id, oldState: stateOf(before), newState: stateOf(await ctx.services.rules.vacation(ctx.viewer.id)), created: {}, updated, destroyed: [], notCreated, notUpdated, notDestroyed };
}

export const vacationMethods: Methods = {
  'VacationResponse/get': { capability: CAPABILITIES.vacation, handler: get },
  'VacationResponse/set': { capability: CAPABILITIES.vacation, handler: set },
};
