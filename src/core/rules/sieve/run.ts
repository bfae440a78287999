/**
 * Runs a parsed Sieve script against one message (RFC 5228 sections 3 to 5) with the extensions
 * fileinto, reject (RFC 5429), vacation (RFC 5230), envelope, copy (RFC 3894) and imap4flags'
 * addflag/setflag/removeflag (RFC 5232). Validation (unknown commands, missing require) happens
 * before a script is stored, so a delivery never meets a script it cannot run.
 */
import type { Arg, Command, Test } from './parse.js';
import { SieveSyntaxError, parseSieve } from './parse.js';

export const EXTENSIONS = ['fileinto', 'reject', 'vacation', 'envelope', 'copy', 'imap4flags', 'comparator-i;octet', 'comparator-i;ascii-casemap'];

export interface SieveMessage {
  /** Header fields, lower-cased names, values decoded (RFC 2047) and unfolded. */
  headers: { name: string; value: string }[];
  size: number;
  envelope: { from: string; to: string };
}

export interface VacationAction {
  reason: string;
  days: number;
  subject: string | null;
  from: string | null;
  addresses: string[];
  handle: string;
}

export interface SieveResult {
  keep: boolean;
  keepFlags: string[];
  fileinto: { folder: string; flags: string[] }[];
  redirect: string[];
  reject: string | null;
  discard: boolean;
  vacation: VacationAction | null;
}

const CONTROL = ['require', 'if', 'elsif', 'else', 'stop'];
const ACTIONS = ['keep', 'discard', 'fileinto', 'redirect', 'reject', 'vacation', 'addflag', 'setflag', 'removeflag'];
const TESTS = ['address', 'header', 'envelope', 'exists', 'size', 'allof', 'anyof', 'not', 'true', 'false'];
const NEEDS: Record<string, string> = { fileinto: 'fileinto', reject: 'reject', vacation: 'vacation', envelope: 'envelope', addflag: 'imap4flags', setflag: 'imap4flags', removeflag: 'imap4flags' };

const strings = (a: Arg | undefined): string[] => (!a ? [] : a.kind === 'list' ? a.value : a.kind === 'string' ? [a.value] : []);
const positional = (args: Arg[]) => args.filter((a) => a.kind !== 'tag');

/** Arguments after tags that take a value (":days 7", ":comparator "i;octet""). */
function split(args: Arg[], valued: string[]): { tags: Map<string, Arg | true>; rest: Arg[] } {
  const tags = new Map<string, Arg | true>();
  const rest: Arg[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.kind === 'tag') {
      if (valued.includes(a.value)) tags.set(a.value, args[++i]!);
      else tags.set(a.value, true);
    } else rest.push(a);
  }
  return { tags, rest };
}

/** Checks a script: syntax, known commands and tests, required extensions (RFC 5228 section 3.2). */
export function validateSieve(src: string): Command[] {
  const cmds = parseSieve(src);
  const required = new Set<string>();
  const checkTest = (t: Test, line: number) => {
    if (!TESTS.includes(t.name)) throw new SieveSyntaxError(`unknown test "${t.name}"`, line);
    if (NEEDS[t.name] && !required.has(NEEDS[t.name]!)) throw new SieveSyntaxError(`"${t.name}" needs require "${NEEDS[t.name]}"`, line);
    const cmp = split(t.args, ['comparator']).tags.get('comparator');
    if (cmp && cmp !== true && !required.has(`comparator-${strings(cmp)[0]}`) && strings(cmp)[0] !== 'i;ascii-casemap' && strings(cmp)[0] !== 'i;octet') {
      throw new SieveSyntaxError(`unknown comparator ${strings(cmp)[0]}`, line);
    }
    t.tests.forEach((x) => checkTest(x, line));
  };
  const walk = (list: Command[], top: boolean) => {
    let prev = '';
    let started = false;
    for (const c of list) {
      if (c.name === 'require') {
        if (!top || started) throw new SieveSyntaxError('require belongs at the start of the script', c.line);
        for (const ext of strings(c.args[0])) {
          if (!EXTENSIONS.includes(ext)) throw new SieveSyntaxError(`unsupported extension "${ext}"`, c.line);
          required.add(ext);
        }
      } else if (!CONTROL.includes(c.name) && !ACTIONS.includes(c.name)) throw new SieveSyntaxError(`unknown command "${c.name}"`, c.line);
      else started = true;
      if (NEEDS[c.name] && !required.has(NEEDS[c.name]!)) throw new SieveSyntaxError(`"${c.name}" needs require "${NEEDS[c.name]}"`, c.line);
      if ((c.name === 'elsif' || c.name === 'else') && prev !== 'if' && prev !== 'elsif') throw new SieveSyntaxError(`${c.name} without if`, c.line);
      if (['if', 'elsif'].includes(c.name) && c.tests.length !== 1) throw new SieveSyntaxError(`${c.name} needs one test`, c.line);
      if (['if', 'elsif', 'else'].includes(c.name) && !c.block) throw new SieveSyntaxError(`${c.name} needs a block`, c.line);
      if (['fileinto', 'redirect', 'reject', 'vacation'].includes(c.name) && !positional(c.args).length) throw new SieveSyntaxError(`${c.name} needs an argument`, c.line);
      c.tests.forEach((t) => checkTest(t, c.line));
      if (c.block) walk(c.block, false);
      prev = c.name;
    }
  };
  walk(cmds, true);
  return cmds;
}

/** RFC 5228 section 2.7.1 :matches with * and ? (backslash escapes them). */
function wildcard(pattern: string, flags: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, flags);
}

