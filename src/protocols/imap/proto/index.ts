// The IMAP wire layer: framing, tokens, command parsing and response writing. No I/O, no store.

export { IMAP_LIMITS, imapLimits, type ImapLimits } from './limits.js';
export {
  ImapParseError, formatErrorResponse, isImapParseError, quoteForText,
  type ImapErrorResponseCode, type ImapParseErrorCode,
} from './errors.js';
export { CommandFramer, type FrameEvent, type FramedCommand, type FramedLiteral } from './framer.js';
export { TokenReader, tokenize, type ImapToken, type PartialRange } from './tokenizer.js';
export {
  parseSequenceSet, resolveSequenceSet, compileSequenceSet, sequenceSetExceeds, sequenceSetHasStar, sequenceSetToString,
  formatRanges, rangesFromNumbers, mergeRanges, ResolvedSequenceSet,
  type SequenceSet, type SeqRange, type SeqNumber, type NumberRange,
} from './sequence-set.js';
export { decodeMutf7, encodeMutf7, Mutf7Error } from './mutf7.js';
export { decodeMailboxName, decodeMailboxText, encodeMailboxName, normalizeInbox, type MailboxNameOptions } from './mailbox-name.js';
export { parseImapDate, parseImapDateTime, formatImapDateTime, imapDateToUtcMs, type ImapDate, type ImapDateTime } from './datetime.js';
export { SYSTEM_FLAGS, canonicalFlag, type SystemFlag } from './flags.js';
export { parseCommand, isCommandName, COMMANDS, type ParseOptions, type ParseResult } from './commands/index.js';
export { parseIdleDone, parseSaslResponse, type SaslResponse } from './commands/continuation.js';
export { FETCH_MACROS, fetchResponseName, type FetchAttribute, type FetchSimpleAttribute, type BodySection } from './commands/fetch.js';
export { searchDecoder, type SearchKey, type SearchTextField } from './commands/search.js';
export type * from './commands/types.js';
export * as wire from './serialize.js';
