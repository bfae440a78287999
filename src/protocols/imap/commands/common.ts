// What most command handlers share: the handler shape, finding a mailbox by its IMAP name with
// the session's rights, and turning sequence sets into the messages they name.
import type { MailboxView } from '../../../core/mail/mailbox-service.js';
import { no, bad } from '../errors.js';
import { parseName } from '../names.js';
import { compileSequenceSet, sequenceSetExceeds, type CommandName, type CommandOf, type SequenceSet } from '../proto/index.js';
import type { SelectedMailbox } from '../selected.js';
import type { ImapSession, SessionState } from '../session.js';

/** How a handler ends its command when all went well. */
export interface Done {
  code?: string;
  text?: string;
  /** Runs after the tagged reply went out (LOGOUT closes, STARTTLS upgrades). */
  after?: () => void;
}

/** One command: the states it is allowed in, and what it does (RFC 9051 section 6). */
export interface Handler<K extends CommandName> {
  readonly states: readonly SessionState[];
  run(s: ImapSession, cmd: CommandOf<K>): Promise<Done | void>;
}

export const ANY: readonly SessionState[] = ['not-authenticated', 'authenticated', 'selected'];
export const NOT_AUTH: readonly SessionState[] = ['not-authenticated'];
export const AUTH: readonly SessionState[] = ['authenticated', 'selected'];
export const SELECTED: readonly SessionState[] = ['selected'];

export function accountId(s: ImapSession): number {
  if (!s.account) throw bad('not signed in');
  return s.account.id;
}

/** The folder an IMAP name refers to, as this account sees it; NO [NONEXISTENT] when unseen. */
export async function findView(s: ImapSession, name: string): Promise<MailboxView> {
  const { owner, folder, namespace } = parseName(name);
  const view = namespace ? null : await s.services.mailboxes.find(accountId(s), owner, folder);
  if (!view) throw no('NONEXISTENT', `no folder named "${name.slice(0, 100)}"`);
  return view;
}

export function requireRight(view: MailboxView, right: string, what: string): void {
  if (!view.rights.includes(right)) throw no('NOPERM', `you may not ${what} in this folder`);
}

export function selected(s: ImapSession): SelectedMailbox {
  if (!s.selected) throw bad('no folder is selected');
  return s.selected;
}

/** A message named by a set: its sequence number and UID. */
export interface Target {
  seq: number;
  uid: number;
}

/**
 * The messages a sequence set or UID set names (RFC 9051 section 9 `sequence-set`): sequence
 * numbers out of range are BAD; UID sets are clamped to what exists. `$` is the saved result.
 */
export function targets(s: ImapSession, set: SequenceSet, uid: boolean): Target[] {
  const sel = selected(s);
  const out: Target[] = [];
  if (uid || set.kind === 'saved') {
    const compiled = compileSequenceSet(set, sel.lastUid, s.saved);
    if (!compiled.size) return out;
    // Walk the smaller side: the set's numbers or the mailbox's UIDs.
    if (compiled.size < sel.uids.length) {
      for (const u of compiled) {
        const seq = sel.seqOf(u);
        if (seq) out.push({ seq, uid: u });
      }
    } else {
      sel.uids.forEach((u, i) => {
        if (compiled.has(u)) out.push({ seq: i + 1, uid: u });
      });
    }
    return out;
  }
  if (sequenceSetExceeds(set, sel.exists)) throw bad('message sequence number out of range');
  const compiled = compileSequenceSet(set, sel.exists);
  for (const n of compiled) out.push({ seq: n, uid: sel.uids[n - 1] as number });
  return out;
}
