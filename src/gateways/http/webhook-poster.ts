/** Posts webhook payloads over HTTP(S) with Node's fetch; a timeout aborts the request. */
import type { WebhookPoster } from '../../core/webhooks/types.js';

export class FetchWebhookPoster implements WebhookPoster {
  async post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<{ status: number }> {
    const res = await fetch(url, { method: 'POST', body, headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    // The body is not needed; reading it frees the connection for reuse.
    await res.arrayBuffer().catch(() => undefined);
    return { status: res.status };
  }
}
