/** A minimal raw IMAP client over TLS for tests: send a command, collect lines until its tagged reply. */
import tls from 'node:tls';

export class RawImap {
  private buf = '';
  private waiters: (() => void)[] = [];
  private n = 0;
  closed = false;

  private constructor(readonly socket: tls.TLSSocket) {
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      this.buf += d;
      this.waiters.splice(0).forEach((w) => w());
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiters.splice(0).forEach((w) => w());
    });
    socket.on('error', () => undefined);
  }

  static async connect(port: number, host = '127.0.0.1'): Promise<RawImap> {
    const socket = tls.connect({ port, host, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', () => resolve());
      socket.once('error', reject);
    });
    const c = new RawImap(socket);
    await c.waitFor(/^\* OK .*\r\n/m);
    return c;
  }

  /** Waits until the buffer matches `re`; returns and consumes everything up to the end of the match. */
  async waitFor(re: RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = re.exec(this.buf);
      if (m) {
        const end = m.index + m[0].length;
        const out = this.buf.slice(0, end);
        this.buf = this.buf.slice(end);
        return out;
      }
      if (this.closed) throw new Error(`connection closed while waiting for ${re}; got: ${this.buf.slice(0, 500)}`);
      if (Date.now() > deadline) throw new Error(`timeout waiting for ${re}; got: ${this.buf.slice(0, 500)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Sends `tag command` and resolves with all lines up to and including the tagged reply. */
  async cmd(text: string, timeoutMs?: number): Promise<string> {
    const tag = `t${++this.n}`;
    this.socket.write(`${tag} ${text}\r\n`);
    return this.waitFor(new RegExp(`^${tag} (OK|NO|BAD)[^\\r\\n]*\\r\\n`, 'm'), timeoutMs);
  }

  write(text: string): void {
    this.socket.write(text);
  }

  async login(user: string, password: string): Promise<void> {
    const r = await this.cmd(`LOGIN ${user} "${password}"`);
    if (!/^t\d+ OK/m.test(r)) throw new Error(`login failed: ${r}`);
  }

  /** Bytes received but not consumed yet. */
  pending(): string {
    return this.buf;
  }

  close(): void {
    this.socket.destroy();
  }
}