function match(values: string[], keys: string[], tags: Map<string, Arg | true>): boolean {
  const cmp = tags.get('comparator');
  const octet = cmp && cmp !== true && strings(cmp)[0] === 'i;octet';
  const norm = (s: string) => (octet ? s : s.toLowerCase());
  for (const v of values) {
    for (const k of keys) {
      if (tags.has('contains') ? norm(v).includes(norm(k)) : tags.has('matches') ? wildcard(k, octet ? 's' : 'is').test(v) : norm(v) === norm(k)) return true;
    }
  }
  return false;
}

/** The address part asked for (RFC 5228 section 5.1: :all, :localpart, :domain). */
function addressPart(addr: string, tags: Map<string, Arg | true>): string {
  const at = addr.lastIndexOf('@');
  if (tags.has('localpart')) return at < 0 ? addr : addr.slice(0, at);
  if (tags.has('domain')) return at < 0 ? '' : addr.slice(at + 1);
  return addr;
}

const addressesIn = (value: string): string[] => [...value.matchAll(/<([^>]*)>|([^\s,<>"]+@[^\s,<>"]+)/g)].map((m) => (m[1] ?? m[2] ?? '').trim()).filter(Boolean);

function test(t: Test, msg: SieveMessage): boolean {
  const { tags, rest } = split(t.args, ['comparator', 'over', 'under']);
  const headerValues = (names: string[]) => msg.headers.filter((h) => names.map((n) => n.toLowerCase()).includes(h.name)).map((h) => h.value);
  switch (t.name) {
    case 'true': return true;
    case 'false': return false;
    case 'not': return !test(t.tests[0]!, msg);
    case 'allof': return t.tests.every((x) => test(x, msg));
    case 'anyof': return t.tests.some((x) => test(x, msg));
    case 'exists': return strings(rest[0]).every((n) => headerValues([n]).length > 0);
    case 'size': {
      const over = tags.get('over');
      const under = tags.get('under');
      if (over && over !== true && over.kind === 'number') return msg.size > over.value;
      if (under && under !== true && under.kind === 'number') return msg.size < under.value;
      return false;
    }
    case 'header': return match(headerValues(strings(rest[0])), strings(rest[1]), tags);
    case 'address': return match(headerValues(strings(rest[0])).flatMap(addressesIn).map((a) => addressPart(a, tags)), strings(rest[1]), tags);
    case 'envelope': {
      const parts = strings(rest[0]).map((p) => p.toLowerCase());
      const values = [...(parts.includes('from') ? [msg.envelope.from] : []), ...(parts.includes('to') ? [msg.envelope.to] : [])];
      return match(values.map((a) => addressPart(a, tags)), strings(rest[1]), tags);
    }
    default: return false;
  }
}

/** Runs validated commands; the implicit keep stays unless an action cancels it (RFC 5228 section 2.10.2). */
export function runSieve(cmds: Command[], msg: SieveMessage): SieveResult {
  const r: SieveResult = { keep: true, keepFlags: [], fileinto: [], redirect: [], reject: null, discard: false, vacation: null };
  let flags: string[] = [];
  let explicitKeep = false;
  const exec = (list: Command[]): boolean => {
    let branchTaken = false;
    for (const c of list) {
      if (c.name === 'if') branchTaken = false;
      if ((c.name === 'elsif' || c.name === 'else') && branchTaken) continue;
      const { tags, rest } = split(c.args, ['days', 'subject', 'from', 'addresses', 'handle', 'flags', 'seconds']);
      const copy = tags.has('copy');
      switch (c.name) {
        case 'if':
        case 'elsif':
          if (test(c.tests[0]!, msg)) {
            branchTaken = true;
            if (!exec(c.block!)) return false;
          }
          break;
        case 'else':
          branchTaken = true;
          if (!exec(c.block!)) return false;
          break;
        case 'stop':
          return false;
        case 'keep':
          explicitKeep = true;
          r.keepFlags = [...flags];
          break;
        case 'discard':
          r.keep = false;
          r.discard = true;
          break;
        case 'fileinto':
          r.fileinto.push({ folder: strings(rest[0])[0]!, flags: [...flags] });
          if (!copy) r.keep = false;
          break;
        case 'redirect':
          r.redirect.push(strings(rest[0])[0]!);
          if (!copy) r.keep = false;
          break;
        case 'reject':
          r.reject = strings(rest[0])[0]!;
          r.keep = false;
          break;
        case 'vacation': {
          const days = tags.get('days');
          const str = (k: string) => {
            const v = tags.get(k);
            return v && v !== true ? (strings(v)[0] ?? null) : null;
          };
          const addresses = tags.get('addresses');
          const reason = strings(rest[0])[0]!;
          r.vacation = {
            reason,
            days: days && days !== true && days.kind === 'number' ? Math.max(1, days.value) : 7,
            subject: str('subject'),
            from: str('from'),
            addresses: addresses && addresses !== true ? strings(addresses) : [],
            handle: str('handle') ?? reason.slice(0, 200),
          };
          break;
        }
        case 'addflag':
          flags = [...new Set([...flags, ...strings(rest[rest.length - 1]).flatMap((f) => f.split(' ')).filter(Boolean)])];
          break;
        case 'setflag':
          flags = strings(rest[rest.length - 1]).flatMap((f) => f.split(' ')).filter(Boolean);
          break;
        case 'removeflag': {
          const gone = new Set(strings(rest[rest.length - 1]).flatMap((f) => f.split(' ')).map((f) => f.toLowerCase()));
          flags = flags.filter((f) => !gone.has(f.toLowerCase()));
          break;
        }
      }
    }
    return true;
  };
  exec(cmds);
  if (explicitKeep) r.keep = true;
  else if (r.keep) r.keepFlags = [...flags];
  return r;
}
