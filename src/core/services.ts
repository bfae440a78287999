/** The domain services, wired to one store and one event bus. Protocols receive this object. */
import { AccountService } from './accounts/account-service.js';
import { AdminPolicy } from './admin/policy.js';
import { CredentialService } from './auth/credential-service.js';
import { MfaService } from './auth/mfa.js';
import { AuditService } from './audit/audit-service.js';
import { Calendars } from './calendar/calendars.js';
import { SessionService } from './auth/sessions.js';
import type { EventBus } from './events/bus.js';
import { DirectoryService } from './directory/directory-service.js';
import { DeliveryService } from './mail/delivery.js';
import { MailboxService } from './mail/mailbox-service.js';
import { MessageService } from './mail/message-service.js';
import { MailViews } from './mail/mail-views.js';
import { UploadService } from './mail/uploads.js';
import { RulesService } from './rules/rules-service.js';
import { OrgService } from './orgs/org-service.js';
import { SharingService } from './sharing/sharing-service.js';
import type { Store } from '../store/types.js';
import { AccountDeletion } from './accounts/account-deletion.js';
import { AliasService } from './accounts/aliases.js';
import { StatsService } from './admin/stats.js';
import { DelegationService } from './sharing/delegation.js';
import { DistributionLists } from './transport/distribution-lists.js';
import { RecipientResolver } from './transport/recipients.js';
import { WebhookService } from './webhooks/webhook-service.js';

export interface Services {
  readonly nationalDomain: string;
  readonly orgs: OrgService;
  readonly accounts: AccountService;
  readonly delivery: DeliveryService;
  readonly sharing: SharingService;
  readonly mailboxes: MailboxService;
  readonly messages: MessageService;
  /** Per-account views of the mail store with exact change states (JMAP). */
  readonly mailViews: MailViews;
  readonly uploads: UploadService;
  /** Server-side rules (Sieve, vacation) run by local delivery. */
  readonly rules: RulesService;
  readonly directory: DirectoryService;
  readonly sessions: SessionService;
  readonly credentials: CredentialService;
  readonly mfa: MfaService;
  readonly audit: AuditService;
  readonly policy: AdminPolicy;
  readonly calendar: Calendars;
  readonly bus: EventBus;
  readonly deletion: AccountDeletion;
  readonly aliases: AliasService;
  readonly delegation: DelegationService;
  readonly lists: DistributionLists;
  readonly webhooks: WebhookService;
  readonly stats: StatsService;
}

export function createServices(store: Store, bus: EventBus, opts: { nationalDomain: string; directoryCacheEntries?: number }): Services {
  const rules = new RulesService(store, opts.nationalDomain);
  const delivery = new DeliveryService(store, bus, rules);
  const sharing = new SharingService(store);
  const orgs = new OrgService(store, bus, opts.nationalDomain);
  const accounts = new AccountService(store, bus, opts.nationalDomain);
  const mailboxes = new MailboxService(store, bus, sharing);
  const calendar = new Calendars(store, bus, accounts, opts.nationalDomain);
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
    mailboxes,
    messages: new MessageService(store, bus, delivery),
    mailViews: new MailViews(store, mailboxes),
    uploads: new UploadService(store),
    rules,
    directory: new DirectoryService(store, bus, opts.directoryCacheEntries === undefined ? {} : { cacheEntries: opts.directoryCacheEntries }),
    calendar,
    bus,
    deletion: new AccountDeletion(store, bus, accounts),
    aliases: new AliasService(store, bus, accounts, orgs, opts.nationalDomain),
    delegation: new DelegationService(store, (id) => calendar.service.ensureDefaults(id)),
    // Only the domain check of the resolver is used here (list expansion limits are the transport's).
    lists: new DistributionLists(store, new RecipientResolver(store, opts.nationalDomain, Number.MAX_SAFE_INTEGER)),
    webhooks: new WebhookService(store),
    stats: new StatsService(store, orgs),
  };
}
