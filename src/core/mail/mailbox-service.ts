/**
 * Folders: the one set of rules IMAP, JMAP and the web share for listing, creating, renaming,
 * deleting and subscribing, own folders and folders shared through grants (RFC 4314 rights from
 * core/sharing). Names use "/" as the hierarchy separator; how a door shows other people's folders
 * (IMAP namespaces, JMAP accounts) is the door's business.
 */
import { releaseMailbox } from './release-mailbox.js';
import type { Actor } from '../actor.js';
import { WardpostError, conflict, invalid, notFound } from '../errors.js';
import type { EventBus } from '../events/bus.js';
import type { AccountRow, MailboxRow, Store } from '../../store/types.js';
import { ALL_RIGHTS } from '../sharing/rights.js';
import type { SharingService } from '../sharing/sharing-service.js';
import { newUidValidity } from './default-mailboxes.js';

export const HIERARCHY_SEPARATOR = '/';

/** A folder as one account sees it: the row, whose it is, and the rights this account has on it. */
export interface MailboxView {
  mailbox: MailboxRow;
  owner: { id: number; address: string; kind: string };
  rights: string;
  /** True for the account's own folder. */
  own: boolean;
}

export interface QuotaInfo {
  usedBytes: number;
  limitBytes: number;
}

const forbidden = (msg: string) => new WardpostError('forbidden', msg);

/** Valid folder name: no empty levels, no control characters, not too long. */
export function checkMailboxName(name: string): void {
  if (!name || name.length > 512) throw invalid('a folder name must have 1 to 512 characters');
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(name)) throw invalid('a folder name cannot contain control characters');
  if (name.split(HIERARCHY_SEPARATOR).some((p) => p === '')) throw invalid('a folder name cannot have empty levels ("a//b", "/a" or "a/")');
}

