/**
 * A Sieve parser (RFC 5228 section 8: lexical tokens and grammar) producing a small syntax tree.
 * No npm Sieve library was available, so this covers the whole base grammar: quoted and
 * multi-line strings, string lists, numbers with K/M/G, tags, test lists, blocks and comments.
 */
export type Arg = { kind: 'string'; value: string } | { kind: 'list'; value: string[] } | { kind: 'number'; value: number } | { kind: 'tag'; value: string };

export interface Test {
  name: string;
  args: Arg[];
  tests: Test[];
}

export interface Command {
  name: string;
  args: Arg[];
  tests: Test[];
  block: Command[] | null;
  line: number;
}

export class SieveSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

type Token = { t: 'id' | 'tag' | 'num' | 'str' | 'punct'; v: string; n?: number; line: number };

const MULT: Record<string, number> = { K: 1024, M: 1024 * 1024, G: 1024 * 1024 * 1024 };

/** RFC 5228 section 2.4.2: quoted strings unescape \\ and \" (other backslashes are dropped). */
function unquote(s: string): string {
  return s.replace(/\\(.)/gs, '$1');
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  const err = (m: string) => new SieveSyntaxError(m, line);
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') i++;
    else if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) throw err('unterminated comment');
      line += (src.slice(i, end).match(/\n/g) ?? []).length;
      i = end + 2;
    } else if (c === '"') {
      let j = i + 1;
      let v = '';
      while (j < src.length && src[j] !== '"') {
        if (src[j] === '\\' && j + 1 < src.length) {
          v += src.slice(j, j + 2);
          j += 2;
        } else v += src[j++];
      }
      if (j >= src.length) throw err('unterminated string');
      line += (v.match(/\n/g) ?? []).length;
      out.push({ t: 'str', v: unquote(v), line });
      i = j + 1;
    } else if (/[0-9]/.test(c)) {
      const m = /^([0-9]+)([KMG])?/i.exec(src.slice(i))!;
      out.push({ t: 'num', v: m[0], n: Number(m[1]) * (m[2] ? MULT[m[2].toUpperCase()]! : 1), line });
      i += m[0].length;
    } else if (c === ':' && /[A-Za-z_]/.test(src[i + 1] ?? '')) {
      const m = /^:[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      out.push({ t: 'tag', v: m[0].slice(1).toLowerCase(), line });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      const word = m[0];
      i += word.length;
      if (word.toLowerCase() === 'text' && src[i] === ':') {
        // Multi-line string (RFC 5228 section 2.4.2): to a line holding a single ".", dot-stuffed.
        const nl = src.indexOf('\n', i);
        if (nl < 0) throw err('text: must be followed by a line break');
        const endRe = /\r?\n\.\r?(\n|$)/g;
        endRe.lastIndex = nl;
        const m2 = endRe.exec(src);
        if (!m2) throw err('multi-line string without a closing "."');
        const body = src.slice(nl + 1, m2.index);
        const value = nl + 1 > m2.index ? '' : `${body.replace(/\r?\n/g, '\n').replace(/^\.\./gm, '.').replace(/\n/g, '\r\n')}\r\n`;
        out.push({ t: 'str', v: value, line });
        line += (src.slice(i, m2.index + m2[0].length).match(/\n/g) ?? []).length;
        i = m2.index + m2[0].length;
      } else out.push({ t: 'id', v: word.toLowerCase(), line });
    } else if ('[](){},;'.includes(c)) {
      out.push({ t: 'punct', v: c, line });
      i++;
    } else throw err(`unexpected character "${c}"`);
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  private peek(): Token | undefined {
    return this.toks[this.i];
  }
  private line(): number {
    return this.peek()?.line ?? this.toks[this.toks.length - 1]?.line ?? 1;
  }
  private expect(v: string): void {
    const t = this.toks[this.i++];
    if (!t || t.t !== 'punct' || t.v !== v) throw new SieveSyntaxError(`expected "${v}"${t ? ` but found "${t.v}"` : ' at the end'}`, t?.line ?? this.line());
  }
  private isPunct(v: string): boolean {
    const t = this.peek();
    return !!t && t.t === 'punct' && t.v === v;
  }

  commands(top: boolean): Command[] {
    const out: Command[] = [];
    while (this.peek() && !(this.isPunct('}') && !top)) out.push(this.command());
    return out;
  }

  private command(): Command {
    const t = this.toks[this.i++]!;
    if (t.t !== 'id') throw new SieveSyntaxError(`expected a command but found "${t.v}"`, t.line);
    const args = this.args();
    const tests = this.testsOf();
    let block: Command[] | null = null;
    if (this.isPunct('{')) {
      this.i++;
      block = this.commands(false);
      this.expect('}');
    } else this.expect(';');
    return { name: t.v, args, tests, block, line: t.line };
  }

  private args(): Arg[] {
    const out: Arg[] = [];
    for (;;) {
      const t = this.peek();
      if (!t) return out;
      if (t.t === 'str') out.push({ kind: 'string', value: t.v });
      else if (t.t === 'num') out.push({ kind: 'number', value: t.n! });
      else if (t.t === 'tag') out.push({ kind: 'tag', value: t.v });
      else if (t.t === 'punct' && t.v === '[') {
        this.i++;
        const list: string[] = [];
        for (;;) {
          const s = this.toks[this.i++];
          if (!s || s.t !== 'str') throw new SieveSyntaxError('a string list holds strings', s?.line ?? this.line());
          list.push(s.v);
          if (this.isPunct(',')) this.i++;
          else break;
        }
        this.expect(']');
        out.push({ kind: 'list', value: list });
        continue;
      } else return out;
      this.i++;
    }
  }

  private testsOf(): Test[] {
    if (this.isPunct('(')) {
      this.i++;
      const list = [this.test()];
      while (this.isPunct(',')) {
        this.i++;
        list.push(this.test());
      }
      this.expect(')');
      return list;
    }
    const t = this.peek();
    return t && t.t === 'id' ? [this.test()] : [];
  }

  private test(): Test {
    const t = this.toks[this.i++];
    if (!t || t.t !== 'id') throw new SieveSyntaxError('expected a test', t?.line ?? this.line());
    return { name: t.v, args: this.args(), tests: this.testsOf() };
  }
}

/** Parses a script into commands; throws SieveSyntaxError naming the line. */
export function parseSieve(src: string): Command[] {
  return new Parser(tokenize(src)).commands(true);
}
