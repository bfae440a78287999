/**
 * An HTTP SMS provider behind the same gateway interface: each message is one POST of JSON
 * {from, to, text, encoding, parts} with a bearer token; 2xx with {"ids": [...]} (or {"id"}) is
 * sent, 429 and 5xx are tried again later (Retry-After is the queue's business), other 4xx are
 * final. Receipts and replies from such a provider are not wired (its webhooks differ per vendor).
 */
import type { SmsGateway, SmsSubmission, SmsSubmitResult } from '../types.js';

export interface HttpSmsOptions {
  url: string;
  token: string;
  timeoutMs: number;
}

export class HttpSmsGateway implements SmsGateway {
  readonly name = 'http';
  readonly enabled = true;
  private lastError = 'no request yet';
  private up = true;

  constructor(private readonly o: HttpSmsOptions) {}

  async start(): Promise<void> {}

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
