/**
 * /healthz: the process is healthy only when every door answers on its port and the store answers
 * a query. A door "answers" when a client can connect (over TLS for the implicit-TLS ports) and,
 * for protocols that greet first, receives the greeting (SMTP 220, RFC 5321 section 4.2; IMAP
 * "* OK", RFC 9051 section 7.1.1); the probe then says goodbye the protocol's way, so the servers
 * log no broken connection. A listening socket whose event loop is wedged, or a closed listener,
 * fails the probe within the timeout.
 */
import net from 'node:net';
import tls from 'node:tls';

export interface DoorProbe {
  name: string;
  host: string;
  port: number;
  tls?: boolean;
  /** What the server says first, if it speaks first; and what the probe sends to leave. */
  greeting?: RegExp;
  goodbye?: string;
}

/** Where a probe connects for a listener bound to `bind` (a wildcard address means loopback). */
export function probeHost(bind: string): string {
  if (bind === '0.0.0.0') return '127.0.0.1';
  if (bind === '::') return '::1';
  return bind;
}

/** Resolves when the door answered; rejects naming it otherwise. */
export function probeDoor(door: DoorProbe, timeoutMs = 3000): Promise<void> {
  return new Promise((resolve, reject) => {
    let heard = '';
    let done = false;
    const socket = door.tls
      ? tls.connect({ host: door.host, port: door.port, rejectUnauthorized: false, servername: door.host === '::1' || net.isIP(door.host) ? undefined : door.host })
      : net.connect({ host: door.host, port: door.port });
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) {
        socket.destroy();
        reject(new Error(`${door.name} (port ${door.port}) does not answer: ${err.message}`));
      } else {
        if (door.goodbye) socket.end(door.goodbye);
        else socket.end();
        resolve();
      }
    };
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    socket.once(door.tls ? 'secureConnect' : 'connect', () => {
      if (!door.greeting) finish();
    });
    socket.on('data', (d: Buffer) => {
      heard += d.toString('latin1');
      if (door.greeting?.test(heard)) finish();
      else if (heard.length > 4096) finish(new Error('unexpected greeting'));
    });
    socket.on('error', (err) => finish(err));
    socket.on('close', () => finish(new Error('connection closed')));
  });
}

/** Probes every door at once; resolves to their names marked ok, or rejects naming each one down. */
export async function probeDoors(doors: DoorProbe[], timeoutMs?: number): Promise<Record<string, 'ok'>> {
  const results = await Promise.allSettled(doors.map((d) => probeDoor(d, timeoutMs)));
  const down = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
  if (down.length) throw new Error(down.join('; '));
  return Object.fromEntries(doors.map((d) => [d.name, 'ok' as const]));
}

/** The greeting and the way out of each protocol the probes speak. */
export const SMTP_PROBE = { greeting: /^220[ -]/m, goodbye: 'QUIT\r\n' };
export const IMAP_PROBE = { greeting: /^\* (OK|PREAUTH)/m, goodbye: 'a LOGOUT\r\n' };
