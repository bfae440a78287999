/**
 * Email/set update and destroy (RFC 8621 section 4.6) through the same core operations IMAP
 * uses: keywords are STORE flag changes (one new MODSEQ each), a folder change is a MOVE (or COPY),
 * leaving a folder is \Deleted plus UID EXPUNGE, destroying is that for every copy.
 */
import type { FolderSet } from '../../../core/mail/mail-views.js';
import type { CallContext } from '../context.js';
import { setFailure } from '../proto/errors.js';
import { parseMailboxId } from '../methods/mailbox.js';
import { copiesOf, viewsOf, type Copy } from './access.js';
import { flagOf, keywordsOf, validKeyword } from './ids.js';

async function leave(ctx: CallContext, c: Copy): Promise<void> {
  await ctx.services.messages.setFlags(c.view, [c.row.uid], 'add', ['\\Deleted'], { origin: 'jmap' });
  await ctx.services.messages.expunge(c.view, [c.row.uid], 'jmap');
}

export async function destroyEmail(ctx: CallContext, set: FolderSet, jmapId: string): Promise<void> {
  const { copies } = await copiesOf(ctx, set, jmapId);
  for (const c of copies) await leave(ctx, c);
}

export async function updateEmail(ctx: CallContext, set: FolderSet, jmapId: string, patch: Record<string, unknown>): Promise<void> {
  const { copies } = await copiesOf(ctx, set, jmapId);
  const add = new Set<string>();
  const remove = new Set<string>();
  let replaceKeywords: Set<string> | null = null;
  let mailboxes: Set<number> | null = null;
  const current = new Set(copies.map((c) => c.row.mailboxId));
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'keywords') {
      if (!value || typeof value !== 'object') throw setFailure('invalidProperties', 'keywords must be an object', { properties: ['keywords'] });
      replaceKeywords = new Set();
      for (const [k, on] of Object.entries(value)) {
        if (on !== true || !validKeyword(k)) throw setFailure('invalidProperties', `bad keyword "${k}"`, { properties: ['keywords'] });
        replaceKeywords.add(flagOf(k));
      }
    } else if (key.startsWith('keywords/')) {
      const k = key.slice('keywords/'.length);
      if (!validKeyword(k) || (value !== true && value !== null)) throw setFailure('invalidProperties', `bad keyword patch "${key}"`, { properties: [key] });
      (value ? add : remove).add(flagOf(k));
    } else if (key === 'mailboxIds') {
      mailboxes = new Set(viewsOf(ctx, set, (value ?? {}) as Record<string, unknown>).map((v) => v.mailbox.id));
    } else if (key.startsWith('mailboxIds/')) {
      const n = parseMailboxId(ctx.resolveId(key.slice('mailboxIds/'.length)));
      if (n === null || !set.views.some((v) => v.mailbox.id === n)) throw setFailure('invalidProperties', `no folder ${key.slice(11)}`, { properties: ['mailboxIds'] });
      mailboxes ??= new Set(current);
      if (value === true) mailboxes.add(n);
      else if (value === null) mailboxes.delete(n);
      else throw setFailure('invalidProperties', `${key} must be true or null`, { properties: [key] });
    } else {
      throw setFailure('invalidProperties', `${key} cannot be changed (messages are immutable; create a new one)`, { properties: [key] });
    }
  }
  if (mailboxes && !mailboxes.size) throw setFailure('invalidProperties', 'a message must stay in at least one folder', { properties: ['mailboxIds'] });

  // Keywords first, so copies made below carry them.
  const msgs = ctx.services.messages;
  for (const c of copies) {
    let toAdd = [...add];
    let toRemove = [...remove];
    if (replaceKeywords) {
      const have = Object.keys(keywordsOf(c.row.flags)).map(flagOf);
      toAdd = [...replaceKeywords].filter((f) => !have.includes(f));
      toRemove = have.filter((f) => !replaceKeywords!.has(f));
    }
    if (toAdd.length) await msgs.setFlags(c.view, [c.row.uid], 'add', toAdd, { origin: 'jmap' });
    if (toRemove.length) await msgs.setFlags(c.view, [c.row.uid], 'remove', toRemove, { origin: 'jmap' });
  }
  if (!mailboxes) return;
  const viewOf = (id: number) => set.views.find((v) => v.mailbox.id === id)!;
  const arriving = [...mailboxes].filter((id) => !current.has(id));
  const leaving = copies.filter((c) => !mailboxes!.has(c.row.mailboxId));
  for (const target of arriving) {
    // A folder change is a MOVE from a folder being left (RFC 6851), else a COPY from any copy.
    const from = leaving.shift();
    if (from) await msgs.move(from.view, [from.row.uid], viewOf(target), 'jmap');
    else await msgs.copy(copies[0]!.view, [copies[0]!.row.uid], viewOf(target));
  }
  for (const c of leaving) await leave(ctx, c);
}
