/**
 * What one signed-in account can see of the mail store, account by account: its own folders and,
 * for every colleague or team mailbox that granted it folders (RFC 4314 grants in core/sharing),
 * those folders with the granted rights. JMAP presents each such owner as a JMAP account; the
 * state strings and change sets of core/mail/changes.ts are computed over exactly these folders.
 */
import { notFound } from '../errors.js';
import type { JmapRepo, MailboxRow, MessageListRow, Store } from '../../store/types.js';
import { ALL_RIGHTS } from '../sharing/rights.js';
import { deletedFolderHashes, emailChanges, encodeState, folderChanges, stateOf, type Changes, type FolderChanges, type MailState } from './changes.js';
import type { MailboxService, MailboxView } from './mailbox-service.js';

export interface MailAccount {
  ownerId: number;
  address: string;
  name: string;
  own: boolean;
  kind: string;
  /** True when no granted folder lets this viewer change anything. */
  readOnly: boolean;
}

export interface FolderSet {
  views: MailboxView[];
  state: MailState;
}

export class MailViews {
  readonly repo: JmapRepo;

  constructor(
    private readonly store: Store,
    private readonly mailboxes: MailboxService,
  ) {
    this.repo = store.jmap;
  }

  /** The viewer's own account first, then every owner that shares folders with it. */
  async accounts(viewerId: number): Promise<MailAccount[]> {
    const me = await this.store.accounts.byId(viewerId);
    if (!me) throw notFound('no such account');
    const out: MailAccount[] = [{ ownerId: me.id, address: me.address, name: me.display_name, own: true, kind: me.kind, readOnly: false }];
    const byOwner = new Map<number, MailAccount>();
    for (const v of await this.mailboxes.shared(viewerId)) {
      let a = byOwner.get(v.owner.id);
      if (!a) {
        const row = await this.store.accounts.byId(v.owner.id);
        a = { ownerId: v.owner.id, address: v.owner.address, name: row?.display_name ?? v.owner.address, own: false, kind: v.owner.kind, readOnly: true };
        byOwner.set(v.owner.id, a);
      }
      if (/[wite]/.test(v.rights)) a.readOnly = false;
    }
    return [...out, ...byOwner.values()];
  }

  /** The folders of `ownerId` the viewer may see, with rights; empty when it may see none. */
  async folders(viewerId: number, ownerId: number): Promise<FolderSet> {
    let views: MailboxView[];
    if (viewerId === ownerId) {
      const me = await this.store.accounts.byId(viewerId);
      const owner = { id: viewerId, address: me?.address ?? '', kind: me?.kind ?? 'person' };
      views = (await this.store.mailboxes.list(viewerId)).map((mailbox) => ({ mailbox, owner, rights: ALL_RIGHTS, own: true }));
    } else {
      views = (await this.mailboxes.shared(viewerId)).filter((v) => v.owner.id === ownerId);
    }
    const log = await this.repo.mailboxLogHead([ownerId]);
    return { views, state: stateOf(log, views.map((v) => v.mailbox)) };
  }

  /** The encoded state of a folder set (JMAP Mailbox, Email and Thread state). */
  static state(set: FolderSet): string {
    return encodeState(set.state);
  }

  /** Email changes since `old` (null: cannot calculate; answer with a full resync). */
  async emailChanges(ownerId: number, old: MailState, set: FolderSet, maxChanges: number): Promise<Changes | null> {
    const deleted = await deletedFolderHashes(this.repo, [ownerId], old);
    return emailChanges(this.repo, old, set.state, deleted, maxChanges);
  }

  folderChanges(ownerId: number, old: MailState, set: FolderSet): Promise<FolderChanges> {
    return folderChanges(this.repo, [ownerId], old, set.state);
  }

  /**
   * The addresses this account may send as (RFC 8621 Identity): its own address and aliases, and
   * those of owners who granted it send-as or send-on-behalf (core/sharing decides at submission).
   */
  async senders(viewerId: number): Promise<{ address: string; name: string; via: 'own' | 'send-as' | 'send-on-behalf' }[]> {
    const me = await this.store.accounts.byId(viewerId);
    if (!me) throw notFound('no such account');
    const out: { address: string; name: string; via: 'own' | 'send-as' | 'send-on-behalf' }[] = [{ address: me.address, name: me.display_name, via: 'own' }];
    for (const a of await this.store.accounts.aliases(viewerId)) out.push({ address: a, name: me.display_name, via: 'own' });
    const grants = await this.store.sharing.sendGrantsTo(viewerId);
    for (const g of grants) {
      const owner = await this.store.accounts.byId(g.ownerAccountId);
      if (!owner) continue;
      const i = out.findIndex((o) => o.address === owner.address);
      if (i >= 0 && out[i]!.via !== 'send-on-behalf') continue;
      const entry = { address: owner.address, name: owner.display_name, via: g.mode as 'send-as' | 'send-on-behalf' };
      if (i >= 0) out[i] = entry;
      else out.push(entry);
    }
    return out;
  }

  /** The stored search text of a body (SearchSnippet). */
  async searchText(hash: string): Promise<string> {
    return (await this.store.messageMeta.get(hash))?.searchText ?? '';
  }

  /** Copies of the given bodies in the given folders (all copies when `hashes` is absent). */
  rows(folders: readonly MailboxRow[], hashes?: readonly string[]): Promise<MessageListRow[]> {
    return this.repo.rows(folders.map((f) => f.id), hashes);
  }
}
