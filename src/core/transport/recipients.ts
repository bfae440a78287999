/**
 * Recipient classification: a local mailbox (account address or alias), a distribution list
 * (expanded to its members, one level of nesting allowed), or a foreign address.
 */
import { normaliseDomain, parseAddress } from '../addresses.js';
import { invalid, notFound, WardpostError } from '../errors.js';
import type { Store } from '../../store/types.js';
import type { Recipient } from './types.js';
import { receivesMail } from '../accounts/receives-mail.js';

export class RecipientResolver {
  constructor(
    private readonly store: Store,
    private readonly nationalDomain: string,
    private readonly maxListMembers: number,
  ) {}

  /** Is `domain` one of ours (the national domain or an organisation's)? */
  async isLocalDomain(domain: string): Promise<boolean> {
    const d = normaliseDomain(domain);
    return d === this.nationalDomain || (await this.store.orgs.domainOwner(d)) !== undefined;
  }

  /**
   * What `address` means. Throws not_found (unknown local address, RFC 5321 550 5.1.1) or
   * invalid_input. A list becomes its members.
   */
  async classify(address: string, depth = 0): Promise<Recipient[]> {
    const { address: a, domain } = parseAddress(address);
    if (!(await this.isLocalDomain(domain))) return [{ kind: 'foreign', address: a, domain }];
    const account = await this.store.accounts.resolve(a);
    if (account && receivesMail(account)) return [{ kind: 'local', address: a, account }];
    if (account) throw notFound(`${a} no longer receives mail (the account was deleted)`, { recipient: a });
    const list = await this.store.transport.list(a);
    if (!list) throw notFound(`no mailbox here has the address ${a}`, { recipient: a });
    if (depth > 1) throw invalid(`the list ${a} is nested too deeply`);
    const out: Recipient[] = [];
    for (const m of await this.store.transport.listMembers(a)) {
      out.push(...(await this.classify(m, depth + 1).catch((e: unknown) => (e instanceof WardpostError ? [] : Promise.reject(e)))));
      if (out.length > this.maxListMembers) throw invalid(`the list ${a} has more than ${this.maxListMembers} members`);
    }
    return out;
  }
}

/** Drops duplicate recipients (same address), keeping the first. */
export function uniqueRecipients(list: Recipient[]): Recipient[] {
  const seen = new Set<string>();
  return list.filter((r) => (seen.has(r.address) ? false : (seen.add(r.address), true)));
}
