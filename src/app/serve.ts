/**
 * `wardpost serve`: every service in one process. Prepares the data folder and certificate,
 * opens the store (running migrations), creates the first national administrator, starts every
 * listener and prints where everything is. SIGTERM/SIGINT drain and close everything cleanly.
 */
import { pino, type Logger } from 'pino';
import type { Config } from '../config/config.js';
import { readFileSync } from 'node:fs';
import { cardDavRealm } from '../protocols/dav/carddav.js';
import { calDavRealm } from '../protocols/dav/caldav.js';
import { registerDav } from '../protocols/dav/webdav.js';
import { createHttpServer } from '../protocols/http/http-server.js';
import { authenticate } from '../protocols/http/api/auth.js';
import { registerJmap } from '../protocols/jmap/routes.js';
import { registerAutoconfig, type ClientSettings } from '../protocols/http/autoconfig.js';
import { startImap } from '../protocols/imap/server.js';
import { startLdap } from '../protocols/ldap/server.js';
import { bootstrapNationalAdmin, ensureDataDir, ensureTlsCertificate } from './bootstrap.js';
import { createMetrics } from './metrics.js';
import { sweepBlobs } from '../core/mail/blob-sweeper.js';
import { openPlatform, type Platform } from './platform.js';
import { startSmtp } from './smtp.js';
import { startSms } from './sms.js';
import { IMAP_PROBE, probeDoors, probeHost, SMTP_PROBE, type DoorProbe } from './health.js';

export interface RunningServer {
  platform: Platform;
  urls: Record<string, string>;
  stop(): Promise<void>;
}

