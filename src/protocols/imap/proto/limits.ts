// Every limit of the IMAP wire layer in one place (imapflow's `limits.js` idea): the framer, the
// tokenizer, the command parsers and the serialiser read from here, and tests pass smaller values.

/** Limits applied while framing and parsing IMAP commands (RFC 9051 section 4 and RFC 7888). */
export interface ImapLimits {
  /** Bytes of command text excluding literals and CRLFs, summed over every line of one command. */
  readonly maxLineBytes: number;
  /** Largest literal accepted in any command other than APPEND. */
  readonly maxLiteralBytes: number;
  /** Largest single message literal accepted in APPEND. */
  readonly maxAppendLiteralBytes: number;
  /** Sum of all literals in one command other than APPEND. */
  readonly maxCommandLiteralBytes: number;
  /** Sum of all literals in one APPEND (MULTIAPPEND, RFC 3502). */
  readonly maxAppendTotalBytes: number;
  /** Literals in one command (MULTIAPPEND messages, or strings sent as literals). */
  readonly maxLiteralsPerCommand: number;
  /**
   * A refused non-synchronising literal still arrives and is read and thrown away; past this size
   * the connection is closed instead (RFC 7888 section 4 allows either).
   */
  readonly maxDiscardBytes: number;
  /** Parenthesised lists inside one another. */
  readonly maxNestingDepth: number;
  /** Nested search keys (OR, NOT and groups together); bounds the parser's recursion. */
  readonly maxSearchDepth: number;
  /** Ranges and numbers in one sequence set. */
  readonly maxSequenceRanges: number;
  /** Tokens (atoms, strings, numbers, list brackets) in one command. */
  readonly maxTokens: number;
  /** Characters in a command tag. */
  readonly maxTagLength: number;
  /** Serialiser: strings longer than this go out as literals rather than quoted strings. */
  readonly maxQuotedBytes: number;
  /** RFC 2971 section 3.3: at most 30 ID field/value pairs. */
  readonly maxIdPairs: number;
}

/** The server's limits. */
export const IMAP_LIMITS: ImapLimits = Object.freeze({
  maxLineBytes: 64 * 1024,
  maxLiteralBytes: 64 * 1024,
  maxAppendLiteralBytes: 50 * 1024 * 1024,
  maxCommandLiteralBytes: 1024 * 1024,
  maxAppendTotalBytes: 100 * 1024 * 1024,
  maxLiteralsPerCommand: 1000,
  maxDiscardBytes: 100 * 1024 * 1024,
  maxNestingDepth: 16,
  maxSearchDepth: 256,
  maxSequenceRanges: 10_000,
  maxTokens: 10_000,
  maxTagLength: 64,
  maxQuotedBytes: 1024,
  maxIdPairs: 30,
});

/** The default limits with some values replaced (tests use small limits to reach the edges fast). */
export function imapLimits(overrides: Partial<ImapLimits> = {}): ImapLimits {
  return Object.freeze({ ...IMAP_LIMITS, ...overrides });
}
