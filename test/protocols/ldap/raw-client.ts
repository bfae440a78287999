/** A raw LDAP client over a socket, for tests that need bytes a real client would never send. */
import net from 'node:net';
import { BerReader, elementLength, octets, readInt, readReader, readString, sequence, int, bool, constructed, enumerated } from '../../../src/protocols/ldap/proto/ber.js';

export interface Reply {
  messageId: number;
  tag: number;
  /** resultCode for responses carrying an LDAPResult (not SearchResultEntry). */
  code: number | null;
  message: string | null;
  /** For SearchResultEntry: the DN. For ExtendedResponse: responseName or value. */
  dn: string | null;
  responseName: string | null;
  responseValue: string | null;
  controls: { oid: string; value: Buffer | null }[];
}

/** Decodes one LDAPMessage the server sent; throws when it is not well formed. */
export function decodeReply(frame: Buffer): Reply {
  const outer = new BerReader(frame);
  const r = readReader(outer.expect(0x30, 'LDAPMessage'), 'LDAPMessage');
  outer.end('LDAPMessage');
  const messageId = readInt(r.expect(0x02, 'id'), 'id');
  const op = r.next();
  const reply: Reply = { messageId, tag: op.tag, code: null, message: null, dn: null, responseName: null, responseValue: null, controls: [] };
  const body = readReader(op, 'op');
  if (op.tag === 0x64) {
    reply.dn = readString(body.expect(0x04, 'dn'), 'dn');
    const attrs = readReader(body.expect(0x30, 'attrs'), 'attrs');
    while (!attrs.done) {
      const a = readReader(attrs.expect(0x30, 'attr'), 'attr');
      readString(a.expect(0x04, 'type'), 'type');
      const vals = readReader(a.expect(0x31, 'vals'), 'vals');
      while (!vals.done) readString(vals.expect(0x04, 'val'), 'val');
    }
  } else {
    reply.code = readInt(body.expect(0x0a, 'code'), 'code');
    readString(body.expect(0x04, 'matched'), 'matched');
    reply.message = readString(body.expect(0x04, 'message'), 'message');
    if (body.peekTag() === 0x8a) reply.responseName = readString(body.next(), 'name');
    if (body.peekTag() === 0x8b) reply.responseValue = readString(body.next(), 'value');
  }
  body.end('op');
  if (!r.done) {
    const cs = readReader(r.expect(0xa0, 'controls'), 'controls');
    while (!cs.done) {
      const c = readReader(cs.expect(0x30, 'control'), 'control');
      const oid = readString(c.expect(0x04, 'oid'), 'oid');
      if (c.peekTag() === 0x01) c.next();
      reply.controls.push({ oid, value: c.peekTag() === 0x04 ? Buffer.from(c.next().value) : null });
    }
  }
  r.end('LDAPMessage');
  return reply;
}

export class RawClient {
  private buf = Buffer.alloc(0);
  readonly replies: Reply[] = [];
  /** Server messages that did not decode (must stay empty). */
  readonly malformed: string[] = [];
  closed = false;
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      for (;;) {
        const len = elementLength(this.buf);
        if (len === null || this.buf.length < len) break;
        try {
          this.replies.push(decodeReply(this.buf.subarray(0, len)));
        } catch (err) {
          this.malformed.push(`${(err as Error).message}: ${this.buf.subarray(0, len).toString('hex')}`);
        }
        this.buf = this.buf.subarray(len);
      }
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** A client over a socket already connected (a TLS socket after StartTLS, or to LDAPS). */
  static over(socket: net.Socket): RawClient {
    return new RawClient(socket);
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  send(bytes: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** Waits until `pred` holds, the connection closes, or the timeout passes; returns whether pred held. */
  async until(pred: (replies: Reply[]) => boolean, timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!pred(this.replies)) {
      if (this.closed || Date.now() > deadline) return pred(this.replies);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
    return true;
  }

  /** Waits for the response(s) to `id` ending with a non-entry response. */
  async result(id: number, timeoutMs = 5000): Promise<Reply | undefined> {
    await this.until((rs) => rs.some((r) => r.messageId === id && r.tag !== 0x64), timeoutMs);
    return this.replies.find((r) => r.messageId === id && r.tag !== 0x64);
  }

  close(): void {
    this.socket.destroy();
  }
}

// ---- request builders ----

const msg = (id: number, op: Buffer, controls?: Buffer) => sequence([int(id), op, ...(controls ? [controls] : [])]);
export const bindRequest = (id: number, name: string, password: string) => msg(id, constructed(0x60, [int(3), octets(name), octets(password, 0x80)]));
export const presentFilter = (attr: string) => octets(attr, 0x87);
export const eqFilter = (attr: string, value: string) => constructed(0xa3, [octets(attr), octets(value)]);
export function searchRequest(id: number, base: string, filter: Buffer, opts: { scope?: number; sizeLimit?: number; attrs?: string[]; controls?: Buffer } = {}): Buffer {
  return msg(
    id,
    constructed(0x63, [octets(base), enumerated(opts.scope ?? 2), enumerated(0), int(opts.sizeLimit ?? 0), int(0), bool(false), filter, sequence((opts.attrs ?? []).map((a) => octets(a)))]),
    opts.controls,
  );
}
export const pagedControl = (size: number, cookie: Buffer, critical = false) =>
  constructed(0xa0, [sequence([octets('1.2.840.113556.1.4.319'), ...(critical ? [bool(true)] : []), octets(sequence([int(size), octets(cookie)]))])]);
export const criticalControl = (oid: string) => constructed(0xa0, [sequence([octets(oid), bool(true)])]);
export const extendedRequest = (id: number, oid: string) => msg(id, constructed(0x77, [octets(oid, 0x80)]));
export const abandonRequest = (id: number, target: number) => msg(id, Buffer.concat([Buffer.from([0x50]), Buffer.from([1, target])]));
export const unbindRequest = (id: number) => msg(id, Buffer.from([0x42, 0]));
export const deleteRequest = (id: number, dn: string) => msg(id, octets(dn, 0x4a));
