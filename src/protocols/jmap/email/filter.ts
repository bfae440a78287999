/**
 * Email/query filtering and sorting (RFC 8621 section 4.4) over light rows grouped by body, with
 * text conditions answered by the same search the IMAP SEARCH command uses (core text index).
 */
import { z } from 'zod';
import type { MessageIndex } from '../../../core/mail/mime/types.js';
import type { MessageListRow } from '../../../store/types.js';
import type { CallContext } from '../context.js';
import { parseMailboxId } from '../methods/mailbox.js';
import { MethodError } from '../proto/errors.js';
import { flagOf } from './ids.js';

const Condition = z.object({
  inMailbox: z.string().optional(),
  inMailboxOtherThan: z.array(z.string()).optional(),
  before: z.string().optional(),
  after: z.string().optional(),
  minSize: z.number().int().optional(),
  maxSize: z.number().int().optional(),
  allInThreadHaveKeyword: z.string().optional(),
  someInThreadHaveKeyword: z.string().optional(),
  noneInThreadHaveKeyword: z.string().optional(),
  hasKeyword: z.string().optional(),
  notKeyword: z.string().optional(),
  hasAttachment: z.boolean().optional(),
  text: z.string().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  cc: z.string().optional(),
  bcc: z.string().optional(),
  subject: z.string().optional(),
  body: z.string().optional(),
  header: z.array(z.string()).min(1).max(2).optional(),
}).strict();
export type Condition = z.infer<typeof Condition>;
export type Filter = Condition | { operator: 'AND' | 'OR' | 'NOT'; conditions: Filter[] };
export const FilterSchema: z.ZodType<Filter> = z.lazy(() => z.union([z.object({ operator: z.enum(['AND', 'OR', 'NOT']), conditions: z.array(FilterSchema) }).strict(), Condition]));

export const Comparator = z.object({ property: z.string(), isAscending: z.boolean().optional(), collation: z.string().optional(), keyword: z.string().optional() });
export type Comparator = z.infer<typeof Comparator>;

/** One Email as the query sees it: its copies in the searched folders. */
export interface Candidate {
  hash: string;
  rows: MessageListRow[];
}

type TextScope = 'body' | 'text' | 'subject' | 'from' | 'headers';

/** Evaluates a filter; text conditions are looked up once per (scope, needle) and folder. */
export class FilterRun {
  private readonly textHits = new Map<string, Set<string>>();
  private indexes: Map<string, MessageIndex> | null = null;

  constructor(
    private readonly ctx: CallContext,
    private readonly candidates: Candidate[],
  ) {}

  async matches(filter: Filter | null | undefined): Promise<Candidate[]> {
    if (!filter) return this.candidates;
    await this.prepare(filter);
    return this.candidates.filter((c) => this.test(filter, c));
  }

  private async prepare(f: Filter): Promise<void> {
    if ('operator' in f) {
      for (const c of f.conditions) await this.prepare(c);
      return;
    }
    const text: [TextScope, string | undefined][] = [['text', f.text], ['body', f.body], ['subject', f.subject], ['from', f.from], ['headers', f.to], ['headers', f.cc], ['headers', f.bcc], ['headers', f.header?.[1] ?? f.header?.[0]]];
    for (const [scope, needle] of text) if (needle !== undefined) await this.search(scope, needle);
    if (f.hasAttachment !== undefined && !this.indexes) this.indexes = await this.ctx.services.messages.indexes(this.candidates.map((c) => c.hash));
    if (f.allInThreadHaveKeyword || f.someInThreadHaveKeyword || f.noneInThreadHaveKeyword) throw new MethodError('unsupportedFilter', 'thread keyword conditions are not supported');
  }

  private async search(scope: TextScope, needle: string): Promise<void> {
    const key = `${scope}\0${needle}`;
    if (this.textHits.has(key)) return;
    const byFolder = new Map<number, Map<number, string>>();
    for (const c of this.candidates) {
      for (const r of c.rows) {
        let m = byFolder.get(r.mailboxId);
        if (!m) byFolder.set(r.mailboxId, (m = new Map()));
        m.set(r.uid, c.hash);
      }
    }
    const hits = new Set<string>();
    for (const [folder, uids] of byFolder) {
      for (const uid of await this.ctx.services.messages.searchText(folder, needle, scope)) {
        const h = uids.get(uid);
        if (h) hits.add(h);
      }
    }
    this.textHits.set(key, hits);
  }

