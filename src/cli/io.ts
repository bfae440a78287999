/** Shared CLI plumbing: opening the platform for one command, output, errors and stdin. */
import { ConfigError, loadConfig } from '../config/config.js';
import { isWardpostError } from '../core/errors.js';
import { ensureDataDir } from '../app/bootstrap.js';
import { openPlatform, type Platform } from '../app/platform.js';

/** Runs a command against the configured store and closes it; failures become one stderr line and exit 1. */
export async function withPlatform(fn: (p: Platform) => Promise<void>): Promise<void> {
  let platform: Platform | undefined;
  try {
    const config = loadConfig();
    ensureDataDir(config);
    platform = await openPlatform(config);
    await fn(platform);
  } catch (err) {
    fail(err);
  } finally {
    await platform?.close().catch(() => undefined);
  }
}

export function fail(err: unknown): void {
  let msg: string;
  if (isWardpostError(err) || err instanceof ConfigError) msg = err.message;
  else if (err instanceof Error) msg = `internal error: ${err.message}`;
  else msg = `internal error: ${String(err)}`;
  process.stderr.write(`wardpost: ${msg.replace(/\s+/g, ' ')}\n`);
  process.exitCode = 1;
}

export function print(json: boolean, data: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${text()}\n`);
}

/** The whole of standard input, less one trailing newline (what `echo pw |` adds). */
export async function readStdinSecret(): Promise<string> {
  if (process.stdin.isTTY) {
    throw Object.assign(new Error('--password-stdin reads the password from standard input: pipe it in (printf %s "$PW" | wardpost ...)'), {});
  }
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export function table(rows: string[][]): string {
  if (!rows.length) return '';
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}
