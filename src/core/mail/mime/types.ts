// The shape of a parsed message, computed once at delivery and stored next to the blob so that
// IMAP FETCH (ENVELOPE, BODYSTRUCTURE, BODY[section]), JMAP Email/get and search never re-parse it.
// Every offset is a byte offset into the raw message exactly as it was received (bare-LF messages
// included); every end offset is exclusive.

/**
 * One address of an address-list header (RFC 5322 §3.4), or a group (RFC 5322 §3.4, `group`).
 *
 * `name` is the display phrase as written in the header (quotes and quoting backslashes removed,
 * RFC 2047 encoded-words NOT decoded): that is what IMAP ENVELOPE's addr-name carries (RFC 3501 §7.4.2).
 * When an address has no phrase but a trailing comment (`jdoe@example.org (John Doe)`), the comment is used.
 * `host` is null for a group and for an address without a domain; the IMAP layer must not send such an
 * address with a NIL host (that means "group marker" in ENVELOPE) and substitutes a placeholder instead.
 */
export interface AddressValue {
  name: string | null;
  /** `name` with RFC 2047 encoded-words decoded, for display. */
  decodedName: string | null;
  /** Local part as written (a quoted local part keeps its quotes), or null when absent. */
  mailbox: string | null;
  host: string | null;
  /** Present on a group: its members (possibly empty, as in `undisclosed-recipients:;`). */
  group?: AddressValue[];
}

/**
 * RFC 3501 §7.4.2 ENVELOPE fields, raw: strings are the unfolded header values (encoded-words kept),
 * null when the header is absent. Sender and Reply-To are NOT defaulted to From here: the IMAP layer does that.
 */
export interface Envelope {
  date: string | null;
  subject: string | null;
  from: AddressValue[];
  sender: AddressValue[];
  replyTo: AddressValue[];
  to: AddressValue[];
  cc: AddressValue[];
  bcc: AddressValue[];
  inReplyTo: string | null;
  messageId: string | null;
}

/** A parsed Content-Disposition (RFC 2183): lower-cased type, parameters as for `PartHeaderInfo.params`. */
export interface ContentDisposition {
  type: string;
  params: Record<string, string>;
}

/** The encapsulated message of a message/rfc822 (or message/global) part. */
export interface EmbeddedMessage {
  envelope: Envelope;
  /** The root part of the encapsulated message; its `headerStart` is the container's `bodyStart`. */
  part: MimePart;
}

/**
 * The MIME fields of one part's header (RFC 2045 §5-§8, RFC 2183, RFC 3282, RFC 2557, RFC 1864).
 *
 * Parameters (`params`, `disposition.params`) have lower-cased names; RFC 2231 continuations are joined
 * and charset-decoded to Unicode, other values are kept as written (unquoted). An IMAP layer that cannot
 * send UTF-8 re-encodes non-ASCII values with RFC 2231 when it writes BODYSTRUCTURE.
 */
export interface PartHeaderInfo {
  /** Lower-cased media type and subtype; defaults text/plain (RFC 2045 §5.2), message/rfc822 in multipart/digest. */
  type: string;
  subtype: string;
  params: Record<string, string>;
  /** Content-ID, Content-Description, Content-Location and Content-MD5 as written (unfolded), or null. */
  id: string | null;
  description: string | null;
  /** Lower-cased Content-Transfer-Encoding; "7bit" when absent. */
  encoding: string;
  disposition: ContentDisposition | null;
  language: string[] | null;
  location: string | null;
  md5: string | null;
  /** Decoded file name (disposition `filename`, else type `name`; RFC 2231 and RFC 2047 decoded), or null. */
  filename: string | null;
}

/**
 * One MIME entity (RFC 2045, RFC 2046) with the byte offsets of its header and body, and its header
 * fields (`PartHeaderInfo`).
 *
 * `path` is the IMAP section number (RFC 3501 §6.4.5): "" for the message root, "1", "1.2", ...
 * The root part of an embedded message carries the path of its message/rfc822 container, and its
 * children continue from there (container "2": children "2.1", "2.2"); `resolveSection` implements
 * the full section-number rules on top of this tree.
 */
export interface MimePart extends PartHeaderInfo {
  path: string;
  /** Start of the part's MIME header (for the root, 0). */
  headerStart: number;
  /** Start of the body: just after the blank line that ends the header. */
  bodyStart: number;
  /** End of the body, exclusive; the CRLF before a boundary line belongs to the boundary (RFC 2046 §5.1.1). */
  bodyEnd: number;
  /** Body octets (`bodyEnd - bodyStart`) and body lines, as BODYSTRUCTURE reports them. */
  size: number;
  lines: number;
  /** Sub-parts of a multipart/* part (always at least one: see `opaque`). */
  children?: MimePart[];
  /** The encapsulated message of a message/rfc822 or message/global part. */
  message?: EmbeddedMessage;
  /**
   * True when the part was not looked into: a limit was reached (depth, part count, header size) or
   * a message/* part had a transfer encoding. An opaque multipart or message part is reported as
   * application/octet-stream so that the tree stays valid for BODYSTRUCTURE (a multipart always has
   * children, a message/rfc822 part always has `message`). A multipart whose boundary is missing or
   * never appears is not opaque: it is reported as text/plain, its body being what the sender wrote.
   */
  opaque?: boolean;
}

/** A decoded address for display (JMAP EmailAddress, RFC 8621 §4.1.2.3); `name` is "" when absent. */
export interface DisplayAddress {
  name: string;
  address: string;
}

/** Things that were wrong with the message; the index is still usable. */
export type MimeProblem =
  | 'header-too-large'
  | 'max-parts'
  | 'max-depth'
  | 'missing-boundary'
  | 'missing-close-delimiter'
  | 'encoded-message'
  | 'no-header-end';

/** Decoded, display-ready values of a top-level message header. */
export interface MessageSummary {
  /** Subject with encoded-words decoded and folding whitespace collapsed; "" when absent. */
  subject: string;
  from: DisplayAddress[];
  sender: DisplayAddress[];
  replyTo: DisplayAddress[];
  to: DisplayAddress[];
  cc: DisplayAddress[];
  bcc: DisplayAddress[];
  /** Parsed Date header (RFC 5322 §3.3), or null when absent or unparseable. */
  date: Date | null;
  /** Message-ID, first In-Reply-To id and References ids, without angle brackets. */
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
}

/** Everything the protocol layers need from one message: its structure, plus the `MessageSummary` display values. */
export interface MessageIndex extends MessageSummary {
  /** Size of the raw message in bytes (IMAP RFC822.SIZE). */
  size: number;
  /** Size of the top-level header block including its terminating blank line. */
  headerSize: number;
  /** Line endings seen: "crlf", "lf" (bare LF only), "mixed", or "none" (a single line). */
  lineEndings: 'crlf' | 'lf' | 'mixed' | 'none';
  envelope: Envelope;
  structure: MimePart;
  /** Part paths chosen by the RFC 8621 §4.1.4 algorithm (message/rfc822 parts are not entered). */
  textBody: string[];
  htmlBody: string[];
  attachments: string[];
  /** Decoded text of text/plain and tag-stripped text/html parts (body first), capped at `maxSearchTextBytes` UTF-8 bytes. */
  searchText: string;
  /** The first `previewLength` characters of the body text, whitespace collapsed. */
  preview: string;
  /** True when some attachment is not an inline image referenced by Content-ID. */
  hasAttachment: boolean;
  problems: MimeProblem[];
}