  private test(f: Filter, c: Candidate): boolean {
    if ('operator' in f) {
      if (f.operator === 'AND') return f.conditions.every((x) => this.test(x, c));
      if (f.operator === 'OR') return f.conditions.some((x) => this.test(x, c));
      return !f.conditions.some((x) => this.test(x, c));
    }
    const has = (kw: string) => c.rows.some((r) => r.flags.split(' ').includes(flagOf(kw)));
    const hit = (scope: TextScope, needle: string | undefined) => needle === undefined || !!this.textHits.get(`${scope}\0${needle}`)?.has(c.hash);
    const r0 = c.rows[0]!;
    const received = Math.min(...c.rows.map((r) => r.internalDate));
    if (f.inMailbox !== undefined && !c.rows.some((r) => r.mailboxId === parseMailboxId(f.inMailbox!))) return false;
    if (f.inMailboxOtherThan && !c.rows.some((r) => !f.inMailboxOtherThan!.map(parseMailboxId).includes(r.mailboxId))) return false;
    if (f.before !== undefined && !(received < Date.parse(f.before))) return false;
    if (f.after !== undefined && !(received >= Date.parse(f.after))) return false;
    if (f.minSize !== undefined && r0.size < f.minSize) return false;
    if (f.maxSize !== undefined && r0.size >= f.maxSize) return false;
    if (f.hasKeyword !== undefined && !has(f.hasKeyword)) return false;
    if (f.notKeyword !== undefined && has(f.notKeyword)) return false;
    if (f.hasAttachment !== undefined && (this.indexes?.get(c.hash)?.hasAttachment ?? false) !== f.hasAttachment) return false;
    return hit('text', f.text) && hit('body', f.body) && hit('subject', f.subject) && hit('from', f.from) && hit('headers', f.to) && hit('headers', f.cc) && hit('headers', f.bcc) && hit('headers', f.header?.[1] ?? f.header?.[0]);
  }
}

const SORTABLE = ['receivedAt', 'size', 'from', 'to', 'subject', 'sentAt', 'hasKeyword'] as const;

/** Sorts candidates by the comparators (RFC 8621 section 4.4.2), receivedAt descending by default. */
export async function sortCandidates(ctx: CallContext, list: Candidate[], sort: readonly Comparator[] | null | undefined): Promise<Candidate[]> {
  const comps = sort?.length ? sort : [{ property: 'receivedAt', isAscending: false }];
  for (const c of comps) if (!(SORTABLE as readonly string[]).includes(c.property)) throw new MethodError('unsupportedSort', `cannot sort by ${c.property}`);
  const needIndex = comps.some((c) => ['from', 'to', 'subject', 'sentAt'].includes(c.property));
  const idx = needIndex ? await ctx.services.messages.indexes(list.map((c) => c.hash)) : null;
  const key = (c: Candidate, comp: Comparator): string | number => {
    const i = idx?.get(c.hash);
    switch (comp.property) {
      case 'receivedAt': return Math.min(...c.rows.map((r) => r.internalDate));
      case 'size': return c.rows[0]!.size;
      case 'from': return (i?.from[0]?.name || i?.from[0]?.address || '').toLowerCase();
      case 'to': return (i?.to[0]?.name || i?.to[0]?.address || '').toLowerCase();
      case 'subject': return (i?.subject ?? '').replace(/^((re|fwd?|aw)\s*:\s*)+/i, '').toLowerCase();
      case 'sentAt': return i?.date?.getTime() ?? 0;
      default: return c.rows.some((r) => r.flags.split(' ').includes(flagOf(comp.keyword ?? ''))) ? 1 : 0;
    }
  };
  const keyed = list.map((c) => ({ c, k: comps.map((comp) => key(c, comp)), tie: Math.max(...c.rows.map((r) => r.uid)) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < comps.length; i++) {
      const x = a.k[i]!;
      const y = b.k[i]!;
      if (x !== y) return (x < y ? -1 : 1) * (comps[i]!.isAscending === false ? -1 : 1);
    }
    return b.tie - a.tie;
  });
  return keyed.map((k) => k.c);
}
