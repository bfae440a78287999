/**
 * Starts the SMTP doors (MX, submission with STARTTLS, submission over implicit TLS) and the
 * outbound queue worker for `serve`; stops them in order on shutdown (listeners first, then the
 * queue drains its attempts under way).
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { createInboundServer } from '../protocols/smtp/inbound-server.js';
import { SMTP_LIMITS } from '../protocols/smtp/limits.js';
import { listen, type SmtpListener } from '../protocols/smtp/listener.js';
import { createSubmissionServer } from '../protocols/smtp/submission-server.js';
import type { Platform } from './platform.js';

export interface RunningSmtp {
  ports: { smtp: number; submission: number; submissions: number };
  /** For /healthz: every SMTP listener still accepting connections. */
  listening(): boolean;
  close(): Promise<void>;
}

export async function startSmtp(platform: Platform, logger: Logger): Promise<RunningSmtp> {
  const { config, transport } = platform;
  const log = logger.child({ component: 'smtp' });
  transport.useLogger((level, detail, msg) => log[level](detail, msg));
  const limits = { ...SMTP_LIMITS, transport: transport.limits };
  const door = {
    transport,
    hostname: config.hostname,
    tls: { key: readFileSync(config.tls.keyFile), cert: readFileSync(config.tls.certFile) },
    limits,
    log,
  };
  // Spool files belong to sessions in progress; none survive a restart (their clients got no 250).
  rmSync(path.join(config.dataDir, 'spool'), { recursive: true, force: true });
  const listeners: SmtpListener[] = [];
  try {
    listeners.push(await listen('smtp', createInboundServer(door), config.bind, config.ports.smtp));
    listeners.push(await listen('submission', createSubmissionServer(door, 'starttls'), config.bind, config.ports.submission));
    listeners.push(await listen('submissions', createSubmissionServer(door, 'implicit-tls'), config.bind, config.ports.submissions));
  } catch (err) {
    await Promise.all(listeners.map((l) => l.close()));
    throw err;
  }
  transport.queue.start();
  return {
    ports: { smtp: listeners[0]!.port, submission: listeners[1]!.port, submissions: listeners[2]!.port },
    listening: () => listeners.every((l) => l.server.server.listening),
    async close() {
      await Promise.all(listeners.map((l) => l.close()));
      await transport.queue.stop();
    },
  };
}
