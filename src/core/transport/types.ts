/** Shapes shared by the transport services and the SMTP doors. */
import type { Account } from '../accounts/account-service.js';
import type { AccountRow } from '../../store/types.js';

/** Every limit the transport applies; the SMTP door's limits.ts holds the values in one object. */
export interface TransportLimits {
  /** Largest message accepted (bytes), announced as SIZE. */
  maxMessageBytes: number;
  /** RFC 5321 section 4.5.3.1.6: a text line is at most 1000 octets with its CRLF. */
  maxLineBytes: number;
  /** Largest header block read when the header must be inspected (bytes). */
  maxHeaderBytes: number;
  /** Bytes of a message kept in memory before the spool moves to a temporary file. */
  spoolMemoryBytes: number;
  maxRecipients: number;
  /** Members an address list may expand to. */
  maxListMembers: number;
  /** Per policy hook, unless the hook says otherwise (ms). */
  hookTimeoutMs: number;
  /** Failed sign-ins per IP address before it must wait (sliding window). */
  authFailuresPerIp: { max: number; windowMs: number };
  /** Messages one account may submit, and one IP address may submit or send in. */
  messagesPerAccount: { max: number; windowMs: number };
  messagesPerIp: { max: number; windowMs: number };
  /** Outbound: sessions per destination domain at once, and overall. */
  outboundPerDomain: number;
  outboundTotal: number;
  /** Retry schedule: first retry after `retryBaseMs`, doubling up to `retryMaxMs`, until `expiryMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  expiryMs: number;
  /** How long an attempt may hold a queue row before another node may take it (ms). */
  attemptLeaseMs: number;
}

/** Who is on the other end of an SMTP session. */
export interface SessionInfo {
  id: string;
  kind: 'mx' | 'submission';
  remoteAddress: string;
  /** Reverse DNS name of the client, when known. */
  clientHostname: string;
  helo: string;
  secure: boolean;
  /** The signed-in account (submission only). */
  account: Account | null;
}

export type Recipient =
  /** `account`: the row classification read (the RCPT-time room check uses it: no second read). */
  | { kind: 'local'; address: string; account?: AccountRow }
  | { kind: 'foreign'; address: string; domain: string };

/** The state of one mail transaction, filled in as it goes; policy hooks record their results here. */
export interface MailTransaction {
  session: SessionInfo;
  mailFrom: string;
  /** RCPT addresses as given, and what they expand to (lists expanded, duplicates dropped). */
  rcptTo: string[];
  recipients: Recipient[];
  /** Header lines (without CRLF) to prepend to the message, top first. */
  prependHeaders: string[];
  /** Folder for local copies (INBOX, or Junk when a policy says so). */
  folder: string;
  /** Results recorded by each policy hook, by hook name. */
  results: Record<string, unknown>;
  size: number;
  /** The header fields of the message, lower-cased names (first occurrence), once read. */
  header: Map<string, string>;
}

export interface Accepted {
  /** Queue id of the transaction (also in the Received header). */
  id: string;
  delivered: number;
  queued: number;
}
