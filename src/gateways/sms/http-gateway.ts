/**
 * An HTTP SMS provider behind the same gateway interface: each message is one POST of JSON
 * {from, to, text, encoding, parts} with a bearer token; 2xx with {"ids": [...]} (or {"id"}) is
 * sent, 429 and 5xx are tried again later (Retry-After is the queue's business), other 4xx are
 * final.
 *
 * Receipts and replies come back the other way: the provider POSTs JSON to
 * /api/v1/sms/provider/callback with the callback token as a bearer token, either
 *   {"type": "receipt", "id": "<the id it gave>", "state": "delivered"|"failed"|"expired", "error"?: "..."}
 *   {"type": "inbound", "from": "+447700900123", "to": "<our number or sender ID>", "text": "YES"}
 * (vendors' own webhook shapes are mapped to this by a small adapter at their edge). A 2xx answer
 * means it is durable; anything else asks the provider to send it again, as an SMSC would.
 */
import { timingSafeEqual } from 'node:crypto';
import type { SmsCallbackResult, SmsGateway, SmsGatewayHandlers, SmsReceipt, SmsSubmission, SmsSubmitResult } from '../types.js';

export interface HttpSmsOptions {
  url: string;
  token: string;
  /** The bearer token the provider's callbacks carry; null: callbacks are refused. */
  callbackToken: string | null;
  timeoutMs: number;
}

const RECEIPT_STATES: readonly SmsReceipt['state'][] = ['delivered', 'failed', 'expired', 'accepted', 'unknown'];
const MAX_TEXT = 10_000;

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const str = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;

export class HttpSmsGateway implements SmsGateway {
  readonly name = 'http';
  readonly enabled = true;
  private lastError = 'no request yet';
  private up = true;
  private handlers: SmsGatewayHandlers | null = null;

  constructor(private readonly o: HttpSmsOptions) {}

  async start(handlers: SmsGatewayHandlers): Promise<void> {
    this.handlers = handlers;
  }

  async callback(authorization: string | undefined, payload: unknown): Promise<SmsCallbackResult> {
    if (!this.o.callbackToken || !this.handlers) return { ok: false, status: 404, message: 'provider callbacks are not configured on this server (WARDPOST_SMS_HTTP_CALLBACK_TOKEN)' };
    const m = /^Bearer (\S+)$/.exec(authorization ?? '');
    if (!m || !sameSecret(m[1]!, this.o.callbackToken)) return { ok: false, status: 401, message: 'a provider callback needs the callback token as "Authorization: Bearer <token>"' };
    const p = (payload ?? {}) as Record<string, unknown>;
    if (p.type === 'receipt') {
      if (!str(p.id, 200)) return { ok: false, status: 400, field: 'id', message: 'id must be the message id the provider gave when it accepted the message' };
      if (!RECEIPT_STATES.includes(p.state as SmsReceipt['state'])) return { ok: false, status: 400, field: 'state', message: `state must be one of ${RECEIPT_STATES.join(', ')}` };
      if (p.error !== undefined && !str(p.error, 500)) return { ok: false, status: 400, field: 'error', message: 'error must be a short text' };
      try {
        await this.handlers.receipt({ messageId: p.id, state: p.state as SmsReceipt['state'], ...(p.error ? { error: p.error } : {}) });
      } catch (err) {
        // Unknown id (or a store hiccup): not recorded, so the provider must send it again later.
        return { ok: false, status: 503, message: `receipt not recorded (${(err as Error).message}); send it again later` };
      }
      return { ok: true };
    }
    if (p.type === 'inbound') {
      if (!str(p.from, 32)) return { ok: false, status: 400, field: 'from', message: 'from must be the sender\'s number' };
      if (!str(p.to, 32)) return { ok: false, status: 400, field: 'to', message: 'to must be our number or sender ID the message was sent to' };
      if (typeof p.text !== 'string' || p.text.length > MAX_TEXT) return { ok: false, status: 400, field: 'text', message: `text must be the message text (at most ${MAX_TEXT} characters)` };
      await this.handlers.inbound({ from: p.from, to: p.to, text: p.text });
      return { ok: true };
    }
    return { ok: false, status: 400, field: 'type', message: 'type must be "receipt" or "inbound"' };
  }

  state() {
    return { up: this.up, detail: this.up ? `HTTP provider ${new URL(this.o.url).host}` : `HTTP provider failing: ${this.lastError}` };
  }

  async submit(m: SmsSubmission): Promise<SmsSubmitResult> {
    let res: Response;
    try {
      res = await fetch(this.o.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.o.token}` },
        body: JSON.stringify({ from: m.from, to: m.to, text: m.parts.join(''), encoding: m.encoding, parts: m.parts.length, reference: String(m.id) }),
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
    } catch (err) {
      this.up = false;
      this.lastError = (err as Error).message;
      return { status: 'defer', messageIds: [], error: `HTTP provider unreachable: ${this.lastError}` };
    }
    const text = await res.text();
    this.up = res.status < 500;
    if (res.ok) {
      let body: { id?: unknown; ids?: unknown } = {};
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        /* an empty or non-JSON 2xx still means accepted */
      }
      const ids = Array.isArray(body.ids) ? body.ids.map(String) : body.id !== undefined ? [String(body.id)] : [];
      return { status: 'sent', messageIds: ids };
    }
    this.lastError = `HTTP ${res.status} ${text.slice(0, 200)}`;
    return { status: res.status === 429 || res.status >= 500 ? 'defer' : 'fail', messageIds: [], error: `HTTP provider: ${this.lastError}` };
  }

  async stop(): Promise<void> {}
}
