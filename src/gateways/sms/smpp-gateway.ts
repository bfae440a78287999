/**
 * SMPP 3.4 client (the `smpp` package) as an SmsGateway: one bind_transceiver session kept up with
 * enquire_link (section 4.11) and re-established with exponential backoff; at most `window`
 * submit_sm awaiting their response at once; at most `throughput` PDUs a second on the connection;
 * ESME_RTHROTTLED / ESME_RMSGQFUL slow the connection down and the part is offered again.
 * deliver_sm is a delivery receipt (esm_class 0x04, appendix B) or a message from a phone; either
 * is acknowledged only after core has recorded it (a failure answers ESME_RX_T_APPN so the SMSC
 * repeats it).
 */
import smpp from 'smpp';
import type { PDU, Session } from 'smpp';
import type { SmsGateway, SmsGatewayHandlers, SmsReceipt, SmsSubmission, SmsSubmitResult } from '../types.js';
import { gsmDataCoding, inboundOf, parseReceipt, sourceAddress, udhFor } from './smpp-pdu.js';

export interface SmppOptions {
  url: string;
  systemId: string;
  password: string;
  systemType: string;
  /** submit_sm awaiting a response at once (SMPP windowing). */
  window: number;
  /** PDUs per second on the connection (the SMSC's contracted rate). */
  throughput: number;
  enquireLinkMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** How long a response may take before the connection is considered dead. */
  responseTimeoutMs: number;
  /** How long a submit waits for a bind before the message is deferred. */
  bindWaitMs: number;
}

export type GatewayLog = (level: 'info' | 'warn' | 'error', detail: Record<string, unknown>, msg: string) => void;