export async function startServer(config: Config, logger: Logger = pino({ level: config.logLevel })): Promise<RunningServer> {
  ensureDataDir(config);
  await ensureTlsCertificate(config);
  const platform = await openPlatform(config);
  const boot = await bootstrapNationalAdmin(platform);
  const metrics = createMetrics(platform);

  const calendarLog = logger.child({ component: 'calendar' });
  platform.services.calendar.useLogger((level, detail, msg) => calendarLog[level](detail, msg));

  // The directory's search index lives in memory: load it before the doors open.
  await platform.services.directory.start();

  let doors: DoorProbe[] | null = null;
  // What auto-configuration tells mail clients: known once every listener has its port.
  let clientSettings: ClientSettings | null = null;
  const http = createHttpServer({
    logger,
    metrics,
    services: platform.services,
    sms: platform.sms,
    mount: [
      (app) => registerDav(app, platform.services, [cardDavRealm(platform.services), calDavRealm(platform.services)]),
      (app) => registerJmap(app, { services: platform.services, transport: platform.transport, authenticate: (req) => authenticate(platform.services, req) }),
      (app) => registerAutoconfig(app, { settings: () => clientSettings, isOurDomain: (d) => platform.transport.recipients.isLocalDomain(d) }),
    ],
    health: async () => {
      await platform.store.ping();
      if (!http.server.listening) throw new Error('http listener down');
      // Until every door is open the answer is 503: the process is not ready for traffic.
      if (!doors) throw new Error('starting: not every listener is open yet');
      return { store: 'ok', http: 'ok', ...(await probeDoors(doors)) };
    },
  });
  await http.listen({ host: config.bind, port: config.ports.http });
  const httpPort = (http.server.address() as { port: number }).port;

  const imap = await startImap(
    {
      services: platform.services,
      logger,
      hostname: config.hostname,
      tls: { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) },
    },
    config.bind,
    { imap: config.ports.imap, imaps: config.ports.imaps },
  );

  const smtp = await startSmtp(platform, logger);
  const ldap = await startLdap(
    { services: platform.services, logger, tls: { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } },
    config.bind,
    { ldap: config.ports.ldap, ldaps: config.ports.ldaps },
  );
  await startSms(platform, logger);

  const local = probeHost(config.bind);
  doors = [
    { name: 'smtp', host: local, port: smtp.ports.smtp, ...SMTP_PROBE },
    { name: 'submission', host: local, port: smtp.ports.submission, ...SMTP_PROBE },
    { name: 'submissions', host: local, port: smtp.ports.submissions, tls: true, ...SMTP_PROBE },
    { name: 'imap', host: local, port: imap.ports.imap, ...IMAP_PROBE },
    { name: 'imaps', host: local, port: imap.ports.imaps, tls: true, ...IMAP_PROBE },
    { name: 'ldap', host: local, port: ldap.port },
    ...(ldap.tlsPort === null ? [] : [{ name: 'ldaps', host: local, port: ldap.tlsPort, tls: true }]),
  ];

  clientSettings = {
    hostname: config.hostname,
    imap: imap.ports.imap,
    imaps: imap.ports.imaps,
    submission: smtp.ports.submission,
    submissions: smtp.ports.submissions,
    davUrl: `http://${config.hostname}:${httpPort}/dav/`,
  };

  const host = config.bind.includes(':') ? `[${config.bind}]` : config.bind;
  const urls = {
    webmail: `http://${host}:${httpPort}/`,
    admin: `http://${host}:${httpPort}/admin/`,
    health: `http://${host}:${httpPort}/healthz`,
    metrics: `http://${host}:${httpPort}/metrics`,
    imap: `imap://${host}:${imap.ports.imap} (STARTTLS)`,
    imaps: `imaps://${host}:${imap.ports.imaps}`,
    smtp: `smtp://${host}:${smtp.ports.smtp} (MX)`,
    submission: `smtp://${host}:${smtp.ports.submission} (STARTTLS, AUTH)`,
    submissions: `smtps://${host}:${smtp.ports.submissions} (implicit TLS, AUTH)`,
    ldap: `ldap://${host}:${ldap.port}/${ldap.baseDn} (read-only directory, simple bind, StartTLS)`,
    ldaps: `ldaps://${host}:${ldap.tlsPort}/${ldap.baseDn}`,
  };
  const banner = [
    `Wardpost is running (${platform.store.engine} store, data in ${config.dataDir})`,
    ...Object.entries(urls).map(([k, v]) => `  ${k.padEnd(8)} ${v}`),
    `  national domain ${config.nationalDomain}, host name ${config.hostname}`,
    `  TLS certificate ${config.tls.certFile}${config.tls.generated ? ' (self-signed)' : ''}`,
  ];
  if (boot.oneTimePassword) {
    banner.push(
      '',
      `  First start: national administrator created.`,
      `    address:  ${boot.adminAddress}`,
      `    one-time password (shown once, must be changed at first sign-in): ${boot.oneTimePassword}`,
    );
  }
  process.stdout.write(`${banner.join('\n')}\n`);
  logger.info({ urls, engine: platform.store.engine }, 'wardpost started');

  platform.webhooks.useLogger((level, detail, msg) => logger[level]({ ...detail, proto: 'webhooks' }, msg));
  platform.webhooks.start();

  // Hourly: deleted accounts whose retention ended are purged, then message bodies nothing refers
  // to any more are removed (after a one-hour grace period).
  const sweeper = setInterval(() => {
    platform.services.deletion
      .purgeDue()
      .then(
        (purged) => purged.length && logger.info({ purged }, 'purged deleted accounts whose retention ended'),
        (err: unknown) => logger.error({ err }, 'account purge failed'),
      )
      .then(() => sweepBlobs(platform.store, { graceMs: 60 * 60 * 1000 }))
      .then(
        (r) => (r.unreferenced || r.orphans) && logger.info(r, 'swept unreferenced message bodies'),
        (err: unknown) => logger.error({ err }, 'blob sweep failed'),
      );
  }, 60 * 60 * 1000);
  sweeper.unref();

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      logger.info('shutting down: closing listeners, draining, closing the store');
      clearInterval(sweeper);
      platform.services.directory.stop();
      await ldap.close();
      await smtp.close();
      await platform.sms.stop();
      await imap.close();
      await http.close();
      await platform.close();
    })();
    return stopping;
  };
  return { platform, urls, stop };
}

/** Runs until SIGTERM or SIGINT, then shuts down and exits 0. */
export async function serveForever(config: Config): Promise<void> {
  const logger = pino({ level: config.logLevel });
  const server = await startServer(config, logger);
  const onSignal = (sig: string) => {
    logger.info({ signal: sig }, 'signal received');
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'unclean shutdown');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  process.once('SIGINT', () => onSignal('SIGINT'));
}
