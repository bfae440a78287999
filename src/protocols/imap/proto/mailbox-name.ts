// Mailbox names on the wire: UTF-8 for IMAP4rev2 and UTF8=ACCEPT sessions (RFC 9051 section 5.1,
// RFC 6855), modified UTF-7 for IMAP4rev1 clients (RFC 3501 section 5.1.3); INBOX is
// case-insensitive (RFC 9051 section 5.1).

import { ImapParseError, quoteForText } from './errors.js';
import { decodeUtf8 } from './chars.js';
import { decodeMutf7, encodeMutf7, Mutf7Error } from './mutf7.js';

export interface MailboxNameOptions {
  /** The session uses UTF-8 names (IMAP4rev2 or UTF8=ACCEPT enabled); otherwise modified UTF-7. */
  readonly utf8: boolean;
  /** The hierarchy delimiter, to recognise children of INBOX. */
  readonly delimiter: string;
}

function hasNonAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return true;
  return false;
}

function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

function invalid(bytes: Buffer, why: string): ImapParseError {
  return new ImapParseError('INVALID_MAILBOX_NAME', `Invalid mailbox name ${quoteForText(bytes)}: ${why}`);
}

/**
 * Decodes a mailbox name or LIST pattern as sent to a JavaScript string in NFC (RFC 5198).
 * An IMAP4rev1 client's name is modified UTF-7, unless it holds 8-bit bytes: some clients send
 * raw UTF-8 anyway, and that is accepted. Throws ImapParseError (INVALID_MAILBOX_NAME).
 */
export function decodeMailboxText(bytes: Buffer, options: MailboxNameOptions): string {
  const text = decodeUtf8(bytes);
  if (text === undefined) throw invalid(bytes, 'not valid UTF-8');
  if (hasControl(text)) throw invalid(bytes, 'control characters are not allowed');
  let name = text;
  if (!options.utf8 && !hasNonAscii(text)) {
    try {
      name = decodeMutf7(text);
    } catch (e) {
      throw invalid(bytes, e instanceof Mutf7Error ? `bad modified UTF-7 (${e.message})` : 'bad modified UTF-7');
    }
  }
  if (hasControl(name)) throw invalid(bytes, 'control characters are not allowed');
  return name.normalize('NFC');
}

/** `inbox`, `Inbox/Sub` and the like become `INBOX`, `INBOX/Sub`. */
export function normalizeInbox(name: string, delimiter: string): string {
  if (name.length < 5 || name.slice(0, 5).toUpperCase() !== 'INBOX') return name;
  if (name.length === 5) return 'INBOX';
  if (delimiter && name.startsWith(delimiter, 5)) return `INBOX${name.slice(5)}`;
  return name;
}

/** A mailbox argument (RFC 9051 `mailbox`): decoded, with INBOX made case-insensitive. */
export function decodeMailboxName(bytes: Buffer, options: MailboxNameOptions): string {
  return normalizeInbox(decodeMailboxText(bytes, options), options.delimiter);
}

/** A mailbox name as it goes to the client: UTF-8 as is, or modified UTF-7 for IMAP4rev1. */
export function encodeMailboxName(name: string, utf8: boolean): string {
  return utf8 ? name : encodeMutf7(name);
}
