/**
 * Sharing: one model for every door. Folder grants (RFC 4314 rights) from an owner to any account
 * in any organisation; shared team mailboxes (accounts of kind 'shared' that people open through
 * grants); and send grants: "send as" and "send on behalf of" another address owner.
 * IMAP ACL, JMAP, the web client, SMTP submission and delegation all ask this service.
 */
import type { Actor } from '../actor.js';
import { parseAddress } from '../addresses.js';
import { audit } from '../audit/audit-log.js';
import { WardpostError, invalid, notFound } from '../errors.js';
import type { AccountRow, MailboxRow, Store } from '../../store/types.js';
import { ALL_RIGHTS, parseRights } from './rights.js';

export type SendMode = 'send-as' | 'send-on-behalf';
export const SEND_MODES: readonly SendMode[] = ['send-as', 'send-on-behalf'];

export interface SharedFolder {
  mailbox: MailboxRow;
  owner: { id: number; address: string; kind: string };
  rights: string;
}

export interface SenderPermission {
  /** 'own': the account's address or alias; otherwise the grant that allows it. */
  via: 'own' | SendMode;
  ownerAccountId: number;
}

export class SharingService {
  constructor(private readonly store: Store) {}

  /** The rights `accountId` has on `mailbox`: all of them for its owner, else its grant (maybe none). */
  async rightsOn(accountId: number, mailbox: MailboxRow): Promise<string> {
    if (Number(mailbox.account_id) === accountId) return ALL_RIGHTS;
    return (await this.store.sharing.aclFor(mailbox.id, accountId)) ?? '';
  }

  /** Grants (or, with empty rights, revokes) a colleague's rights on one of the owner's folders. */
  async grantFolder(input: { owner: string; folder: string; grantee: string; rights: string }, actor: Actor): Promise<string> {
    const owner = await this.account(input.owner);
    const grantee = await this.account(input.grantee);
    if (owner.id === grantee.id) throw invalid('an owner always has every right on their own folders');
    const mailbox = await this.store.mailboxes.byName(owner.id, input.folder);
    if (!mailbox) throw notFound(`${owner.address} has no folder "${input.folder}"`);
    const rights = input.rights === '' ? '' : parseRights(input.rights);
    await this.store.transaction(async (tx) => {
      await tx.sharing.setAcl(mailbox.id, grantee.id, rights);
      // The grantee's view of the owner's folders changed (JMAP Mailbox/changes, myRights).
      await tx.jmap.logMailbox(owner.id, mailbox.id, 'rights');
      await audit(tx, actor, {
        action: rights ? 'sharing.folder.grant' : 'sharing.folder.revoke',
        target: `${owner.address}/${mailbox.name}`,
        orgId: owner.org_id,
        detail: { grantee: grantee.address, rights },
      });
    });
    return rights;
  }

  /** Folders of other accounts this account may see (for the "Other Users" and "Shared Folders" namespaces). */
  async sharedWith(accountId: number): Promise<SharedFolder[]> {
    const out: SharedFolder[] = [];
    for (const g of await this.store.sharing.grantsTo(accountId)) {
      if (!g.rights.includes('l')) continue;
      const mailbox = await this.store.mailboxes.byId(g.mailboxId);
      if (!mailbox) continue;
      const owner = await this.store.accounts.byId(Number(mailbox.account_id));
      if (!owner) continue;
      out.push({ mailbox, owner: { id: owner.id, address: owner.address, kind: owner.kind }, rights: g.rights });
    }
    return out;
  }

  async grantSend(input: { owner: string; grantee: string; mode: SendMode }, actor: Actor): Promise<void> {
    await this.changeSendGrant(input, actor, true);
  }

  async revokeSend(input: { owner: string; grantee: string; mode: SendMode }, actor: Actor): Promise<void> {
    await this.changeSendGrant(input, actor, false);
  }

  /**
   * May `accountId` use `address` as its envelope sender or From? Its own addresses and aliases,
   * or an address whose owner granted it send-as or send-on-behalf. null means no.
   */
  async senderPermission(accountId: number, address: string): Promise<SenderPermission | null> {
    let owner: AccountRow | undefined;
    try {
      owner = await this.store.accounts.resolve(parseAddress(address).address);
    } catch {
      return null;
    }
    if (!owner) return null;
    if (owner.id === accountId) return { via: 'own', ownerAccountId: owner.id };
    const grants = (await this.store.sharing.sendGrantsTo(accountId)).filter((g) => g.ownerAccountId === owner!.id);
    // send-as is the stronger grant: it allows From: the owner with no Sender header.
    const best = grants.find((g) => g.mode === 'send-as') ?? grants.find((g) => g.mode === 'send-on-behalf');
    return best ? { via: best.mode as SendMode, ownerAccountId: owner.id } : null;
  }

  private async changeSendGrant(input: { owner: string; grantee: string; mode: SendMode }, actor: Actor, add: boolean): Promise<void> {
    if (!SEND_MODES.includes(input.mode)) throw invalid(`unknown send mode "${input.mode}" (send-as or send-on-behalf)`);
    const owner = await this.account(input.owner);
    const grantee = await this.account(input.grantee);
    if (owner.id === grantee.id) throw invalid('an account always sends as itself');
    await this.store.transaction(async (tx) => {
      if (add) await tx.sharing.addSendGrant(owner.id, grantee.id, input.mode);
      else await tx.sharing.removeSendGrant(owner.id, grantee.id, input.mode);
      await audit(tx, actor, { action: add ? 'sharing.send.grant' : 'sharing.send.revoke', target: owner.address, orgId: owner.org_id, detail: { grantee: grantee.address, mode: input.mode } });
    });
  }

  private async account(address: string): Promise<AccountRow> {
    const row = await this.store.accounts.resolve(parseAddress(address).address);
    if (!row) throw new WardpostError('not_found', `no account has the address ${address}`);
    return row;
  }
}
