// Lines a client sends inside a command rather than as a command: DONE ending IDLE (RFC 2177,
// RFC 9051 section 6.3.13) and SASL responses during AUTHENTICATE (RFC 9051 section 6.2.2).

import { decodeBase64 } from '../base64.js';
import { ImapParseError, quoteForText } from '../errors.js';
import type { FramedCommand } from '../framer.js';

function singleLine(framed: FramedCommand): Buffer | undefined {
  return framed.literals.length === 0 ? framed.lines[0] : undefined;
}

/** True when the line is `DONE` (any case). Anything else during IDLE is a client error. */
export function parseIdleDone(framed: FramedCommand): { ok: true } | { ok: false; error: ImapParseError } {
  const line = singleLine(framed);
  if (line && line.toString('latin1').toUpperCase() === 'DONE') return { ok: true };
  const shown = line ? quoteForText(line) : 'a literal';
  return { ok: false, error: new ImapParseError('UNKNOWN_COMMAND', `Expected DONE to end IDLE, found ${shown}`) };
}

/** A client's answer to a SASL challenge: base64 data, or `*` to cancel the exchange. */
export type SaslResponse =
  | { readonly ok: true; readonly cancel: true }
  | { readonly ok: true; readonly cancel: false; readonly data: Buffer }
  | { readonly ok: false; readonly error: ImapParseError };

/** Parses an AUTHENTICATE continuation line (RFC 9051 section 6.2.2): base64, empty, or `*`. */
export function parseSaslResponse(framed: FramedCommand): SaslResponse {
  const line = singleLine(framed);
  if (!line) return { ok: false, error: new ImapParseError('INVALID_BASE64', 'A SASL response must be one line of base64') };
  const text = line.toString('latin1');
  if (text === '*') return { ok: true, cancel: true };
  const data = decodeBase64(text);
  if (!data) return { ok: false, error: new ImapParseError('INVALID_BASE64', 'The SASL response is not valid base64') };
  return { ok: true, cancel: false, data };
}
