// FETCH and UID FETCH (RFC 9051 section 6.4.5, RFC 3501 section 6.4.5, RFC 3516 BINARY,
// RFC 7162 MODSEQ / CHANGEDSINCE / VANISHED).

import { DOT, GT, LBRACKET, LPAREN, LT, RBRACKET, isDigit } from '../chars.js';
import { quoteForText } from '../errors.js';
import type { PartialRange, TokenReader } from '../tokenizer.js';
import { sequenceSet } from './args.js';
import { uidCommand, type CommandRegistry, type ParseContext } from './schema.js';
import type { FetchArgs } from './types.js';

/** Fetch items without a section. */
export type FetchSimpleAttribute =
  | 'ENVELOPE' | 'FLAGS' | 'INTERNALDATE' | 'RFC822' | 'RFC822.HEADER' | 'RFC822.SIZE' | 'RFC822.TEXT'
  | 'BODY' | 'BODYSTRUCTURE' | 'UID' | 'MODSEQ';

/** section-spec (RFC 9051 section 9): part numbers, then an optional text part. */
export interface BodySection {
  /** `1.2.3`; empty for the whole message. */
  readonly part: readonly number[];
  readonly text?: 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME';
  /** Header names for HEADER.FIELDS (.NOT), as sent. */
  readonly fields?: readonly string[];
}

/** One fetch attribute. */
export type FetchAttribute =
  | { readonly type: FetchSimpleAttribute }
  /** BODY[section]<partial> and BODY.PEEK[...] (`peek` does not set \Seen). */
  | { readonly type: 'BODY[]'; readonly peek: boolean; readonly section: BodySection; readonly partial?: PartialRange }
  /** BINARY[part]<partial> and BINARY.PEEK[...] (RFC 3516). */
  | { readonly type: 'BINARY[]'; readonly peek: boolean; readonly part: readonly number[]; readonly partial?: PartialRange }
  | { readonly type: 'BINARY.SIZE'; readonly part: readonly number[] };

const SIMPLE: ReadonlySet<string> = new Set<FetchSimpleAttribute>([
  'ENVELOPE', 'FLAGS', 'INTERNALDATE', 'RFC822', 'RFC822.HEADER', 'RFC822.SIZE', 'RFC822.TEXT', 'BODYSTRUCTURE', 'UID', 'MODSEQ',
]);

const FAST: readonly FetchAttribute[] = [{ type: 'FLAGS' }, { type: 'INTERNALDATE' }, { type: 'RFC822.SIZE' }];
/** The macros ALL, FAST and FULL (RFC 9051 section 6.4.5). */
export const FETCH_MACROS: Readonly<Record<'ALL' | 'FAST' | 'FULL', readonly FetchAttribute[]>> = {
  FAST,
  ALL: [...FAST, { type: 'ENVELOPE' }],
  FULL: [...FAST, { type: 'ENVELOPE' }, { type: 'BODY' }],
};

function isNameChar(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || isDigit(b) || b === DOT || b === 0x2d;
}

function isSectionWordChar(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === DOT;
}

/** `1.2.3` part numbers; stops before a text part (`1.2.HEADER`). */
function readPart(r: TokenReader): number[] {
  const part: number[] = [];
  while (isDigit(r.peek())) {
    const n = r.digits('a part number');
    if (n === 0 || n > 0xffffffff) r.fail('INVALID_ARGUMENT', 'Part numbers start at 1');
    part.push(n);
    if (r.peek() !== DOT) {
      if (r.peek() !== RBRACKET) r.fail('INVALID_ARGUMENT', `Expected "." or "]" after a part number, found ${r.describeNext()}`);
      break;
    }
    r.char(DOT, '"."');
    if (!isDigit(r.peek())) {
      if (!isSectionWordChar(r.peek())) r.fail('INVALID_ARGUMENT', `Expected a part number or section text after ".", found ${r.describeNext()}`);
      break;
    }
  }
  return part;
}

/** `"[" [section-spec] "]"` (RFC 9051 section 9 `section`). */
function readBodySection(r: TokenReader): BodySection {
  r.char(LBRACKET, '"["');
  const part = readPart(r);
  let section: BodySection = { part };
  if (r.peek() !== RBRACKET) {
    const text = r.word(isSectionWordChar, 'a section such as HEADER or TEXT').toUpperCase();
    if (text === 'HEADER' || text === 'TEXT') section = { part, text };
    else if (text === 'MIME') {
      if (part.length === 0) r.fail('INVALID_ARGUMENT', 'MIME needs a part number, e.g. BODY[1.MIME]');
      section = { part, text };
    } else if (text === 'HEADER.FIELDS' || text === 'HEADER.FIELDS.NOT') {
      r.sp('a list of header field names');
      const fields = r.list('a list of header field names', () => {
        const name = r.astring('a header field name').toString('latin1');
        // field-name = 1*<any CHAR except CTL, SP and ":"> (RFC 5322 section 3.6.8)
        if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) r.fail('INVALID_ARGUMENT', `Invalid header field name ${quoteForText(name)}`);
        return name;
      }, { allowEmpty: false });
      section = { part, text, fields };
    } else {
      r.fail('UNKNOWN_ARGUMENT', `Unknown body section ${quoteForText(text)}`);
    }
  }
  r.char(RBRACKET, '"]" to end the section');
  return section;
}

