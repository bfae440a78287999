// Shared helpers for the IMAP wire-layer tests: frame raw text, parse it, a seeded PRNG.

import assert from 'node:assert/strict';
import { CommandFramer, type FrameEvent, type FramedCommand } from '../../../../src/protocols/imap/proto/framer.js';
import { parseCommand, type ParseOptions, type ParseResult } from '../../../../src/protocols/imap/proto/commands/index.js';
import type { ImapParseError } from '../../../../src/protocols/imap/proto/errors.js';
import type { ImapLimits } from '../../../../src/protocols/imap/proto/limits.js';
import type { ParsedCommand } from '../../../../src/protocols/imap/proto/commands/types.js';

/** Feeds `raw` in one chunk (or in the given chunk sizes) and returns every event. */
export function frameAll(raw: string | Buffer, limits?: ImapLimits, chunkSize?: number): FrameEvent[] {
  const framer = new CommandFramer(limits);
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'latin1') : raw;
  if (!chunkSize) return framer.push(bytes);
  const events: FrameEvent[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) events.push(...framer.push(bytes.subarray(i, i + chunkSize)));
  return events;
}

/** Frames `raw` (CRLF added when missing) and returns its single command. */
export function frameOne(raw: string | Buffer): FramedCommand {
  let bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  if (!bytes.subarray(-1).equals(Buffer.from('\n'))) bytes = Buffer.concat([bytes, Buffer.from('\r\n')]);
  const commands = frameAll(bytes).filter((e) => e.type !== 'continue');
  assert.equal(commands.length, 1, `expected one command from ${JSON.stringify(raw.toString())}`);
  const event = commands[0] as FrameEvent;
  assert.equal(event.type, 'command', `framing failed: ${event.type === 'error' ? event.error.message : ''}`);
  return (event as { command: FramedCommand }).command;
}

/** A FramedCommand made of one line (no framing). */
export function line(text: string | Buffer): FramedCommand {
  return { lines: [typeof text === 'string' ? Buffer.from(text, 'utf8') : text], literals: [] };
}

export function parse(raw: string | Buffer, options?: ParseOptions): ParseResult {
  return parseCommand(frameOne(raw), options);
}

export function parseOk(raw: string | Buffer, options?: ParseOptions): ParsedCommand {
  const result = parse(raw, options);
  if (!result.ok) assert.fail(`${JSON.stringify(raw.toString())} failed: ${result.error.code} ${result.error.message}`);
  return result.command;
}

export function parseErr(raw: string | Buffer, options?: ParseOptions): ImapParseError {
  const result = parse(raw, options);
  if (result.ok) assert.fail(`${JSON.stringify(raw.toString())} parsed but should fail: ${JSON.stringify(result.command)}`);
  return result.error;
}

export { seededRandom as prng } from '../../../../src/core/util/seeded-random.js';
