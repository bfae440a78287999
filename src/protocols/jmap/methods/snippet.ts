/** SearchSnippet/get (RFC 8621 section 5.1): highlighted subject and excerpt for a filter's text terms. */
import { z } from 'zod';
import { previewSnippet, snippetTerms, subjectSnippet } from '../../../core/mail/snippets.js';
import type { CallContext } from '../context.js';
import type { Methods } from '../dispatch.js';
import { FilterSchema, type Filter } from '../email/filter.js';
import { parseEmailId } from '../email/ids.js';
import { loadEmails } from '../email/load.js';
import { MethodError } from '../proto/errors.js';
import { CAPABILITIES, CORE_LIMITS } from '../proto/request.js';
import { parseArgs } from './common.js';

const Args = z.object({ accountId: z.string(), filter: FilterSchema.nullable().optional(), emailIds: z.array(z.string()) });

function texts(f: Filter | null | undefined): string[] {
  if (!f) return [];
  if ('operator' in f) return f.operator === 'NOT' ? [] : f.conditions.flatMap(texts);
  return [f.text, f.subject, f.body, f.from, f.to, f.cc, f.bcc].filter((x): x is string => !!x);
}

async function get(args: Record<string, unknown>, ctx: CallContext) {
  const a = parseArgs(Args, args);
  if (a.emailIds.length > CORE_LIMITS.maxObjectsInGet) throw new MethodError('requestTooLarge', `at most ${CORE_LIMITS.maxObjectsInGet} emailIds`);
  const { id, set } = await ctx.account(a.accountId);
  const terms = snippetTerms(texts(a.filter));
  const hashes = a.emailIds.map(parseEmailId).filter((h): h is string => !!h);
  const sources = await loadEmails(ctx, set, hashes);
  const list = [];
  const notFound = [];
  for (const emailId of a.emailIds) {
    const h = parseEmailId(emailId);
    const src = h ? sources.get(h) : undefined;
    if (!src) {
      notFound.push(emailId);
      continue;
    }
    const body = await ctx.services.mailViews.searchText(src.hash);
    list.push({ emailId, subject: subjectSnippet(src.index.subject, terms), preview: previewSnippet(body, terms) });
  }
  return { accountId: id, list, notFound };
}

export const snippetMethods: Methods = {
  'SearchSnippet/get': { capability: CAPABILITIES.mail, handler: get },
};
