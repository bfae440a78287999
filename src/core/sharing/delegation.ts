/**
 * Delegation: one person (or a shared team mailbox) lets a colleague into their mailbox, their
 * calendars, and their name when sending. It is the same grants the rest of the system reads
 * (RFC 4314 rights on folders and on calendar collections, send-as / send-on-behalf), seen per
 * colleague: "mailbox" rights are set on every folder of the owner and "calendar" rights on every
 * calendar, so IMAP GETACL and CalDAV's ACL show exactly what the portal shows. Members of a
 * shared mailbox are its delegates.
 */
import type { Actor } from '../actor.js';
import { parseAddress } from '../addresses.js';
import { audit } from '../audit/audit-log.js';
import { invalid, notFound } from '../errors.js';
import type { AccountRow, Repos, Store } from '../../store/types.js';
import { parseCalendarRights } from '../calendar/rights.js';
import { parseRights } from './rights.js';

export interface Delegate {
  grantee: { id: number; address: string; displayName: string };
  /** Rights on the owner's INBOX ('' none); `folders` has every folder's own rights. */
  mailbox: string;
  folders: { name: string; rights: string }[];
  /** Rights on the owner's calendars ('' none): l free/busy, r read, w i t e x change, p act as delegate. */
  calendar: string;
  sendAs: boolean;
  sendOnBehalf: boolean;
}

export interface DelegateChange {
  /** Rights letters or a preset (read, write, full) for every folder; '' removes folder access. */
  mailbox?: string;
  /** Rights letters or a preset (freebusy, read, write, delegate, full) for every calendar; '' removes. */
  calendar?: string;
  sendAs?: boolean;
  sendOnBehalf?: boolean;
}

export class DelegationService {
  constructor(
    private readonly store: Store,
    /** Creates an account's default calendar if it has none yet (accounts made before calendars existed). */
    private readonly ensureCalendars: (accountId: number) => Promise<void>,
  ) {}

  /** Everyone the owner has granted anything, with what. */
  async delegates(ownerAddress: string): Promise<Delegate[]> {
    const owner = await this.account(ownerAddress);
    const folders = new Map((await this.store.mailboxes.list(owner.id)).map((m) => [Number(m.id), m]));
    const inbox = [...folders.values()].find((m) => m.name === 'INBOX');
    const byGrantee = new Map<number, Omit<Delegate, 'grantee'>>();
    const entry = (id: number) => {
      let d = byGrantee.get(id);
      if (!d) byGrantee.set(id, (d = { mailbox: '', folders: [], calendar: '', sendAs: false, sendOnBehalf: false }));
      return d;
    };
    for (const g of await this.store.sharing.aclOfOwner(owner.id)) {
      const d = entry(g.granteeAccountId);
      const m = folders.get(g.mailboxId);
      if (m) d.folders.push({ name: m.name, rights: g.rights });
      if (inbox && g.mailboxId === Number(inbox.id)) d.mailbox = g.rights;
    }
    // The default calendar (the first made) stands for all: delegation sets the same rights on each.
    const calendar = (await this.ownCalendars(owner.id))[0];
    for (const g of calendar ? await this.store.calendar.acl(Number(calendar.id)) : []) entry(g.granteeAccountId).calendar = g.rights;
    for (const g of await this.store.sharing.sendGrantsOf(owner.id)) {
      const d = entry(g.granteeAccountId);
      if (g.mode === 'send-as') d.sendAs = true;
      if (g.mode === 'send-on-behalf') d.sendOnBehalf = true;
    }
    const out: Delegate[] = [];
    for (const [id, d] of byGrantee) {
      const g = await this.store.accounts.byId(id);
      if (g && g.status !== 'purged') out.push({ grantee: { id: g.id, address: g.address, displayName: g.display_name }, ...d, folders: d.folders.sort((a, b) => a.name.localeCompare(b.name)) });
    }
    return out.sort((a, b) => a.grantee.address.localeCompare(b.grantee.address));
  }

  /** Changes what one colleague may do; fields left out stay as they are. One transaction. */
  async setDelegate(ownerAddress: string, granteeAddress: string, change: DelegateChange, actor: Actor): Promise<Delegate | null> {
    const owner = await this.account(ownerAddress);
    const grantee = await this.account(granteeAddress);
    if (owner.id === grantee.id) throw invalid('an owner always has every right on their own mailbox and calendar', { field: 'grantee' });
    const rights = change.mailbox === undefined || change.mailbox === '' ? change.mailbox : parseRights(change.mailbox);
    let calendarRights: string | undefined;
    try {
      calendarRights = change.calendar === undefined ? undefined : parseCalendarRights(change.calendar);
    } catch (err) {
      throw invalid(err instanceof Error ? err.message : String(err), { field: 'calendar' });
    }
    if (calendarRights !== undefined) await this.ensureCalendars(owner.id);
    const calendars = calendarRights === undefined ? [] : await this.ownCalendars(owner.id);
    await this.store.transaction(async (tx) => {
      if (rights !== undefined) for (const m of await tx.mailboxes.list(owner.id)) await tx.sharing.setAcl(m.id, grantee.id, rights);
      for (const c of calendars) await tx.calendar.setAcl(Number(c.id), grantee.id, calendarRights!);
      await this.sendGrant(tx, owner, grantee, 'send-as', change.sendAs);
      await this.sendGrant(tx, owner, grantee, 'send-on-behalf', change.sendOnBehalf);
      await audit(tx, actor, { action: 'sharing.delegate', target: owner.address, orgId: owner.org_id, detail: { grantee: grantee.address, ...change, ...(rights !== undefined ? { mailbox: rights } : {}), ...(calendarRights !== undefined ? { calendar: calendarRights } : {}) } });
    });
    return (await this.delegates(owner.address)).find((d) => d.grantee.id === grantee.id) ?? null;
  }

  /** Takes every grant from one colleague. */
  async removeDelegate(ownerAddress: string, granteeAddress: string, actor: Actor): Promise<void> {
    const found = (await this.delegates(ownerAddress)).some((d) => d.grantee.address === parseAddress(granteeAddress).address);
    if (!found) throw notFound(`${granteeAddress} has no access to ${ownerAddress}`);
    await this.setDelegate(ownerAddress, granteeAddress, { mailbox: '', calendar: '', sendAs: false, sendOnBehalf: false }, actor);
  }

  private async sendGrant(tx: Repos, owner: AccountRow, grantee: AccountRow, mode: 'send-as' | 'send-on-behalf', on: boolean | undefined): Promise<void> {
    if (on === true) await tx.sharing.addSendGrant(owner.id, grantee.id, mode);
    if (on === false) await tx.sharing.removeSendGrant(owner.id, grantee.id, mode);
  }

  /** The owner's calendar collections (not the scheduling inbox), oldest first. */
  private async ownCalendars(accountId: number) {
    return (await this.store.calendar.list(accountId)).filter((c) => c.kind === 'calendar').sort((a, b) => Number(a.id) - Number(b.id));
  }

  private async account(address: string): Promise<AccountRow> {
    const row = await this.store.accounts.resolve(parseAddress(address).address);
    if (!row || row.status === 'purged') throw notFound(`no account has the address ${address}`);
    return row;
  }
}
