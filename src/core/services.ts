/** The domain services, wired to one store and one event bus. Protocols receive this object. */
import { AccountService } from './accounts/account-service.js';
import { AdminPolicy } from './admin/policy.js';
import { CredentialService } from './auth/credential-service.js';
import { MfaService } from './auth/mfa.js';
import { AuditService } from './audit/audit-service.js';
import { SessionService } from './auth/sessions.js';
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
  readonly sessions: SessionService;
  readonly credentials: CredentialService;
  readonly mfa: MfaService;
  readonly audit: AuditService;
  readonly policy: AdminPolicy;
  readonly bus: EventBus;
}

export function createServices(store: Store, bus: EventBus, opts: { nationalDomain: string }): Services {
  const delivery = new DeliveryService(store, bus);
  const sharing = new SharingService(store);
  const orgs = new OrgService(store, bus, opts.nationalDomain);
  const accounts = new AccountService(store, bus, opts.nationalDomain);
  return {
    nationalDomain: opts.nationalDomain,
    orgs,
    accounts,
    sessions: new SessionService(store, accounts),
    credentials: new CredentialService(store),
    mfa: new MfaService(store.auth),
    audit: new AuditService(store),
    policy: new AdminPolicy(store, orgs),
    delivery,
    sharing,
    mailboxes: new MailboxService(store, bus, sharing),
    messages: new MessageService(store, bus, delivery),
    directory: new DirectoryService(store, bus),
    bus,
  };
}
