/**
 * An SMSC simulator on loopback, built on the `smpp` package's server side: the only mock the SMS
 * tests use (no mobile network is reachable here). It binds transceivers with a system_id and
 * password, answers submit_sm with message ids (or the error status a test asks for), enforces a
 * throughput limit by answering ESME_RTHROTTLED as a real SMSC does, sends delivery receipts
 * (deliver_sm, esm_class 0x04, appendix B text) and mobile-originated messages, and can be killed
 * and restarted on the same port.
 */
import net from 'node:net';
import smpp from 'smpp';
import type { PDU, Server, Session } from 'smpp';

export interface SubmittedPart {
  messageId: string;
  from: string;
  to: string;
  dataCoding: number;
  text: string;
  /** Concatenation info from the UDH (IE 0x00), when present. */
  concat: { ref: number; total: number; seq: number } | null;
  at: number;
}

export interface SimulatorOptions {
  systemId: string;
  password: string;
  /** submit_sm per second accepted; beyond it ESME_RTHROTTLED (0 = no limit). */
  throughput: number;
  /** Delay before a receipt is sent (ms); -1 = no receipts. */
  receiptDelayMs: number;
}

export class SmscSimulator {
  readonly parts: SubmittedPart[] = [];
  /** Numbers whose messages are reported undeliverable (stat:UNDELIV). */
  readonly undeliverable = new Set<string>();
  /** command_status to answer the next submits with (one entry used per submit). */
  readonly failNext: number[] = [];
  throttled = 0;
  binds = 0;
  port = 0;
  private server: Server | null = null;
  private seq = 0;
  private windowStart = 0;
  private inWindow = 0;
  private readonly opts: SimulatorOptions;

  constructor(opts: Partial<SimulatorOptions> = {}) {
    this.opts = { systemId: 'wardpost', password: 'secret', throughput: 0, receiptDelayMs: 20, ...opts };
  }

  get url(): string {
    return `smpp://127.0.0.1:${this.port}`;
  }

  setThroughput(n: number): void {
    this.opts.throughput = n;
  }

  async start(port = this.port): Promise<number> {
    const server = smpp.createServer({}, (s) => this.onSession(s));
    server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
    return this.port;
  }

  /** Drops every session at once (as a crashed SMSC would) and stops listening. */
  async kill(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    for (const s of [...server.sessions]) s.socket.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  }

  get bound(): Session[] {
    return (this.server?.sessions ?? []).filter((s) => (s as Session & { bound?: boolean }).bound);
  }

  /** A message from a phone to our sender ID (deliver_sm); resolves with the ESME's command_status. */
  async mo(from: string, to: string, text: string): Promise<number> {
    const s = this.bound[0];
    if (!s) throw new Error('no bound session to deliver to');
    const ucs2 = /[^\x20-\x7e\n\r@£$¥èéùìòÇØøÅåÄÖÑÜäöñüà§¿¡]/.test(text);
    return new Promise((resolve) =>
      s.deliver_sm({ source_addr_ton: 1, source_addr_npi: 1, source_addr: from.replace(/^\+/, ''), destination_addr: to, esm_class: 0, data_coding: ucs2 ? 8 : 0, short_message: text }, (pdu) => resolve(pdu.command_status)),
    );
  }

  /** One part of a concatenated message from a phone (UDH with an 8-bit reference); resolves with the ESME's command_status. */
  async moPart(from: string, to: string, text: string, part: { ref: number; seq: number; total: number }): Promise<number> {
    const s = this.bound[0];
    if (!s) throw new Error('no bound session to deliver to');
    const udh = Buffer.from([0x05, 0x00, 0x03, part.ref, part.total, part.seq]);
    return new Promise((resolve) =>
      s.deliver_sm({ source_addr_ton: 1, source_addr_npi: 1, source_addr: from.replace(/^\+/, ''), destination_addr: to, esm_class: 0x40, data_coding: 0, short_message: { udh, message: text } }, (pdu) => resolve(pdu.command_status)),
    );
  }

  /** Waits until `n` parts have been accepted (or throws after `ms`). */
  async waitParts(n: number, ms = 15_000): Promise<SubmittedPart[]> {
    const until = Date.now() + ms;
    while (this.parts.length < n) {
      if (Date.now() > until) throw new Error(`simulator saw ${this.parts.length} parts, expected ${n}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.parts;
  }

  private onSession(s: Session): void {
    s.on('error', () => undefined);
    s.on('bind_transceiver', (pdu: PDU) => {
      if (pdu.system_id !== this.opts.systemId || pdu.password !== this.opts.password) {
        s.send(pdu.response({ command_status: smpp.ESME_RBINDFAIL }));
        return;
      }
      (s as Session & { bound?: boolean }).bound = true;
      this.binds++;
      s.send(pdu.response({ system_id: 'simsmsc' }));
    });
    s.on('enquire_link', (pdu: PDU) => s.send(pdu.response()));
    s.on('unbind', (pdu: PDU) => {
      s.send(pdu.response());
      s.close();
    });
    s.on('submit_sm', (pdu: PDU) => this.onSubmit(s, pdu));
  }

  private onSubmit(s: Session, pdu: PDU): void {
    const fail = this.failNext.shift();
    if (fail !== undefined) return void s.send(pdu.response({ command_status: fail }));
    if (this.opts.throughput > 0) {
      const now = Date.now();
      if (now - this.windowStart >= 1000) {
        this.windowStart = now;
        this.inWindow = 0;
      }
      if (this.inWindow >= this.opts.throughput) {
        this.throttled++;
        return void s.send(pdu.response({ command_status: smpp.ESME_RTHROTTLED }));
      }
      this.inWindow++;
    }
    const messageId = (++this.seq).toString(16).padStart(8, '0');
    const sm = pdu.short_message as { message?: unknown; udh?: Buffer[] } | undefined;
    const ie = sm?.udh?.find((u) => u[0] === 0x00);
    const part: SubmittedPart = {
      messageId,
      from: String(pdu.source_addr),
      to: `+${String(pdu.destination_addr)}`,
      dataCoding: Number(pdu.data_coding),
      text: String(sm?.message ?? ''),
      concat: ie ? { ref: ie[2]!, total: ie[3]!, seq: ie[4]! } : null,
      at: Date.now(),
    };
    this.parts.push(part);
    s.send(pdu.response({ message_id: messageId }));
    if (this.opts.receiptDelayMs >= 0 && Number(pdu.registered_delivery) & 1) {
      setTimeout(() => this.receipt(s, part), this.opts.receiptDelayMs).unref();
    }
  }

  /** Sends a receipt; one the ESME does not acknowledge is repeated later, as SMSCs do (up to 5 times). */
  private receipt(s: Session, part: SubmittedPart, attempt = 0): void {
    if (s.closed) return;
    const stat = this.undeliverable.has(part.to) ? 'UNDELIV' : 'DELIVRD';
    const d = new Date().toISOString().replace(/\D/g, '').slice(2, 12);
    const text = `id:${part.messageId} sub:001 dlvrd:${stat === 'DELIVRD' ? '001' : '000'} submit date:${d} done date:${d} stat:${stat} err:${stat === 'DELIVRD' ? '000' : '001'} text:${part.text.slice(0, 20).replace(/[^\x20-\x7e]/g, '?')}`;
    s.deliver_sm({ source_addr: part.to.replace(/^\+/, ''), destination_addr: part.from, esm_class: 0x04, short_message: text }, (resp) => {
      if (resp.command_status !== 0 && attempt < 5) setTimeout(() => this.receipt(s, part, attempt + 1), 200).unref();
    });
  }
}
