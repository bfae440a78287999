/** Webhooks for account events: the public event names and the outbound HTTP port core uses. */

/** What an organisation may subscribe to (the payload's `event`). */
export const WEBHOOK_EVENTS = ['account.created', 'account.updated', 'account.suspended', 'account.restored', 'account.deleted', 'account.purged', 'account.password_reset'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** One POST to a receiver; resolves with its status, rejects on network failure or timeout. */
export interface WebhookPoster {
  post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<{ status: number }>;
}

export interface WebhookLimits {
  /** First retry after this long; each further one waits twice as long (capped at an hour). */
  retryBaseMs: number;
  /** Attempts before a delivery is marked failed. */
  maxAttempts: number;
  timeoutMs: number;
}

export const DEFAULT_WEBHOOK_LIMITS: WebhookLimits = { retryBaseMs: 30_000, maxAttempts: 8, timeoutMs: 10_000 };
