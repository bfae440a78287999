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