/** `"[" [section-part] "]"` (RFC 3516 section-binary). */
function readBinarySection(r: TokenReader): number[] {
  r.char(LBRACKET, '"["');
  const part = readPart(r);
  if (r.peek() !== RBRACKET) r.fail('INVALID_ARGUMENT', `BINARY takes part numbers only, found ${r.describeNext()}`);
  r.char(RBRACKET, '"]"');
  return part;
}

/** `"<" number64 "." nz-number64 ">"` (RFC 9051 `partial`). */
function readPartial(r: TokenReader): PartialRange | undefined {
  if (!r.tryChar(LT)) return undefined;
  const offset = r.digits('a partial offset');
  r.char(DOT, '"." and a length in the partial range');
  const length = r.digits('a partial length');
  if (length === 0) r.fail('INVALID_ARGUMENT', 'A partial length must not be zero');
  r.char(GT, '">" to end the partial range');
  return { offset, length };
}

function withPartial<T extends object>(value: T, partial: PartialRange | undefined): T & { partial?: PartialRange } {
  return partial ? { ...value, partial } : value;
}

/** Reads one fetch attribute (RFC 9051 `fetch-att`). */
export function readFetchAttribute(r: TokenReader): FetchAttribute {
  const name = r.word(isNameChar, 'a FETCH attribute').toUpperCase();
  const hasSection = r.peek() === LBRACKET;
  if (SIMPLE.has(name) && !hasSection) return { type: name as FetchSimpleAttribute };
  switch (name) {
    case 'BODY':
    case 'BODY.PEEK':
      if (!hasSection) {
        if (name === 'BODY') return { type: 'BODY' };
        break;
      }
      return withPartial({ type: 'BODY[]', peek: name === 'BODY.PEEK', section: readBodySection(r) } as const, readPartial(r));
    case 'BINARY':
    case 'BINARY.PEEK':
      if (!hasSection) break;
      return withPartial({ type: 'BINARY[]', peek: name === 'BINARY.PEEK', part: readBinarySection(r) } as const, readPartial(r));
    case 'BINARY.SIZE':
      if (!hasSection) break;
      return { type: 'BINARY.SIZE', part: readBinarySection(r) };
    default:
      if (!SIMPLE.has(name)) r.fail('UNKNOWN_ARGUMENT', `Unknown FETCH attribute ${quoteForText(name)}`);
      r.fail('INVALID_ARGUMENT', `FETCH attribute ${name} takes no section`);
  }
  return r.fail('INVALID_ARGUMENT', `FETCH attribute ${name} needs a section, e.g. ${name}[]`);
}

/** `fetch-modifiers = SP "(" fetch-modifier *(SP fetch-modifier) ")"` (RFC 7162 sections 3.1.4, 3.2.6). */
function readModifiers(r: TokenReader, ctx: ParseContext): { changedSince?: number; vanished: boolean } {
  let changedSince: number | undefined;
  let vanished = false;
  r.list('FETCH modifiers', () => {
    const m = r.keyword('a FETCH modifier');
    if (m === 'CHANGEDSINCE') {
      r.sp('a MODSEQ after CHANGEDSINCE');
      changedSince = r.number64('a MODSEQ');
    } else if (m === 'VANISHED') {
      vanished = true;
    } else r.fail('UNKNOWN_ARGUMENT', `Unknown FETCH modifier ${quoteForText(m)}`);
  }, { allowEmpty: false });
  if (vanished && !ctx.uid) r.fail('INVALID_ARGUMENT', 'VANISHED is only allowed in UID FETCH');
  if (vanished && changedSince === undefined) r.fail('INVALID_ARGUMENT', 'VANISHED needs CHANGEDSINCE');
  return changedSince === undefined ? { vanished } : { changedSince, vanished };
}

function readFetch(r: TokenReader, ctx: ParseContext): FetchArgs {
  r.sp('a sequence set');
  const set = sequenceSet.read(r, ctx);
  r.sp('FETCH attributes');
  let macro: FetchArgs['macro'];
  let attributes: FetchAttribute[];
  if (r.peek() === LPAREN) {
    attributes = r.list('FETCH attributes', () => readFetchAttribute(r), { allowEmpty: false });
  } else if (r.peekKeyword('ALL') || r.peekKeyword('FAST') || r.peekKeyword('FULL')) {
    macro = r.keyword() as 'ALL' | 'FAST' | 'FULL';
    attributes = [...FETCH_MACROS[macro]];
  } else {
    attributes = [readFetchAttribute(r)];
  }
  const modifiers = r.trySp() ? readModifiers(r, ctx) : { vanished: false };
  return { set, ...(macro ? { macro } : {}), attributes, ...modifiers };
}

/** The item name of a FETCH response for an attribute: `BODY[HEADER.FIELDS (DATE)]<0>`, `BINARY.SIZE[1]`. */
export function fetchResponseName(att: FetchAttribute, quoteField: (name: string) => string = (n) => n): string {
  switch (att.type) {
    case 'BODY[]': {
      const s = att.section;
      const spec = [s.part.join('.'), s.text ?? ''].filter(Boolean).join('.');
      const fields = s.fields ? ` (${s.fields.map(quoteField).join(' ')})` : '';
      return `BODY[${spec}${fields}]${att.partial ? `<${att.partial.offset}>` : ''}`;
    }
    case 'BINARY[]':
      return `BINARY[${att.part.join('.')}]${att.partial ? `<${att.partial.offset}>` : ''}`;
    case 'BINARY.SIZE':
      return `BINARY.SIZE[${att.part.join('.')}]`;
    default:
      return att.type;
  }
}

export const fetchCommands = {
  FETCH: uidCommand<'FETCH'>(readFetch),
} satisfies Partial<CommandRegistry>;
