/**
 * The folders every new account gets, with their RFC 6154 special-use attributes, so every
 * client finds Sent, Drafts and Trash without configuration.
 */
import type { Repos } from '../../store/types.js';

export const DEFAULT_MAILBOXES: readonly { name: string; specialUse: string | null }[] = [
  { name: 'INBOX', specialUse: null },
  { name: 'Drafts', specialUse: '\\Drafts' },
  { name: 'Sent', specialUse: '\\Sent' },
  { name: 'Archive', specialUse: '\\Archive' },
  { name: 'Junk', specialUse: '\\Junk' },
  { name: 'Trash', specialUse: '\\Trash' },
];

/**
 * A UIDVALIDITY for a new mailbox: seconds since the epoch fit in 32 bits until 2106 and grow
 * over time, so a deleted and re-created mailbox of the same name gets a larger value (RFC 9051 2.3.1.1).
 */
export function newUidValidity(): number {
  return Math.floor(Date.now() / 1000) >>> 0;
}

export async function createDefaultMailboxes(tx: Pick<Repos, 'mailboxes'>, accountId: number): Promise<void> {
  const uidvalidity = newUidValidity();
  for (const m of DEFAULT_MAILBOXES) {
    await tx.mailboxes.create({ accountId, name: m.name, specialUse: m.specialUse, uidvalidity, subscribed: true });
  }
}
