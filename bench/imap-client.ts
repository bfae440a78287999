/** A small pipelining IMAP client for the benchmark: TLS, tagged commands, literals sent at once (LITERAL+ or after "+"). */
import tls from 'node:tls';

export class BenchImap {
  private chunks: Buffer[] = [];
  private text = '';
  private waiters: (() => void)[] = [];
  private n = 0;
  closed = false;

  private constructor(readonly socket: tls.TLSSocket) {
    socket.on('data', (d: Buffer) => {
      this.text += d.toString('latin1');
      // Bodies are not parsed by the benchmark: past 1 MB only the tail (where the tagged reply is) is kept.
      if (this.text.length > 1 << 20) this.text = this.text.slice(-4096);
      this.waiters.splice(0).forEach((w) => w());
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiters.splice(0).forEach((w) => w());
    });
    socket.on('error', () => undefined);
    void this.chunks;
  }

  static async connect(port: number): Promise<BenchImap> {
    const socket = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', () => resolve());
      socket.on('error', reject);
    });
    const c = new BenchImap(socket);
    await c.until(/^\* OK[^\r\n]*\r\n/m);
    return c;
  }

  private async until(re: RegExp): Promise<string> {
    // Only the new bytes (and a little before them) are searched: responses can be megabytes.
    let from = 0;
    for (;;) {
      const start = Math.max(0, from - 256);
      const m = re.exec(start ? this.text.slice(start) : this.text);
      if (m) m.index += start;
      from = this.text.length;
      if (m) {
        const end = m.index + m[0].length;
        const out = this.text.slice(0, end);
        this.text = this.text.slice(end);
        return out;
      }
      if (this.closed) throw new Error(`closed; got ${this.text.slice(-300)}`);
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  /** Sends a command and resolves with the whole response (checked OK). */
  async cmd(command: string, literal?: Buffer): Promise<string> {
    const tag = `b${++this.n}`;
    if (literal) {
      this.socket.write(`${tag} ${command} {${literal.length}}\r\n`);
      await this.until(/^\+[^\r\n]*\r\n/m);
      this.socket.write(Buffer.concat([literal, Buffer.from('\r\n')]));
    } else {
      this.socket.write(`${tag} ${command}\r\n`);
    }
    const out = await this.until(new RegExp(`\\r?\\n?${tag} (OK|NO|BAD)[^\\r\\n]*\\r\\n`));
    if (!new RegExp(`${tag} OK`).test(out)) throw new Error(`${command.slice(0, 60)}: ${out.slice(-300)}`);
    return out;
  }

  close(): void {
    this.socket.destroy();
  }
}