/** Errors worth another try later (SMPP 3.4 section 5.1.3); any other refusal is final. */
const TEMPORARY = new Set([0x08, 0x14, 0x45, 0x58, 0x64, 0x13]);

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class SmppGateway implements SmsGateway {
  readonly name = 'smpp';
  readonly enabled = true;
  private session: Session | null = null;
  private bound = false;
  private stopped = true;
  private failures = 0;
  private lastError = 'not started';
  private handlers: SmsGatewayHandlers | null = null;
  private inWindow = 0;
  private readonly windowWaiters: (() => void)[] = [];
  private bindWaiters: (() => void)[] = [];
  private nextSlot = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private keepAlive: NodeJS.Timeout | null = null;
  /** Counters for /metrics and the benchmark. */
  readonly stats = { submitted: 0, throttled: 0, binds: 0, receipts: 0, inbound: 0 };
  log: GatewayLog = () => undefined;

  constructor(private readonly o: SmppOptions) {}

  async start(handlers: SmsGatewayHandlers): Promise<void> {
    this.handlers = handlers;
    this.stopped = false;
    this.connect();
  }

  state() {
    return { up: this.bound, detail: this.bound ? `bound to ${this.o.url} as ${this.o.systemId}` : `not bound to ${this.o.url}: ${this.lastError}` };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const s = this.session;
    this.teardown('stopped');
    if (s && !s.closed) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => s.destroy(() => resolve()), 1000);
        s.unbind({}, () => {
          clearTimeout(t);
          s.close(() => resolve());
        });
      });
    }
  }

  private connect(): void {
    if (this.stopped) return;
    const s = smpp.connect({ url: this.o.url, connectTimeout: this.o.responseTimeoutMs });
    this.session = s;
    s.on('connect', () => {
      s.bind_transceiver({ system_id: this.o.systemId, password: this.o.password, system_type: this.o.systemType, interface_version: 0x34 }, (pdu) => {
        if (pdu.command_status !== 0) {
          this.lastError = `bind refused (command_status 0x${pdu.command_status.toString(16)})`;
          this.log('warn', { url: this.o.url }, `smpp: ${this.lastError}`);
          s.destroy();
          return;
        }
        this.bound = true;
        this.failures = 0;
        this.stats.binds++;
        this.log('info', { url: this.o.url }, 'smpp: bound (transceiver)');
        this.startKeepAlive(s);
        for (const w of this.bindWaiters.splice(0)) w();
      });
    });
    s.on('deliver_sm', (pdu) => void this.onDeliver(s, pdu));
    s.on('enquire_link', (pdu) => s.send(pdu.response()));
    s.on('unbind', (pdu) => {
      s.send(pdu.response());
      s.close();
    });
    s.on('error', (err: Error) => {
      this.lastError = err.message;
    });
    s.on('close', () => {
      if (this.session !== s) return;
      this.teardown(this.lastError);
      this.scheduleReconnect();
    });
  }

  private teardown(reason: string): void {
    this.bound = false;
    this.lastError = reason;
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.keepAlive = null;
    this.session?.removeAllListeners('close');
    this.session?.on('close', () => undefined);
    if (this.session && !this.session.closed && this.stopped) this.session.destroy();
    this.session = null;
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const delay = Math.min(this.o.reconnectMaxMs, this.o.reconnectMinMs * 2 ** this.failures++) * (0.75 + Math.random() * 0.5);
    this.log('warn', { url: this.o.url, retryInMs: Math.round(delay), reason: this.lastError }, 'smpp: connection lost, reconnecting');
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  /** enquire_link every `enquireLinkMs`; no answer within the response timeout and the link is dropped. */
  private startKeepAlive(s: Session): void {
    this.keepAlive = setInterval(() => {
      const t = setTimeout(() => {
        this.lastError = 'enquire_link unanswered';
        s.destroy();
      }, this.o.responseTimeoutMs);
      s.enquire_link({}, () => clearTimeout(t));
    }, this.o.enquireLinkMs);
  }

  private async waitBound(): Promise<boolean> {
    if (this.bound) return true;
    let done!: () => void;
    const ready = new Promise<void>((r) => (done = r));
    this.bindWaiters.push(done);
    const ok = await Promise.race([ready.then(() => true), sleep(this.o.bindWaitMs).then(() => false)]);
    this.bindWaiters = this.bindWaiters.filter((w) => w !== done);
    return ok;
  }

  private async takeWindow(): Promise<void> {
    while (this.inWindow >= this.o.window) await new Promise<void>((r) => this.windowWaiters.push(r));
    this.inWindow++;
  }

  private releaseWindow(): void {
    this.inWindow--;
    this.windowWaiters.shift()?.();
  }

  /** Paces PDUs to `throughput` a second (a token bucket of one). */
  private async pace(): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.nextSlot);
    this.nextSlot = at + 1000 / this.o.throughput;
    if (at > now) await sleep(at - now);
  }

  async submit(m: SmsSubmission): Promise<SmsSubmitResult> {
    if (!(await this.waitBound())) return { status: 'defer', messageIds: [], error: `SMS centre unavailable: ${this.lastError}` };
    const ids: string[] = [];
    for (const [i, text] of m.parts.entries()) {
      const r = await this.submitPart(m, i, text);
      if (r.status !== 'sent') return { ...r, messageIds: ids, ...(ids.length ? { error: `${r.error} (after ${ids.length} of ${m.parts.length} parts were accepted)` } : {}) };
      ids.push(r.messageIds[0]!);
    }
    return { status: 'sent', messageIds: ids };
  }

  private async submitPart(m: SmsSubmission, i: number, text: string): Promise<SmsSubmitResult> {
    const src = sourceAddress(m.from);
    for (let throttled = 0; ; throttled++) {
      await this.pace();
      await this.takeWindow();
      let status: number;
      let messageId = '';
      try {
        const s = this.session;
        if (!s || !this.bound) return { status: 'defer', messageIds: [], error: `SMS centre unavailable: ${this.lastError}` };
        const resp = await new Promise<PDU | null>((resolve) => {
          const t = setTimeout(() => resolve(null), this.o.responseTimeoutMs);
          const sent = s.submit_sm(
            {
              ...src,
              dest_addr_ton: 1,
              dest_addr_npi: 1,
              destination_addr: m.to.replace(/^\+/, ''),
              registered_delivery: 1,
              data_coding: gsmDataCoding(m.encoding),
              short_message: m.parts.length > 1 ? { udh: udhFor(m.reference, m.parts.length, i + 1), message: text } : text,
            },
            (pdu: PDU) => {
              clearTimeout(t);
              resolve(pdu);
            },
            undefined,
            () => {
              clearTimeout(t);
              resolve(null);
            },
          );
          if (!sent) {
            clearTimeout(t);
            resolve(null);
          }
        });
        if (!resp) return { status: 'defer', messageIds: [], error: 'no response from the SMS centre' };
        status = resp.command_status;
        messageId = String(resp.message_id ?? '');
      } finally {
        this.releaseWindow();
      }
      if (status === 0) {
        this.stats.submitted++;
        return { status: 'sent', messageIds: [messageId] };
      }
      if ((status === 0x58 || status === 0x14) && throttled < 8) {
        // The SMSC asks us to slow down: hold the whole connection back, then offer the part again.
        this.stats.throttled++;
        const backoff = Math.min(20 * 2 ** throttled, 5000);
        this.nextSlot = Math.max(this.nextSlot, Date.now() + backoff);
        continue;
      }
      const error = `SMS centre refused part ${i + 1} (command_status 0x${status.toString(16).padStart(8, '0')})`;
      return { status: TEMPORARY.has(status) ? 'defer' : 'fail', messageIds: [], error };
    }
  }

  private async onDeliver(s: Session, pdu: PDU): Promise<void> {
    const h = this.handlers;
    let ok = true;
    try {
      const esm = Number(pdu.esm_class ?? 0);
      if (esm & 0x04) {
        const r: SmsReceipt | null = parseReceipt(pdu);
        if (r && h) {
          this.stats.receipts++;
          await h.receipt(r);
        }
      } else {
        if (h) {
          this.stats.inbound++;
          await h.inbound(inboundOf(pdu));
        }
      }
    } catch (err) {
      ok = false;
      this.log('warn', { err: String(err) }, 'smpp: deliver_sm not recorded; asking the SMSC to repeat it');
    }
    if (!s.closed) s.send(pdu.response(ok ? {} : { command_status: smpp.ESME_RX_T_APPN }));
  }
}
