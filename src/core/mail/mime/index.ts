// Streaming MIME indexer: parses a raw message once, at delivery, into everything IMAP FETCH,
// JMAP and search need (see types.ts for the shape, limits.ts for the bounds).
export type {
  AddressValue,
  ContentDisposition,
  DisplayAddress,
  EmbeddedMessage,
  Envelope,
  MessageIndex,
  MessageSummary,
  MimePart,
  MimeProblem,
  PartHeaderInfo,
} from './types.js';
export { MIME_LIMITS, type MimeIndexOptions, type MimeLimits } from './limits.js';
export { MimeIndexer, indexBuffer, indexMessage } from './indexer.js';
export { findPart, parseSectionNumber, resolveSection, type ByteRange, type SectionText } from './section.js';
export { parseAddressList, toDisplayAddresses } from './address-parse.js';
export { parseMailDate, parseMessageIds } from './envelope.js';
export { decodeWords, parseStructured, type StructuredValue } from './header-parse.js';
export { selectBodyParts, type BodyParts } from './body-parts.js';
