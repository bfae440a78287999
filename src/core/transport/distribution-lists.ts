/**
 * Distribution lists: an address in one of our domains that expands to its members (local or
 * foreign addresses) when mail arrives. Kept simple; the admin portal will manage them.
 */
import type { Actor } from '../actor.js';
import { parseAddress } from '../addresses.js';
import { audit } from '../audit/audit-log.js';
import { conflict, invalid, notFound } from '../errors.js';
import type { Store } from '../../store/types.js';
import type { RecipientResolver } from './recipients.js';

export class DistributionLists {
  constructor(
    private readonly store: Store,
    private readonly recipients: RecipientResolver,
  ) {}

  async create(input: { address: string; orgSlug: string; name: string }, actor: Actor): Promise<void> {
    const { address, domain } = parseAddress(input.address);
    if (!(await this.recipients.isLocalDomain(domain))) throw invalid(`${domain} is not one of this platform's domains`);
    const org = await this.store.orgs.bySlug(input.orgSlug.toLowerCase());
    if (!org) throw notFound(`organisation "${input.orgSlug}" does not exist (see: wardpost org list)`);
    if (!input.name.trim()) throw invalid('a list needs a name (--name "Ward 7 staff")');
    await this.store.transaction(async (tx) => {
      if ((await tx.accounts.resolve(address)) || (await tx.transport.list(address))) throw conflict(`the address ${address} is already in use`);
      await tx.transport.createList(address, org.id, input.name.trim());
      await audit(tx, actor, { action: 'list.create', target: address, orgId: org.id, detail: { name: input.name.trim() } });
    });
  }

  async addMember(listAddress: string, member: string, actor: Actor): Promise<void> {
    const list = await this.store.transport.list(parseAddress(listAddress).address);
    if (!list) throw notFound(`no list has the address ${listAddress}`);
    const m = parseAddress(member).address;
    await this.store.transaction(async (tx) => {
      await tx.transport.addListMember(list.address, m);
      await audit(tx, actor, { action: 'list.member.add', target: list.address, orgId: list.orgId, detail: { member: m } });
    });
  }

  async members(listAddress: string): Promise<string[]> {
    const list = await this.store.transport.list(parseAddress(listAddress).address);
    if (!list) throw notFound(`no list has the address ${listAddress}`);
    return this.store.transport.listMembers(list.address);
  }

  /** A list with its organisation, or not_found. */
  async get(listAddress: string): Promise<{ address: string; orgId: number; name: string }> {
    const list = await this.store.transport.list(parseAddress(listAddress).address);
    if (!list) throw notFound(`no list has the address ${listAddress}`);
    return list;
  }

  /** Lists of some organisations (null: all) with their member counts. */
  async all(orgIds: ReadonlySet<number> | null): Promise<{ address: string; orgId: number; name: string; members: number }[]> {
    return this.store.transport.lists(orgIds ? [...orgIds] : null);
  }

  async removeMember(listAddress: string, member: string, actor: Actor): Promise<void> {
    const list = await this.get(listAddress);
    const m = parseAddress(member).address;
    await this.store.transaction(async (tx) => {
      if (!(await tx.transport.removeListMember(list.address, m))) throw notFound(`${m} is not a member of ${list.address}`);
      await audit(tx, actor, { action: 'list.member.remove', target: list.address, orgId: list.orgId, detail: { member: m } });
    });
  }

  async remove(listAddress: string, actor: Actor): Promise<void> {
    const list = await this.get(listAddress);
    await this.store.transaction(async (tx) => {
      await tx.transport.deleteList(list.address);
      await audit(tx, actor, { action: 'list.delete', target: list.address, orgId: list.orgId });
    });
  }
}
