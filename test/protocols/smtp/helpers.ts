/**
 * SMTP test fixture: the real server in-process (every port 0, fresh data folder), a sink SMTP
 * server on loopback standing in for other mail servers, swaks and a raw socket client.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import type { RunningServer } from '../../../src/app/serve.js';
import { startQuietServer } from '../../helpers/server.js';
import { SYSTEM_ACTOR } from '../../../src/core/actor.js';
import { readAll } from '../../helpers/messages.js';

export const PASSWORD = 'Correct-Horse-Battery-9';
export const REQUIRE_PEERS = process.env.WARDPOST_REQUIRE_PEERS === '1';

/** Throws (with WARDPOST_REQUIRE_PEERS=1) or returns a skip reason when a peer command is missing. */
export function peerMissing(cmd: string, pkg: string): string | null {
  if (spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0) return null;
  const msg = `${cmd} is missing (apt-get install ${pkg})`;
  if (REQUIRE_PEERS) throw new Error(`${msg}; WARDPOST_REQUIRE_PEERS=1: a missing peer is a failure`);
  return msg;
}

export interface SinkMessage {
  from: string;
  to: string[];
  raw: Buffer;
}

/** A second SMTP server on loopback: records what it accepts; recipients can be made to fail. */
export class Sink {
  readonly messages: SinkMessage[] = [];
  /** address -> replies to give at RCPT, one per attempt ('ok' accepts). */
  readonly script = new Map<string, string[]>();
  readonly server: SMTPServer;
  port = 0;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      onRcptTo: (addr, _s, cb) => {
        const steps = this.script.get(addr.address);
        const step = steps?.shift() ?? 'ok';
        if (step === 'ok') return cb();
        const code = Number(step.slice(0, 3));
        cb(Object.assign(new Error(step.slice(4)), { responseCode: code }));
      },
      onData: (stream, s, cb) => {
        readAll(stream).then((raw) => {
          this.messages.push({ from: s.envelope.mailFrom ? s.envelope.mailFrom.address : '', to: s.envelope.rcptTo.map((r) => r.address), raw });
          cb();
        }, cb);
      },
    });
  }

  async start(): Promise<number> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.server.address() as net.AddressInfo).port;
    return this.port;
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

export interface SmtpFixture {
  server: RunningServer;
  dataDir: string;
  ports: { smtp: number; submission: number; submissions: number };
  sink: Sink;
  user(local: string): Promise<{ address: string; id: number }>;
  /** Subjects of the messages in a folder of an account, oldest first. */
  folder(address: string, name?: string): Promise<{ subject: string; raw: Buffer }[]>;
  stop(): Promise<void>;
}

let counter = 0;

export async function startSmtpFixture(env: Record<string, string> = {}): Promise<SmtpFixture> {
  const sink = new Sink();
  const sinkPort = await sink.start();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wp-smtp-'));
  const { server } = await startQuietServer({
    WARDPOST_DATA_DIR: dataDir,
    WARDPOST_SMTP_ROUTES: `sink.test=127.0.0.1:${sinkPort},down.test=127.0.0.1:1`,
    WARDPOST_QUEUE_RETRY_MS: '300',
    ...env,
  });
  const port = (key: string) => Number(/:(\d+)/.exec(server.urls[key]!.replace(/^\w+:\/\/[^:]+/, ''))![1]);
  const { services, store } = server.platform;
  return {
    server,
    dataDir,
    sink,
    ports: { smtp: port('smtp'), submission: port('submission'), submissions: port('submissions') },
    async user(local) {
      const address = `${local}@wardpost.test`;
      const a = await services.accounts.create({ address, orgSlug: 'national', name: `Test Person${++counter}x ${local.replace(/[^a-z]/gi, '') || 'x'}`, password: PASSWORD }, SYSTEM_ACTOR);
      return { address, id: a.id };
    },
    async folder(address, name = 'INBOX') {
      const acct = await store.accounts.resolve(address);
      const mb = await store.mailboxes.byName(acct!.id, name);
      const out: { subject: string; raw: Buffer }[] = [];
      for (const m of await store.messages.list(mb!.id)) {
        const meta = await store.messageMeta.get(m.blob_hash);
        out.push({ subject: meta?.subject ?? '', raw: await readAll(store.blobs.get(m.blob_hash)) });
      }
      return out;
    },
    async stop() {
      await server.stop();
      await sink.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface SwaksResult {
  code: number | null;
  out: string;
  /** Server replies that were errors ("<** 550 5.1.1 ..."). */
  errors: string[];
}

/** Runs swaks (Debian package swaks) with the given arguments. */
export function swaks(args: string[], input?: string): Promise<SwaksResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('swaks', ['--timeout', '20', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, errors: out.split('\n').filter((l) => /^\s*<(\*\*|~\*)/.test(l)).map((l) => l.replace(/^\s*<(\*\*|~\*)\s*/, '')) }));
    child.stdin.end(input ?? '');
  });
}

/** A bare SMTP conversation over a socket: send exactly these bytes, read the replies. */
export class RawSmtp {
  private buf = '';
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d) => {
      this.buf += d.toString('latin1');
      this.waiters.splice(0).forEach((w) => w());
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiters.splice(0).forEach((w) => w());
    });
    socket.on('error', () => undefined);
  }

  static async connect(port: number): Promise<RawSmtp> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    return new RawSmtp(socket);
  }

  /** The next complete reply (all its lines), e.g. "250 2.0.0 accepted". */
  async reply(timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = /^((?:\d{3}-[^\r\n]*\r\n)*\d{3}(?: [^\r\n]*)?\r\n)/.exec(this.buf);
      if (m) {
        this.buf = this.buf.slice(m[1]!.length);
        return m[1]!.trimEnd();
      }
      if (this.closed) return '';
      if (Date.now() > deadline) throw new Error(`no reply within ${timeoutMs} ms (have ${JSON.stringify(this.buf)})`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 200);
      });
    }
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  async command(line: string): Promise<string> {
    this.write(`${line}\r\n`);
    return this.reply();
  }

  close(): void {
    this.socket.destroy();
  }
}
