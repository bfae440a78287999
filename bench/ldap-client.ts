/**
 * A minimal LDAPv3 client for the LDAP benchmark: simple bind and search on one connection, one
 * request at a time, filters written as RFC 4515 strings (no escapes needed by the bench).
 */
import net from 'node:net';
import { BerReader, bool, constructed, elementLength, enumerated, int, octets, readInt, readReader, sequence } from '../src/protocols/ldap/proto/ber.js';

/** Encodes an RFC 4515 filter string ("(&(sn=smi*)(!(cn=x)))") as BER. */
export function encodeFilter(s: string): Buffer {
  let i = 0;
  const parse = (): Buffer => {
    if (s[i] !== '(') throw new Error(`filter: expected "(" at ${i} in ${s}`);
    i++;
    const c = s[i];
    let out: Buffer;
    if (c === '&' || c === '|') {
      i++;
      const parts: Buffer[] = [];
      while (s[i] === '(') parts.push(parse());
      out = constructed(c === '&' ? 0xa0 : 0xa1, parts);
    } else if (c === '!') {
      i++;
      out = constructed(0xa2, [parse()]);
    } else {
      const end = s.indexOf(')', i);
      const item = s.slice(i, end);
      i = end;
      const m = /^([^=~<>]+)(~=|>=|<=|=)(.*)$/.exec(item)!;
      const [, attr, op, value] = m as unknown as [string, string, string, string];
      if (op === '=' && value === '*') out = octets(attr, 0x87);
      else if (op === '=' && value.includes('*')) {
        const parts = value.split('*');
        const subs: Buffer[] = [];
        parts.forEach((p, k) => {
          if (!p) return;
          subs.push(octets(p, k === 0 ? 0x80 : k === parts.length - 1 ? 0x82 : 0x81));
        });
        out = constructed(0xa4, [octets(attr), sequence(subs)]);
      } else out = constructed({ '=': 0xa3, '>=': 0xa5, '<=': 0xa6, '~=': 0xa8 }[op]!, [octets(attr), octets(value)]);
    }
    if (s[i] !== ')') throw new Error(`filter: expected ")" at ${i} in ${s}`);
    i++;
    return out;
  };
  return parse();
}

export class BenchLdap {
  private buf: Buffer = Buffer.alloc(0);
  private nextId = 1;
  private pending: { id: number; entries: number; resolve: (r: { code: number; entries: number }) => void; reject: (e: Error) => void } | null = null;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('close', () => this.pending?.reject(new Error('connection closed')));
  }

  static connect(port: number): Promise<BenchLdap> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.setNoDelay(true);
        resolve(new BenchLdap(s));
      });
      s.once('error', reject);
    });
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    for (;;) {
      const len = elementLength(this.buf);
      if (len === null || this.buf.length < len) return;
      const frame = this.buf.subarray(0, len);
      this.buf = this.buf.subarray(len);
      const r = readReader(new BerReader(frame).expect(0x30, 'msg'), 'msg');
      readInt(r.expect(0x02, 'id'), 'id');
      const op = r.next();
      const p = this.pending;
      if (!p) continue;
      if (op.tag === 0x64) p.entries++;
      else if (op.tag === 0x61 || op.tag === 0x65) {
        const code = readInt(readReader(op, 'result').expect(0x0a, 'code'), 'code');
        this.pending = null;
        p.resolve({ code, entries: p.entries });
      }
    }
  }

  private request(op: Buffer): Promise<{ code: number; entries: number }> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending = { id, entries: 0, resolve, reject };
      this.socket.write(sequence([int(id), op]));
    });
  }

  async bind(name: string, password: string): Promise<void> {
    const r = await this.request(constructed(0x60, [int(3), octets(name), octets(password, 0x80)]));
    if (r.code !== 0) throw new Error(`bind as ${name} failed: result ${r.code}`);
  }

  /** Runs one search; resolves with the result code and the number of entries. */
  search(base: string, filter: string, sizeLimit: number, attrs: string[]): Promise<{ code: number; entries: number }> {
    return this.request(constructed(0x63, [octets(base), enumerated(2), enumerated(0), int(sizeLimit), int(0), bool(false), encodeFilter(filter), sequence(attrs.map((a) => octets(a)))]));
  }

  close(): void {
    this.socket.destroy();
  }
}
