/**
 * Extra addresses of an account. An alias lives in the national domain or in a domain of the
 * account's own organisation, and no account, alias or distribution list may already hold it.
 */
import type { Actor } from '../actor.js';
import { parseAddress } from '../addresses.js';
import { audit } from '../audit/audit-log.js';
import { conflict, invalid, notFound } from '../errors.js';
import type { EventBus } from '../events/bus.js';
import type { OrgService } from '../orgs/org-service.js';
import type { Store } from '../../store/types.js';
import type { Account, AccountService } from './account-service.js';

export class AliasService {
  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly accounts: AccountService,
    private readonly orgs: OrgService,
    private readonly nationalDomain: string,
  ) {}

  async add(address: string, alias: string, actor: Actor): Promise<Account> {
    const acct = await this.accounts.require(address);
    const { address: a, domain } = parseAddress(alias);
    if (domain !== this.nationalDomain) {
      // A site or department uses the domain of the trust above it.
      const owner = await this.store.orgs.domainOwner(domain);
      if (owner === undefined || !(await this.orgs.ancestorIds(acct.org_id)).includes(Number(owner))) {
        throw invalid(`${domain} is neither the national domain (${this.nationalDomain}) nor a domain of the account's organisation or one above it`, { field: 'alias' });
      }
    }
    await this.store.transaction(async (tx) => {
      if ((await tx.accounts.resolve(a)) || (await tx.transport.list(a))) throw conflict(`the address ${a} is already in use`);
      await tx.accounts.addAlias(acct.id, a);
      await audit(tx, actor, { action: 'account.alias.add', target: acct.address, orgId: acct.org_id, detail: { alias: a } });
    });
    await this.bus.publish({ type: 'account.updated', accountId: acct.id, orgId: acct.org_id, fields: ['aliases'] });
    return this.accounts.show(acct.address);
  }

  async remove(address: string, alias: string, actor: Actor): Promise<Account> {
    const acct = await this.accounts.require(address);
    const { address: a } = parseAddress(alias);
    if (!(await this.store.accounts.aliases(acct.id)).includes(a)) throw notFound(`${a} is not an alias of ${acct.address}`);
    await this.store.transaction(async (tx) => {
      await tx.accounts.removeAlias(a);
      await audit(tx, actor, { action: 'account.alias.remove', target: acct.address, orgId: acct.org_id, detail: { alias: a } });
    });
    await this.bus.publish({ type: 'account.updated', accountId: acct.id, orgId: acct.org_id, fields: ['aliases'] });
    return this.accounts.show(acct.address);
  }
}
