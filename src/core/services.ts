/** The domain services, wired to one store and one event bus. Protocols receive this object. */
import { AccountService } from './accounts/account-service.js';
import type { EventBus } from './events/bus.js';
import { DirectoryService } from './directory/directory-service.js';
import { DeliveryService } from './mail/delivery.js';
import { MailboxService } from './mail/mailbox-service.js';
import { MessageService } from './mail/message-service.js';
import { OrgService } from './orgs/org-service.js';
import { SharingService } from './sharing/sharing-service.js';
import type { Store } from '../store/types.js';

export interface Services {
  readonly nationalDomain: string;
  readonly orgs: OrgService;
  readonly accounts: AccountService;
  readonly delivery: DeliveryService;
  readonly sharing: SharingService;
  readonly mailboxes: MailboxService;
  readonly messages: MessageService;
  readonly directory: DirectoryService;
  readonly bus: EventBus;
}

export function createServices(store: Store, bus: EventBus, opts: { nationalDomain: string }): Services {
  const delivery = new DeliveryService(store, bus);
  const sharing = new SharingService(store);
  return {
    nationalDomain: opts.nationalDomain,
    orgs: new OrgService(store, bus, opts.nationalDomain),
    accounts: new AccountService(store, bus, opts.nationalDomain),
    delivery,
    sharing,
    mailboxes: new MailboxService(store, bus, sharing),
    messages: new MessageService(store, bus, delivery),
    directory: new DirectoryService(store, bus),
    bus,
  };
}
