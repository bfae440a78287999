// Typed errors of the IMAP wire layer. Nothing in proto/ throws anything else past its boundary:
// the framer and parseCommand return these as values, and the dispatcher turns them into one
// tagged (or untagged) reply with formatErrorResponse.

/** Every way a command can fail to frame or parse. */
export type ImapParseErrorCode =
  // framing and limits
  | 'LINE_TOO_LONG'
  | 'LITERAL_TOO_LARGE'
  | 'COMMAND_TOO_LARGE'
  | 'TOO_MANY_LITERALS'
  | 'BAD_LITERAL'
  | 'NESTING_TOO_DEEP'
  | 'TOO_MANY_TOKENS'
  | 'TOO_MANY_RANGES'
  // syntax
  | 'EMPTY_COMMAND'
  | 'INVALID_TAG'
  | 'UNKNOWN_COMMAND'
  | 'UID_NOT_ALLOWED'
  | 'EXPECTED_SP'
  | 'UNEXPECTED_END'
  | 'TRAILING_DATA'
  | 'EXPECTED_ATOM'
  | 'EXPECTED_STRING'
  | 'EXPECTED_NUMBER'
  | 'EXPECTED_LIST'
  | 'NUMBER_OUT_OF_RANGE'
  | 'BAD_QUOTED'
  | 'INVALID_CHAR'
  | 'INVALID_UTF8'
  | 'INVALID_SEQUENCE_SET'
  | 'INVALID_DATE'
  | 'INVALID_MAILBOX_NAME'
  | 'INVALID_FLAG'
  | 'INVALID_BASE64'
  | 'UNKNOWN_ARGUMENT'
  | 'INVALID_ARGUMENT'
  | 'BAD_CHARSET'
  | 'INTERNAL';

/** Response codes (RFC 9051 section 7.1, RFC 5530) an error maps to. */
export type ImapErrorResponseCode = 'CLIENTBUG' | 'TOOBIG' | 'LIMIT' | 'BADCHARSET';

const LIMIT_CODES: ReadonlySet<ImapParseErrorCode> = new Set<ImapParseErrorCode>([
  'LINE_TOO_LONG', 'COMMAND_TOO_LARGE', 'TOO_MANY_LITERALS', 'NESTING_TOO_DEEP', 'TOO_MANY_TOKENS', 'TOO_MANY_RANGES',
]);

function defaultResponseCode(code: ImapParseErrorCode): ImapErrorResponseCode | undefined {
  if (code === 'LITERAL_TOO_LARGE') return 'TOOBIG';
  if (code === 'BAD_CHARSET') return 'BADCHARSET';
  if (LIMIT_CODES.has(code)) return 'LIMIT';
  if (code === 'INTERNAL' || code === 'EMPTY_COMMAND' || code === 'INVALID_TAG' || code === 'UNKNOWN_COMMAND') return undefined;
  return 'CLIENTBUG';
}

export interface ImapParseErrorOptions {
  tag?: string;
  command?: string;
  fatal?: boolean;
  offset?: number;
  status?: 'BAD' | 'NO';
}

/**
 * A command that could not be framed or parsed. `tag` is set whenever the tag could be read, so
 * the reply can be tagged; `fatal` means the connection cannot be resynchronised and must close
 * (after an untagged `BYE`). `status` is BAD for syntax and limits, NO for an unsupported charset.
 */
export class ImapParseError extends Error {
  override readonly name = 'ImapParseError';
  readonly code: ImapParseErrorCode;
  readonly responseCode: ImapErrorResponseCode | undefined;
  readonly status: 'BAD' | 'NO';
  readonly fatal: boolean;
  /** Byte offset into the command's text where the problem was seen, when known. */
  readonly offset: number | undefined;
  tag: string | undefined;
  /** The command name (upper case, `UID FETCH` style) when it was read. */
  command: string | undefined;

  constructor(code: ImapParseErrorCode, message: string, options: ImapParseErrorOptions = {}) {
    super(message);
    this.code = code;
    this.responseCode = defaultResponseCode(code);
    this.status = options.status ?? (code === 'BAD_CHARSET' ? 'NO' : 'BAD');
    this.fatal = options.fatal ?? false;
    this.offset = options.offset;
    this.tag = options.tag;
    this.command = options.command;
  }
}

/** True for an ImapParseError. */
export function isImapParseError(value: unknown): value is ImapParseError {
  return value instanceof ImapParseError;
}

/** Wraps anything thrown by a bug into a typed INTERNAL error, so callers only ever see ImapParseError. */
export function toImapParseError(value: unknown): ImapParseError {
  if (value instanceof ImapParseError) return value;
  if (value instanceof RangeError && /call stack/i.test(value.message)) {
    // e.g. "Maximum call stack size exceeded": treat as a limit, not a crash
    return new ImapParseError('NESTING_TOO_DEEP', 'Command is nested too deeply');
  }
  return new ImapParseError('INTERNAL', 'Internal parser error');
}

/**
 * Client-supplied text made safe for a human-readable response text: printable ASCII only,
 * shortened, in double quotes. RFC 9051 section 9 `text` excludes CR and LF.
 */
export function quoteForText(value: string | Buffer, max = 40): string {
  const s = typeof value === 'string' ? value : value.toString('latin1');
  let out = '';
  for (const ch of s) {
    if (out.length >= max) {
      out += '...';
      break;
    }
    const c = ch.codePointAt(0) ?? 0;
    out += c >= 0x20 && c < 0x7f && ch !== '"' ? ch : c === 0x22 ? "'" : '?';
  }
  return `"${out}"`;
}

/**
 * The reply line for an error (RFC 9051 section 7.1): `tag BAD [CLIENTBUG] text` when the tag is
 * known, else `* BAD ...`. A BADCHARSET reply lists the charsets the parser always accepts.
 */
export function formatErrorResponse(error: ImapParseError): string {
  const tag = error.tag ?? '*';
  let code = '';
  if (error.responseCode === 'BADCHARSET') code = '[BADCHARSET (UTF-8 US-ASCII)] ';
  else if (error.responseCode) code = `[${error.responseCode}] `;
  const text = error.message.replace(/[\r\n]+/g, ' ');
  return `${tag} ${error.status} ${code}${text}\r\n`;
}
