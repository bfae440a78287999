/**
 * Composition root: the one place that picks the concrete store engine and event bus for a
 * configuration and wires the domain services to them. The CLI and `serve` both start here.
 */
import type { Config } from '../config/config.js';
import { InProcessEventBus } from '../core/events/bus.js';
import { createServices, type Services } from '../core/services.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/types.js';
import path from 'node:path';
import { TransportService } from '../core/transport/transport-service.js';
import { TransportMailer } from '../core/calendar/imip-mailer.js';
import { DnsMailGateway } from '../gateways/dns/mail-dns.js';
import { NodemailerOutbound } from '../gateways/smtp/outbound-client.js';
import { SMTP_LIMITS } from '../protocols/smtp/limits.js';
import { mailToSmsHook } from '../core/sms/mail-to-sms.js';
import type { SmsModule } from '../core/sms/sms-module.js';
import { createSms } from './sms.js';
import { WebhookDispatcher } from '../core/webhooks/dispatcher.js';
import { GuardedWebhookPoster, webhookTargetCheck } from '../gateways/http/webhook-poster.js';
import { WebhookTargetPolicy } from '../core/webhooks/target-policy.js';

export interface Platform {
  config: Config;
  store: Store;
  services: Services;
  /** Mail transport: SMTP rules, outbound queue, DKIM keys (gateways wired here). */
  transport: TransportService;
  /** SMS: service, queue worker, inbound handler and reminders on the configured gateway. */
  sms: SmsModule;
  /** Delivers account events to webhooks (started by `serve`, not by one-shot CLI commands). */
  webhooks: WebhookDispatcher;
  close(): Promise<void>;
}

export async function openPlatform(config: Config): Promise<Platform> {
  const store = await openStore(config.database, config.dataDir);
  const bus = new InProcessEventBus();
  const services = createServices(store, bus, { nationalDomain: config.nationalDomain, directoryCacheEntries: config.directory.cacheEntries });
  const sms = createSms(config, store, services);
  const transport = new TransportService({
    store,
    services,
    dns: new DnsMailGateway(config.smtp.routes),
    smtp: new NodemailerOutbound(),
    hostname: config.hostname,
    spoolDir: path.join(config.dataDir, 'spool'),
    limits: { ...SMTP_LIMITS.transport, retryBaseMs: config.smtp.retryBaseMs, expiryMs: config.smtp.expiryMs },
    extraHooks: [mailToSmsHook(sms.service)],
  });
  // Calendar invitations and replies travel as mail (iMIP) through the transport.
  services.calendar.scheduling.useMailer(new TransportMailer(transport, services.delivery));
  // Webhooks reach public addresses only (checked at registration and at every delivery), unless allowed.
  const webhookTargets = new WebhookTargetPolicy(config.webhooks.allowPrivate);
  services.webhooks.useTargetCheck(webhookTargetCheck(webhookTargets));
  const webhooks = new WebhookDispatcher({ store, bus, orgs: services.orgs, poster: new GuardedWebhookPoster(webhookTargets), limits: { retryBaseMs: config.webhooks.retryBaseMs } });
  return {
    config,
    store,
    services,
    transport,
    sms,
    webhooks,
    async close() {
      await webhooks.stop();
      await services.messages.close();
      await bus.close();
      await store.close();
    },
  };
}
