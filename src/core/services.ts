/** The domain services, wired to one store and one event bus. Protocols receive this object. */
import { AccountService } from './accounts/account-service.js';
import type { EventBus } from './events/bus.js';
import { DeliveryService } from './mail/delivery.js';
import { OrgService } from './orgs/org-service.js';
import { SharingService } from './sharing/sharing-service.js';
import type { Store } from '../store/types.js';

export interface Services {
  readonly nationalDomain: string;
  readonly orgs: OrgService;
  readonly accounts: AccountService;
  readonly delivery: DeliveryService;
  readonly sharing: SharingService;
  readonly bus: EventBus;
}

export function createServices(store: Store, bus: EventBus, opts: { nationalDomain: string }): Services {
  return {
    nationalDomain: opts.nationalDomain,
    orgs: new OrgService(store, bus, opts.nationalDomain),
    accounts: new AccountService(store, bus, opts.nationalDomain),
    delivery: new DeliveryService(store, bus),
    sharing: new SharingService(store),
    bus,
  };
}
