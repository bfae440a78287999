/** Starts the real `wardpost serve` as a child process and waits for its banner. */
import { spawn, type ChildProcess } from 'node:child_process';
import { pino } from 'pino';
import { ANY_FREE_PORTS, loadConfig, type Config } from '../../src/config/config.js';
import { startServer, type RunningServer } from '../../src/app/serve.js';
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
      env: { ...process.env, WARDPOST_LOG_LEVEL: 'warn', ...ANY_FREE_PORTS, ...env },
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

/**
 * Starts the real server in this process on free ports, without printing its banner (it is for
 * people; test output stays readable). `env` adds or overrides variables (data folder, routes...).
 */
export async function startQuietServer(env: Record<string, string>): Promise<{ server: RunningServer; config: Config }> {
  const config = loadConfig({ ...ANY_FREE_PORTS, WARDPOST_LOG_LEVEL: 'warn', ...env });
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return { server: await startServer(config, pino({ level: 'warn' })), config };
  } finally {
    process.stdout.write = write;
  }
}
