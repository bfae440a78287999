/** Email/get and Email/changes (RFC 8621 sections 4.2, 4.3). */
import { z } from 'zod';
import { MailViews } from '../../../core/mail/mail-views.js';
import type { CallContext } from '../context.js';
import type { Methods } from '../dispatch.js';
import { emailId, parseEmailId } from '../email/ids.js';
import { loadEmails } from '../email/load.js';
import { DEFAULT_BODY_PROPERTIES, DEFAULT_EMAIL_PROPERTIES, buildEmail, checkEmailProperties } from '../email/object.js';
import { MethodError } from '../proto/errors.js';
import { CAPABILITIES, CORE_LIMITS } from '../proto/request.js';
import { ChangesArgs, GetArgs, oldState, parseArgs } from './common.js';

const EmailGetArgs = GetArgs.extend({
  bodyProperties: z.array(z.string()).nullable().optional(),
  fetchTextBodyValues: z.boolean().optional(),
  fetchHTMLBodyValues: z.boolean().optional(),
  fetchAllBodyValues: z.boolean().optional(),
  maxBodyValueBytes: z.number().int().nonnegative().optional(),
});

async function get(args: Record<string, unknown>, ctx: CallContext) {
  const a = parseArgs(EmailGetArgs, args);
  const { id, set } = await ctx.account(a.accountId);
  const props = a.properties ?? DEFAULT_EMAIL_PROPERTIES;
  checkEmailProperties(props);
  if (!a.ids) throw new MethodError('requestTooLarge', 'Email/get needs a list of ids (use Email/query to find them)');
  if (a.ids.length > CORE_LIMITS.maxObjectsInGet) throw new MethodError('requestTooLarge', `at most ${CORE_LIMITS.maxObjectsInGet} ids per Email/get`);
  const ids = a.ids.map((i) => ctx.resolveId(i));
  const hashes = ids.map(parseEmailId).filter((h): h is string => !!h);
  const sources = await loadEmails(ctx, set, hashes);
  const body = {
    bodyProperties: a.bodyProperties ?? DEFAULT_BODY_PROPERTIES,
    fetchTextBodyValues: a.fetchTextBodyValues ?? false,
    fetchHTMLBodyValues: a.fetchHTMLBodyValues ?? false,
    fetchAllBodyValues: a.fetchAllBodyValues ?? false,
    maxBodyValueBytes: a.maxBodyValueBytes ?? 0,
  };
  const list: Record<string, unknown>[] = [];
  const notFound: string[] = [];
  const seen = new Set<string>();
  for (const i of ids) {
    if (seen.has(i)) continue;
    seen.add(i);
    const h = parseEmailId(i);
    const src = h ? sources.get(h) : undefined;
    if (!src) notFound.push(i);
    else list.push(await buildEmail(ctx.services.messages, src, props, body));
  }
  return { accountId: id, state: MailViews.state(set), list, notFound };
}

async function changes(args: Record<string, unknown>, ctx: CallContext) {
  const a = parseArgs(ChangesArgs, args);
  const { id, owner, set } = await ctx.account(a.accountId);
  const old = oldState(a.sinceState);
  const c = await ctx.services.mailViews.emailChanges(owner.ownerId, old, set, a.maxChanges ?? 5000);
  if (!c) throw new MethodError('cannotCalculateChanges', 'too many changes since that state; fetch the messages again');
  return {
    accountId: id,
    oldState: a.sinceState,
    newState: c.hasMore ? MailViews.state({ views: set.views, state: c.state }) : MailViews.state(set),
    hasMoreChanges: c.hasMore,
    created: c.created.map(emailId),
    updated: c.updated.map(emailId),
    destroyed: c.destroyed.map(emailId),
  };
}

export const emailGetMethods: Methods = {
  'Email/get': { capability: CAPABILITIES.mail, handler: get },
  'Email/changes': { capability: CAPABILITIES.mail, handler: changes },
};