export class MailboxService {
  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly sharing: SharingService,
  ) {}

  /** The account's own folders. */
  own(accountId: number): Promise<MailboxRow[]> {
    return this.store.mailboxes.list(accountId);
  }

  /** Every folder of another account this one may see (lookup right), with its rights. */
  async shared(accountId: number): Promise<MailboxView[]> {
    const out: MailboxView[] = [];
    for (const s of await this.sharing.sharedWith(accountId)) out.push({ mailbox: s.mailbox, owner: s.owner, rights: s.rights, own: false });
    return out;
  }

  /**
   * Finds a folder by owner and name: `ownerAddress` null means the account's own. A folder the
   * account has no right to see is reported as missing, so its existence does not leak (RFC 4314 section 6).
   */
  async find(accountId: number, ownerAddress: string | null, name: string): Promise<MailboxView | null> {
    if (ownerAddress === null) {
      const mailbox = await this.store.mailboxes.byName(accountId, name);
      if (!mailbox) return null;
      const me = await this.store.accounts.byId(accountId);
      return { mailbox, owner: { id: accountId, address: me?.address ?? '', kind: me?.kind ?? 'person' }, rights: ALL_RIGHTS, own: true };
    }
    const owner = await this.store.accounts.resolve(ownerAddress.toLowerCase());
    if (!owner) return null;
    if (owner.id === accountId) return this.find(accountId, null, name);
    const mailbox = await this.store.mailboxes.byName(owner.id, name);
    if (!mailbox) return null;
    const rights = await this.sharing.rightsOn(accountId, mailbox);
    if (!rights.includes('l') && !rights.includes('r')) return null;
    return { mailbox, owner: { id: owner.id, address: owner.address, kind: owner.kind }, rights, own: false };
  }

  /** Fresh counters of a folder (UIDNEXT, HIGHESTMODSEQ, counts). */
  async refresh(mailboxId: number): Promise<MailboxRow> {
    const row = await this.store.mailboxes.byId(mailboxId);
    if (!row) throw notFound('the folder no longer exists');
    return row;
  }

  /**
   * RFC 3501 section 2.3.2: claims for one session the messages below `nextUid` that no session has
   * seen as \Recent; returns the first UID claimed. Read-only sessions look (`recent_uid`) but never claim.
   */
  claimRecent(mailboxId: number, nextUid: number): Promise<number> {
    return this.store.mailState.claimRecent(mailboxId, nextUid);
  }

  /** Creates one of the account's own folders (RFC 9051 6.3.4, RFC 6154 CREATE-SPECIAL-USE). */
  async create(accountId: number, name: string, specialUse: string | null = null): Promise<MailboxRow> {
    checkMailboxName(name);
    if (name.toUpperCase() === 'INBOX') throw conflict('INBOX already exists');
    if (await this.store.mailboxes.byName(accountId, name)) throw conflict(`a folder named "${name}" already exists`);
    // Missing parents are created too (RFC 9051 6.3.4: "a/b" makes "a" if needed). Each creation
    // goes into the account's folder log (JMAP Mailbox/changes) in the same transaction.
    const parts = name.split(HIERARCHY_SEPARATOR);
    const row = await this.store.transaction(async (tx) => {
      for (let i = 1; i < parts.length; i++) {
        const parent = parts.slice(0, i).join(HIERARCHY_SEPARATOR);
        if (parent.toUpperCase() === 'INBOX' || (await tx.mailboxes.byName(accountId, parent))) continue;
        const p = await tx.mailboxes.create({ accountId, name: parent, specialUse: null, uidvalidity: newUidValidity(), subscribed: true });
        await tx.jmap.logMailbox(accountId, p.id, 'created');
      }
      const created = await tx.mailboxes.create({ accountId, name, specialUse, uidvalidity: newUidValidity(), subscribed: true });
      await tx.jmap.logMailbox(accountId, created.id, 'created');
      return created;
    });
    await this.bus.publish({ type: 'mailbox.changed', accountId, mailboxId: row.id, change: 'created' });
    return row;
  }

  /**
   * Deletes a folder and releases its messages (quota and blob references). Needs the delete
   * right (x). INBOX cannot be deleted. Sub-folders stay (RFC 9051 6.3.5).
   */
  async delete(accountId: number, view: MailboxView): Promise<void> {
    if (!view.rights.includes('x')) throw forbidden('you may not delete this folder');
    if (view.mailbox.name === 'INBOX') throw invalid('INBOX cannot be deleted');
    const id = view.mailbox.id;
    await this.store.transaction((tx) => releaseMailbox(tx, id, view.owner.id));
    await this.bus.publish({ type: 'mailbox.changed', accountId: view.owner.id, mailboxId: id, change: 'deleted' });
    void accountId;
  }

  /**
   * Renames a folder and its sub-folders (RFC 9051 6.3.6). Renaming INBOX moves it: its row keeps
   * the messages under the new name and an empty INBOX is created.
   */
  async rename(accountId: number, view: MailboxView, newName: string): Promise<void> {
    if (!view.own) throw forbidden('only the owner can rename a folder');
    checkMailboxName(newName);
    if (newName.toUpperCase() === 'INBOX' || (await this.store.mailboxes.byName(accountId, newName))) throw conflict(`a folder named "${newName}" already exists`);
    const old = view.mailbox.name;
    if (newName.startsWith(old + HIERARCHY_SEPARATOR)) throw invalid('a folder cannot be moved inside itself');
    await this.store.transaction(async (tx) => {
      await tx.mailState.renameMailbox(view.mailbox.id, newName);
      await tx.jmap.logMailbox(accountId, view.mailbox.id, 'renamed');
      if (old === 'INBOX') {
        const inbox = await tx.mailboxes.create({ accountId, name: 'INBOX', specialUse: null, uidvalidity: newUidValidity(), subscribed: true });
        await tx.jmap.logMailbox(accountId, inbox.id, 'created');
        return;
      }
      for (const child of await tx.mailboxes.list(accountId)) {
        if (!child.name.startsWith(old + HIERARCHY_SEPARATOR)) continue;
        await tx.mailState.renameMailbox(child.id, newName + child.name.slice(old.length));
        await tx.jmap.logMailbox(accountId, child.id, 'renamed');
      }
    });
    await this.bus.publish({ type: 'mailbox.changed', accountId, mailboxId: view.mailbox.id, change: 'renamed' });
  }

  /** Subscribes to a folder (own, or shared with this account). */
  async subscribe(accountId: number, view: MailboxView, on: boolean): Promise<void> {
    await this.store.transaction(async (tx) => {
      if (view.own) await tx.mailState.setSubscribed(view.mailbox.id, on);
      else await tx.mailState.setSharedSubscription(accountId, view.mailbox.id, on);
      await tx.jmap.logMailbox(view.owner.id, view.mailbox.id, 'subscribed');
    });
  }

  /** Shared folders this account subscribed to (mailbox ids). */
  sharedSubscriptions(accountId: number): Promise<number[]> {
    return this.store.mailState.sharedSubscriptions(accountId);
  }

  /** The storage quota of the account that owns a folder (RFC 9208 STORAGE; 0 = unlimited). */
  async quota(accountId: number): Promise<QuotaInfo> {
    const acct: AccountRow | undefined = await this.store.accounts.byId(accountId);
    if (!acct) throw notFound('no such account');
    return { usedBytes: Number(acct.used_bytes), limitBytes: Number(acct.quota_bytes) };
  }

  /** The rights list of a folder (RFC 4314 GETACL): the owner first, then every grantee. Needs the a right. */
  async acl(view: MailboxView): Promise<{ address: string; rights: string }[]> {
    if (!view.rights.includes('a')) throw forbidden('you may not see who has access to this folder');
    const out = [{ address: view.owner.address, rights: ALL_RIGHTS }];
    for (const e of await this.store.sharing.acl(view.mailbox.id)) {
      const who = await this.store.accounts.byId(e.granteeAccountId);
      if (who) out.push({ address: who.address, rights: e.rights });
    }
    return out;
  }

  /** Sets (or, with empty rights, removes) a grantee's rights on a folder (RFC 4314 SETACL). Needs the a right. */
  async setAcl(view: MailboxView, grantee: string, rights: string, actor: Actor): Promise<string> {
    if (!view.rights.includes('a')) throw forbidden('you may not change who has access to this folder');
    return this.sharing.grantFolder({ owner: view.owner.address, folder: view.mailbox.name, grantee, rights }, actor);
  }

  /** A grantee's current rights on a folder ('' when none). */
  async rightsOf(view: MailboxView, grantee: string): Promise<string> {
    const who = await this.store.accounts.resolve(grantee.toLowerCase());
    if (!who) throw notFound(`no account has the address ${grantee}`);
    return this.sharing.rightsOn(who.id, view.mailbox);
  }

  async accountByAddress(address: string): Promise<AccountRow | undefined> {
    return this.store.accounts.resolve(address.toLowerCase());
  }

  async accountById(id: number): Promise<AccountRow | undefined> {
    return this.store.accounts.byId(id);
  }
}
