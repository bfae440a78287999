/**
 * Delivers account events to webhooks. It hears events on the bus (it never polls for them),
 * writes one delivery row per matching webhook (so a restart loses nothing), and posts each with
 * an HMAC signature. A failure (network, timeout, non-2xx) is retried with exponential backoff
 * until `maxAttempts`; then the delivery is marked failed. One timer is armed for the next due
 * retry. Several nodes may run this: a delivery is claimed by compare-and-set before each attempt.
 */
import { describeAccounts } from '../accounts/describe.js';
import type { DomainEvent, EventBus } from '../events/bus.js';
import type { OrgService } from '../orgs/org-service.js';
import type { Store, WebhookDeliveryRow } from '../../store/types.js';
import { SIGNATURE_HEADER, signPayload } from './signature.js';
import { DEFAULT_WEBHOOK_LIMITS, WEBHOOK_EVENTS, type WebhookEvent, type WebhookLimits, type WebhookPoster } from './types.js';
import { toWebhook } from './webhook-service.js';

type AccountEvent = Extract<DomainEvent, { accountId: number; orgId: number }>;
export type WebhookLog = (level: 'info' | 'warn' | 'error', detail: Record<string, unknown>, msg: string) => void;

const MAX_BACKOFF_MS = 60 * 60 * 1000;

/** The wait before attempt `attempts + 1`: base, 2 x base, 4 x base ... capped at an hour. */
export function backoffMs(attempts: number, baseMs: number): number {
  return Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, attempts - 1));
}

export class WebhookDispatcher {
  private unsubscribe: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly limits: WebhookLimits;
  /** Enqueue work in flight, so `idle()` (tests, shutdown) can wait for it. */
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly deps: { store: Store; bus: EventBus; orgs: OrgService; poster: WebhookPoster; limits?: Partial<WebhookLimits>; log?: WebhookLog },
  ) {
    this.limits = { ...DEFAULT_WEBHOOK_LIMITS, ...deps.limits };
  }

  /** Where delivery failures are logged (the composition root passes its logger). */
  useLogger(log: WebhookLog): void {
    this.deps.log = log;
  }

  /**
   * Starts delivering. With `enqueue` false the node only sends what is queued: with an event bus
   * that reaches every node, exactly one node per event must enqueue it (the in-process bus of
   * embedded mode reaches one).
   */
  start(opts: { enqueue?: boolean } = {}): void {
    this.stopped = false;
    if (opts.enqueue === false) return this.kick();
    this.unsubscribe = this.deps.bus.subscribe('*', (e) => {
      if (!(WEBHOOK_EVENTS as readonly string[]).includes(e.type) || !('accountId' in e)) return;
      // Status changes also come as account.updated for the directory; webhooks get the specific event.
      if (e.type === 'account.updated' && e.fields.every((f) => f === 'status')) return;
      this.track(this.enqueue(e as AccountEvent));
    });
    this.kick(); // deliveries left pending by a previous run
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled([...this.pending]);
    await this.running;
  }

  /** Resolves when nothing is being enqueued or attempted right now. */
  async idle(): Promise<void> {
    while (this.pending.size || this.running) {
      await Promise.allSettled([...this.pending]);
      await this.running;
    }
  }

  private track(p: Promise<unknown>): void {
    const t = p.catch((err: unknown) => this.log('error', { err }, 'webhook enqueue failed')).finally(() => this.pending.delete(t));
    this.pending.add(t);
  }

  private async enqueue(e: AccountEvent): Promise<void> {
    const orgs = new Set(await this.deps.orgs.ancestorIds(e.orgId));
    const hooks = (await this.deps.store.webhooks.list([...orgs])).map(toWebhook).filter((h) => h.active && h.events.includes(e.type as WebhookEvent));
    if (!hooks.length) return;
    const row = await this.deps.store.accounts.byId(e.accountId);
    const account = row ? (await describeAccounts(this.deps.store, [row]))[0]! : null;
    const at = Date.now();
    const payload = JSON.stringify({
      event: e.type,
      occurredAt: new Date(at).toISOString(),
      orgId: e.orgId,
      account: account && {
        id: account.id,
        address: 'address' in e ? e.address : account.address,
        displayName: account.displayName,
        org: account.org,
        role: account.role,
        status: account.status,
        quotaBytes: account.quotaBytes,
      },
      ...(e.type === 'account.updated' ? { fields: e.fields } : {}),
      ...(e.type === 'account.deleted' ? { purgeAfter: new Date(e.purgeAfter).toISOString() } : {}),
    });
    await this.deps.store.webhooks.enqueue(hooks.map((h) => ({ webhookId: h.id, event: e.type, payload, at })));
    this.kick();
  }

  /** Runs the delivery loop now (once at a time; a kick during a run makes it go round again). */
  private kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((err: unknown) => this.log('error', { err }, 'webhook delivery loop failed'))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        } else void this.arm();
      });
  }

  private async drain(): Promise<void> {
    for (;;) {
      this.again = false;
      const due = await this.deps.store.webhooks.due(Date.now(), 20);
      if (!due.length) return;
      await Promise.all(due.map((d) => this.attempt(d)));
      if (this.stopped) return;
    }
  }

  private async arm(): Promise<void> {
    if (this.stopped) return;
    const next = await this.deps.store.webhooks.nextDue().catch(() => undefined);
    if (next === undefined || this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), Math.max(0, next - Date.now()));
    this.timer.unref();
  }

  private async attempt(d: WebhookDeliveryRow): Promise<void> {
    const { store, poster } = this.deps;
    const now = Date.now();
    // The lease outlives the POST's timeout, so a node that dies mid-attempt leaves it to be retried.
    if (!(await store.webhooks.claim(Number(d.id), Number(d.next_attempt_at), now + this.limits.timeoutMs * 2))) return;
    const hook = await store.webhooks.byId(Number(d.webhook_id));
    if (!hook) return;
    const attempts = Number(d.attempts) + 1;
    let status: number | null = null;
    let error: string | null = null;
    try {
      const headers = { 'content-type': 'application/json', 'user-agent': 'Wardpost-Webhooks/1', 'wardpost-event': d.event, 'wardpost-delivery': String(d.id), [SIGNATURE_HEADER]: signPayload(hook.secret, d.payload, Math.floor(Date.now() / 1000)) };
      status = (await poster.post(hook.url, d.payload, headers, this.limits.timeoutMs)).status;
      if (status < 200 || status > 299) error = `the receiver answered ${status}`;
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    const done = Date.now();
    if (!error) {
      await store.webhooks.recordAttempt(Number(d.id), { status: 'delivered', attempts, nextAttemptAt: done, lastStatus: status, lastError: null, finishedAt: done });
      return;
    }
    const giveUp = attempts >= this.limits.maxAttempts;
    await store.webhooks.recordAttempt(Number(d.id), {
      status: giveUp ? 'failed' : 'pending',
      attempts,
      nextAttemptAt: giveUp ? done : done + backoffMs(attempts, this.limits.retryBaseMs),
      lastStatus: status,
      lastError: error.slice(0, 500),
      finishedAt: giveUp ? done : null,
    });
    this.log(giveUp ? 'error' : 'warn', { webhook: Number(d.webhook_id), delivery: Number(d.id), attempts, error }, giveUp ? 'webhook delivery failed for good' : 'webhook delivery failed; will retry');
  }

  private log(level: 'info' | 'warn' | 'error', detail: Record<string, unknown>, msg: string): void {
    this.deps.log?.(level, detail, msg);
  }
}
