// The declarative side of command parsing: a command is a list of named arguments, each read by
// an Arg, separated by single spaces (RFC 9051 section 9, `command-*` rules). Commands whose
// grammar is not a flat list (FETCH, SEARCH) provide their own reader built from the same parts.

import { SP } from '../chars.js';
import type { TokenReader } from '../tokenizer.js';
import type { CommandArgs, CommandName } from './types.js';

/** Session facts that change how arguments are read. */
export interface ParseContext {
  /** Mailbox names are UTF-8 (IMAP4rev2 or UTF8=ACCEPT enabled); else modified UTF-7. */
  readonly utf8: boolean;
  /** The hierarchy delimiter (to normalise `INBOX/...`). */
  readonly delimiter: string;
  /** The command came after `UID`. */
  readonly uid: boolean;
  /** The command name, for messages. */
  readonly command: string;
}

export type ArgReader<T> = (r: TokenReader, ctx: ParseContext) => T;

/** One named argument. */
export interface Arg<T> {
  readonly label: string;
  readonly read: ArgReader<T>;
  /** Optional arguments are read when a SP follows and `when` accepts the byte after it. */
  readonly optional: boolean;
  readonly when?: (next: number) => boolean;
}

/** A required argument. */
export function arg<T>(label: string, read: ArgReader<T>): Arg<T> {
  return { label, read, optional: false };
}

/** An optional argument, present when a SP follows (and `when` accepts the next byte). */
export function optional<T>(a: Arg<T>, when?: (next: number) => boolean): Arg<T | undefined> {
  return when ? { label: a.label, read: a.read, optional: true, when } : { label: a.label, read: a.read, optional: true };
}

type ArgValues<S> = { -readonly [K in keyof S]: S[K] extends Arg<infer T> ? T : never };

/**
 * Reads the arguments of `shape` in key order, each after one SP. An absent optional argument
 * leaves its key out of the result.
 */
export function args<S extends Record<string, Arg<unknown>>>(shape: S): ArgReader<ArgValues<S>> {
  const entries = Object.entries(shape) as [string, Arg<unknown>][];
  return (r, ctx) => {
    const out: Record<string, unknown> = {};
    for (const [key, a] of entries) {
      if (a.optional) {
        if (r.peek() !== SP) continue;
        if (a.when && !a.when(r.peekAfterSp())) continue;
      }
      r.sp(a.label);
      out[key] = a.read(r, ctx);
    }
    return out as ArgValues<S>;
  };
}

/** Reads nothing: the command takes no arguments. */
export const noArgs: ArgReader<Record<string, never>> = () => ({});

/** How one command is parsed. */
export interface CommandSpec<K extends CommandName> {
  /** Allowed after `UID` (RFC 9051 section 6.4.9, RFC 5256, RFC 6851). */
  readonly uid: boolean;
  readonly args: ArgReader<CommandArgs[K]>;
}

/** Every command's spec, by name. */
export type CommandRegistry = { readonly [K in CommandName]: CommandSpec<K> };

/** A spec for a command not valid after UID. */
export function command<K extends CommandName>(read: ArgReader<CommandArgs[K]>): CommandSpec<K> {
  return { uid: false, args: read };
}

/** A spec for a command also valid as `UID <command>`. */
export function uidCommand<K extends CommandName>(read: ArgReader<CommandArgs[K]>): CommandSpec<K> {
  return { uid: true, args: read };
}
