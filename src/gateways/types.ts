/**
 * Gateway interfaces: what core/ may ask of the outside world (DNS, other mail servers). The
 * concrete gateways live in gateways/<name>/ and are chosen in the composition root (src/app/).
 */
import type { Readable } from 'node:stream';

/** One host to try for a mail domain, best first. */
export interface MxRoute {
  host: string;
  port: number;
}

/** A DNS question as mailauth asks it: TXT answers come as arrays of strings. */
export type DnsLookup = (name: string, rrtype: string) => Promise<unknown>;

export interface MailDns {
  /**
   * Where to deliver mail for `domain` (RFC 5321 section 5.1: MX by preference, else the A/AAAA
   * of the domain itself). Static routes from the configuration come first. Throws
   * MxLookupError when there is none.
   */
  routes(domain: string): Promise<MxRoute[]>;
  /** The resolver SPF, DKIM, DMARC and ARC checks use (cached). */
  lookup: DnsLookup;
}

export class MxLookupError extends Error {
  constructor(
    message: string,
    /** true: the domain has no mail host (NXDOMAIN, null MX); false: try again later. */
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'MxLookupError';
  }
}

export interface OutboundRequest {
  route: MxRoute;
  /** The name we announce in EHLO. */
  heloName: string;
  /** Envelope sender; '' is the null reverse-path of a bounce. */
  from: string;
  recipients: string[];
  /** Opens the message bytes (called once per attempt). */
  message: () => Readable;
}

export interface RecipientOutcome {
  address: string;
  /** 'sent', a temporary ('defer') or a permanent ('fail') refusal. */
  status: 'sent' | 'defer' | 'fail';
  /** The remote server's reply, e.g. "550 5.1.1 no such user". */
  response: string;
}

export interface OutboundResult {
  remoteHost: string;
  /** Whether the session ran over TLS (STARTTLS). */
  tls: boolean;
  outcomes: RecipientOutcome[];
}

/** An SMTP client for relaying to other mail servers. Never throws for a refusal: it reports it. */
export interface OutboundSmtp {
  send(request: OutboundRequest): Promise<OutboundResult>;
}

/** One SMS for a gateway: the text already planned into parts by core/sms (encoding chosen, split). */
export interface SmsSubmission {
  /** Our id of the message (for logs). */
  id: number;
  /** Sender ID (alphanumeric, up to 11 characters) or number. */
  from: string;
  /** E.164. */
  to: string;
  encoding: 'gsm7' | 'ucs2';
  parts: string[];
  /** Concatenation reference (0-255) shared by the parts (3GPP TS 23.040 section 9.2.3.24.1). */
  reference: number;
}

export interface SmsSubmitResult {
  /** sent: every part accepted (ids per part); defer: none sent, try later; fail: refused for good. */
  status: 'sent' | 'defer' | 'fail';
  messageIds: string[];
  error?: string;
}

/** A delivery receipt from the network (SMPP 3.4 appendix B), for one part. */
export interface SmsReceipt {
  messageId: string;
  state: 'delivered' | 'failed' | 'expired' | 'accepted' | 'unknown';
  error?: string;
}

/** A message from a phone (mobile-originated). */
export interface SmsInbound {
  from: string;
  /** The number or sender ID it was sent to. */
  to: string;
  text: string;
  /** Set on one part of a concatenated message (UDH): the sender's reference, 1-based part, count. */
  part?: { ref: string; seq: number; total: number };
}

export interface SmsGatewayHandlers {
  /** Resolves once the receipt is durable; the gateway acknowledges only then (a failure asks for it again). */
  receipt(r: SmsReceipt): Promise<void>;
  inbound(m: SmsInbound): Promise<void>;
}

/** A connection to an SMS centre (SMPP) or an HTTP SMS provider. `submit` never throws for a refusal: it reports it. */
export interface SmsGateway {
  readonly name: string;
  /** False when no SMS centre is configured: sends are refused up front with a clear reason. */
  readonly enabled: boolean;
  start(handlers: SmsGatewayHandlers): Promise<void>;
  submit(message: SmsSubmission): Promise<SmsSubmitResult>;
  /** For /healthz and the API: bound or not, and why. */
  state(): { up: boolean; detail: string };
  stop(): Promise<void>;
  /**
   * Receipts and replies a provider pushes to us over HTTP (HTTP providers only). Resolves once
   * what it carried is durable; answers a refusal (bad token, malformed body) without throwing.
   */
  callback?(authorization: string | undefined, payload: unknown): Promise<SmsCallbackResult>;
}

export type SmsCallbackResult = { ok: true } | { ok: false; status: 400 | 401 | 404 | 503; field?: string; message: string };
