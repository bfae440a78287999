/**
 * Registering webhooks: an organisation's administrators name a URL and the account events they
 * want; events of accounts anywhere beneath that organisation are delivered there, signed with a
 * secret shown once at registration.
 */
import type { Actor } from '../actor.js';
import { audit } from '../audit/audit-log.js';
import { invalid, notFound } from '../errors.js';
import type { Store, WebhookDeliveryRow, WebhookRow } from '../../store/types.js';
import { newWebhookSecret } from './signature.js';
import { WEBHOOK_EVENTS, type WebhookEvent } from './types.js';
import type { WebhookTargetCheck } from './target-policy.js';

export interface Webhook {
  id: number;
  orgId: number;
  url: string;
  events: WebhookEvent[];
  active: boolean;
  createdBy: string;
  createdAt: string;
}

export interface WebhookDelivery {
  id: number;
  event: string;
  status: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  nextAttemptAt: string | null;
  finishedAt: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

export function toWebhook(r: WebhookRow): Webhook {
  return { id: Number(r.id), orgId: Number(r.org_id), url: r.url, events: JSON.parse(r.events) as WebhookEvent[], active: r.active === 1, createdBy: r.created_by, createdAt: iso(r.created_at)! };
}

function toDelivery(r: WebhookDeliveryRow): WebhookDelivery {
  return {
    id: Number(r.id),
    event: r.event,
    status: r.status,
    attempts: Number(r.attempts),
    lastStatus: r.last_status === null ? null : Number(r.last_status),
    lastError: r.last_error,
    createdAt: iso(r.created_at)!,
    nextAttemptAt: r.status === 'pending' ? iso(r.next_attempt_at) : null,
    finishedAt: iso(r.finished_at),
  };
}

export class WebhookService {
  private targetCheck: WebhookTargetCheck | null = null;

  constructor(private readonly store: Store) {}

  /** How a receiver's address is judged (the platform resolves names; see target-policy.ts). */
  useTargetCheck(check: WebhookTargetCheck): void {
    this.targetCheck = check;
  }

  async register(input: { orgId: number; url: string; events: string[] }, actor: Actor): Promise<{ webhook: Webhook; secret: string }> {
    let url: URL;
    try {
      url = new URL(input.url);
    } catch {
      throw invalid(`"${input.url}" is not a URL`, { field: 'url' });
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('a webhook URL must be http: or https:', { field: 'url' });
    if (url.username || url.password) throw invalid('put no credentials in a webhook URL: check the signature instead', { field: 'url' });
    const refused = await this.targetCheck?.(url);
    if (refused) throw invalid(refused, { field: 'url' });
    const events = [...new Set(input.events)];
    if (!events.length) throw invalid('choose at least one event', { field: 'events' });
    for (const e of events) if (!(WEBHOOK_EVENTS as readonly string[]).includes(e)) throw invalid(`unknown event "${e}" (one of ${WEBHOOK_EVENTS.join(', ')})`, { field: 'events' });
    const secret = newWebhookSecret();
    const row = await this.store.transaction(async (tx) => {
      const created = await tx.webhooks.create({ orgId: input.orgId, url: url.toString(), secret, events, createdBy: actor.label });
      await audit(tx, actor, { action: 'webhook.create', target: url.toString(), orgId: input.orgId, detail: { id: Number(created.id), events } });
      return created;
    });
    return { webhook: toWebhook(row), secret };
  }

  async get(id: number): Promise<Webhook> {
    const row = await this.store.webhooks.byId(id);
    if (!row) throw notFound(`no webhook #${id}`);
    return toWebhook(row);
  }

  async list(orgIds: ReadonlySet<number> | null): Promise<Webhook[]> {
    return (await this.store.webhooks.list(orgIds ? [...orgIds] : null)).map(toWebhook);
  }

  async remove(id: number, actor: Actor): Promise<void> {
    const hook = await this.get(id);
    await this.store.transaction(async (tx) => {
      await tx.webhooks.remove(id);
      await audit(tx, actor, { action: 'webhook.delete', target: hook.url, orgId: hook.orgId, detail: { id } });
    });
  }

  async deliveries(id: number, limit = 50): Promise<WebhookDelivery[]> {
    return (await this.store.webhooks.deliveries(id, limit)).map(toDelivery);
  }
}
