/**
 * Posts webhook payloads over HTTP(S). The receiver's name is resolved here, every address checked
 * against the target policy, and the connection made to the checked address (Node's `lookup`
 * hook), so a name cannot resolve to a public address at the check and a private one at connect.
 * Redirects are not followed; a timeout aborts the request.
 */
import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { WebhookTargetCheck, WebhookTargetPolicy } from '../../core/webhooks/target-policy.js';
import type { WebhookPoster } from '../../core/webhooks/types.js';

const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');

/** The addresses `url` would be reached at, or the reason it may not be. */
async function checkedAddress(policy: WebhookTargetPolicy, url: URL): Promise<{ address: string; family: number }> {
  const host = hostOf(url);
  const answers = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true, verbatim: true });
  if (!answers.length) throw new Error(`${host} has no address`);
  for (const a of answers) {
    const why = policy.refusal(host, a.address);
    if (why) throw new Error(why);
  }
  return answers[0]!;
}

/** For registration: resolves the URL's host and says why it is refused (null: allowed). */
export function webhookTargetCheck(policy: WebhookTargetPolicy): WebhookTargetCheck {
  return async (url) => {
    try {
      await checkedAddress(policy, url);
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  };
}

export class GuardedWebhookPoster implements WebhookPoster {
  constructor(private readonly policy: WebhookTargetPolicy) {}

  async post(target: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<{ status: number }> {
    const url = new URL(target);
    const pinned = await checkedAddress(this.policy, url);
    const pin: LookupFunction = (_host, opts, cb) => {
      if ((opts as { all?: boolean }).all) (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [pinned]);
      else cb(null, pinned.address, pinned.family);
    };
    const client = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = client.request(url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, lookup: pin, signal: AbortSignal.timeout(timeoutMs) }, (res) => {
        // The body is not needed; draining it frees the socket.
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }
}
