/** Starts the real `wardpost serve` as a child process and waits for its banner. */
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI } from './cli.js';

export interface ServerProcess {
  child: ChildProcess;
  output: () => string;
  httpUrl: string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function startServe(env: Record<string, string>, timeoutMs = 30_000): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve'], {
      env: { ...process.env, WARDPOST_LOG_LEVEL: 'warn', WARDPOST_HTTP_PORT: '0', WARDPOST_IMAP_PORT: '0', WARDPOST_IMAPS_PORT: '0', WARDPOST_SMTP_PORT: '0', WARDPOST_SUBMISSION_PORT: '0', WARDPOST_SUBMISSIONS_PORT: '0', WARDPOST_LDAP_PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not start within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /health\s+(http:\/\/\S+)\/healthz/.exec(out);
      // Wait for the whole banner (the admin block follows the URLs on a first start).
      if (m && /TLS certificate .*\n/.test(out)) {
        clearTimeout(timer);
        setTimeout(
          () =>
            resolve({
              child,
              output: () => out,
              httpUrl: m[1]!,
              stop: async (signal = 'SIGTERM') => {
                child.kill(signal);
                return exited;
              },
            }),
          50,
        );
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before starting:\n${out}`));
    });
  });
}
