/**
 * Configuration: the only reader of process.env. Every variable of CONTRACT.md is parsed and
 * validated here; a bad value stops start-up with a message naming the variable and what it accepts.
 */
import path from 'node:path';
import { z } from 'zod';

const port = (name: string, dflt: number) =>
  z.coerce
    .number({ error: `${name} must be a TCP port number (0-65535)` })
    .int(`${name} must be a whole number`)
    .min(0, `${name} must be between 0 and 65535`)
    .max(65535, `${name} must be between 0 and 65535`)
    .default(dflt);

const hostname = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i, 'must be a DNS host name such as mail.example.org');

const count = (name: string, min: number, max: number, dflt: number) =>
  z.coerce
    .number({ error: `${name} must be a whole number` })
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`)
    .default(dflt);

const EnvSchema = z.object({
  WARDPOST_DATA_DIR: z.string().min(1).default('./data'),
  WARDPOST_DATABASE_URL: z
    .string()
    .refine((v) => v === '' || /^(postgres|postgresql):\/\//.test(v) || /^sqlite:/.test(v), 'must be a postgres://... URL or sqlite:PATH')
    .optional(),
  WARDPOST_NATIONAL_DOMAIN: hostname.default('wardpost.test'),
  WARDPOST_HOSTNAME: hostname.default('localhost'),
  WARDPOST_BIND: z.string().refine((v) => /^[0-9a-f:.]+$/i.test(v) || v === 'localhost', 'must be an IP address such as 127.0.0.1 or ::').default('127.0.0.1'),
  WARDPOST_SMTP_PORT: port('WARDPOST_SMTP_PORT', 2525),
  WARDPOST_SUBMISSION_PORT: port('WARDPOST_SUBMISSION_PORT', 5587),
  WARDPOST_SUBMISSIONS_PORT: port('WARDPOST_SUBMISSIONS_PORT', 5465),
  WARDPOST_IMAP_PORT: port('WARDPOST_IMAP_PORT', 1143),
  WARDPOST_IMAPS_PORT: port('WARDPOST_IMAPS_PORT', 1993),
  WARDPOST_HTTP_PORT: port('WARDPOST_HTTP_PORT', 8080),
  WARDPOST_LDAP_PORT: port('WARDPOST_LDAP_PORT', 1389),
  WARDPOST_LDAPS_PORT: port('WARDPOST_LDAPS_PORT', 1636),
  WARDPOST_TLS_CERT: z.string().optional(),
  WARDPOST_TLS_KEY: z.string().optional(),
  WARDPOST_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WARDPOST_SMTP_ROUTES: z.string().optional(),
  WARDPOST_QUEUE_RETRY_MS: z.coerce
    .number({ error: 'WARDPOST_QUEUE_RETRY_MS must be a number of milliseconds' })
    .int('WARDPOST_QUEUE_RETRY_MS must be a whole number of milliseconds')
    .min(100, 'WARDPOST_QUEUE_RETRY_MS must be at least 100')
    .default(60_000),
  WARDPOST_QUEUE_EXPIRY_HOURS: z.coerce
    .number({ error: 'WARDPOST_QUEUE_EXPIRY_HOURS must be a number of hours' })
    .positive('WARDPOST_QUEUE_EXPIRY_HOURS must be more than 0')
    .default(120),
  WARDPOST_SMPP_URL: z.string().regex(/^s?smpp:\/\/[^\s/:]+(:\d{1,5})?\/?$/i, 'must be smpp://HOST:PORT (or ssmpp:// for TLS), e.g. smpp://smsc.example.org:2775').optional(),
  WARDPOST_SMPP_SYSTEM_ID: z.string().max(16, 'WARDPOST_SMPP_SYSTEM_ID must be at most 16 characters (SMPP 3.4 system_id)').optional(),
  WARDPOST_SMPP_PASSWORD: z.string().max(9, 'WARDPOST_SMPP_PASSWORD must be at most 9 characters (SMPP 3.4 password)').optional(),
  WARDPOST_SMPP_SYSTEM_TYPE: z.string().max(13, 'WARDPOST_SMPP_SYSTEM_TYPE must be at most 13 characters').default(''),
  WARDPOST_SMPP_WINDOW: count('WARDPOST_SMPP_WINDOW', 1, 1000, 10),
  WARDPOST_SMPP_THROUGHPUT: count('WARDPOST_SMPP_THROUGHPUT', 1, 100_000, 100),
  WARDPOST_SMPP_ENQUIRE_LINK_SECONDS: count('WARDPOST_SMPP_ENQUIRE_LINK_SECONDS', 1, 3600, 30),
  WARDPOST_SMPP_RECONNECT_MS: count('WARDPOST_SMPP_RECONNECT_MS', 10, 600_000, 1000),
  WARDPOST_SMS_HTTP_URL: z.string().url('must be an http(s):// URL of the provider\'s send endpoint').optional(),
  WARDPOST_SMS_HTTP_TOKEN: z.string().optional(),
  WARDPOST_SMS_HTTP_CALLBACK_TOKEN: z.string().min(16, 'WARDPOST_SMS_HTTP_CALLBACK_TOKEN must be at least 16 characters (the provider sends it as a bearer token)').optional(),
  WARDPOST_SMS_DOMAIN: hostname.optional(),
  WARDPOST_SMS_SENDER_ID: z.string().regex(/^(?=.*[A-Za-z])[A-Za-z0-9 .&-]{1,11}$|^\+?\d{3,15}$/, 'must be up to 11 letters and digits (with a letter) or a number').default('Wardpost'),
  WARDPOST_SMS_COUNTRY: z.string().regex(/^[A-Z]{2}$/, 'must be a two-letter country code such as GB').default('GB'),
  WARDPOST_SMS_RETRY_MS: count('WARDPOST_SMS_RETRY_MS', 100, 86_400_000, 30_000),
  WARDPOST_SMS_EXPIRY_HOURS: z.coerce.number({ error: 'WARDPOST_SMS_EXPIRY_HOURS must be a number of hours' }).positive('WARDPOST_SMS_EXPIRY_HOURS must be more than 0').default(24),
  WARDPOST_WEBHOOK_RETRY_MS: count('WARDPOST_WEBHOOK_RETRY_MS', 100, 86_400_000, 30_000),
  WARDPOST_DIRECTORY_CACHE_ENTRIES: count('WARDPOST_DIRECTORY_CACHE_ENTRIES', 0, 5_000_000, 100_000),
  WARDPOST_WEBHOOK_ALLOW_PRIVATE: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((x) => x.trim()).filter(Boolean))
    .refine((list) => list.every((x) => /^[0-9a-f:.]+(\/\d{1,3})?$/i.test(x) || /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/i.test(x)), 'must be a comma-separated list of host names, addresses or CIDR ranges, e.g. 10.20.0.0/16,tie.trust.nhs.example'),
});

/** One static outbound route: mail for `domain` goes to host:port instead of the domain's MX. */
export interface SmtpRoute {
  host: string;
  port: number;
}

/**
 * Parses WARDPOST_SMTP_ROUTES: "example.org=127.0.0.1:2526,other.test=mx.local:25". A domain of
 * "*" routes every domain without its own entry (a smarthost).
 */
export function parseSmtpRoutes(value: string | undefined): Record<string, SmtpRoute> {
  const out: Record<string, SmtpRoute> = {};
  if (!value) return out;
  for (const item of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\*|[a-z0-9.-]+)=(\[[0-9a-f:.]+\]|[a-z0-9.-]+):(\d{1,5})$/i.exec(item);
    const port = m ? Number(m[3]) : NaN;
    if (!m || port < 1 || port > 65535) {
      throw new ConfigError(`invalid WARDPOST_SMTP_ROUTES=${JSON.stringify(value)}: "${item}" is not DOMAIN=HOST:PORT (expected e.g. example.org=127.0.0.1:2526,other.test=mx.local:25)`);
    }
    out[m[1]!.toLowerCase()] = { host: m[2]!.replace(/^\[|\]$/g, ''), port };
  }
  return out;
}

/**
 * Every listener's port variable set to 0 (any free port; the banner prints the real ones). Tests and
 * benchmarks start servers side by side with it; derived from the schema, so a new listener is covered.
 */
export const ANY_FREE_PORTS: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(Object.keys(EnvSchema.shape).filter((k) => k.endsWith('_PORT')).map((k) => [k, '0'])),
);

export interface Config {
  dataDir: string;
  database: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };
  nationalDomain: string;
  hostname: string;
  bind: string;
  ports: { smtp: number; submission: number; submissions: number; imap: number; imaps: number; http: number; ldap: number; ldaps: number };
  tls: { certFile: string; keyFile: string; generated: boolean };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Outbound mail transport: static routes (tests, smarthost) and the retry schedule. */
  smtp: { routes: Record<string, SmtpRoute>; retryBaseMs: number; expiryMs: number };
  /** SMS: the gateway (SMPP, an HTTP provider, or none), email-to-SMS domain, defaults and retry schedule. */
  sms: SmsConfig;
  /** Webhooks for account events: the first retry's wait (each further one doubles). */
  webhooks: { retryBaseMs: number; allowPrivate: string[] };
  /** Directory entries kept in memory, most recently read (about 2.6 KB each with their LDAP form). */
  directory: { cacheEntries: number };
}

export type SmsGatewayConfig =
  | { kind: 'none' }
  | { kind: 'smpp'; url: string; systemId: string; password: string; systemType: string; window: number; throughput: number; enquireLinkMs: number; reconnectMs: number }
  | { kind: 'http'; url: string; token: string; callbackToken: string | null };

export interface SmsConfig {
  gateway: SmsGatewayConfig;
  domain: string;
  senderId: string;
  country: string;
  retryBaseMs: number;
  expiryMs: number;
}

function smsGateway(e: z.infer<typeof EnvSchema>): SmsGatewayConfig {
  if (e.WARDPOST_SMPP_URL && e.WARDPOST_SMS_HTTP_URL) throw new ConfigError('invalid WARDPOST_SMS_HTTP_URL: set either WARDPOST_SMPP_URL (an SMS centre) or WARDPOST_SMS_HTTP_URL (an HTTP provider), not both');
  if (e.WARDPOST_SMPP_URL) {
    if (!e.WARDPOST_SMPP_SYSTEM_ID) throw new ConfigError('invalid WARDPOST_SMPP_SYSTEM_ID="": WARDPOST_SMPP_URL is set, so the SMPP system_id to bind with is needed too');
    if (e.WARDPOST_SMPP_PASSWORD === undefined) throw new ConfigError('invalid WARDPOST_SMPP_PASSWORD="": WARDPOST_SMPP_URL is set, so the SMPP password to bind with is needed too');
    return {
      kind: 'smpp',
      url: e.WARDPOST_SMPP_URL,
      systemId: e.WARDPOST_SMPP_SYSTEM_ID,
      password: e.WARDPOST_SMPP_PASSWORD,
      systemType: e.WARDPOST_SMPP_SYSTEM_TYPE,
      window: e.WARDPOST_SMPP_WINDOW,
      throughput: e.WARDPOST_SMPP_THROUGHPUT,
      enquireLinkMs: e.WARDPOST_SMPP_ENQUIRE_LINK_SECONDS * 1000,
      reconnectMs: e.WARDPOST_SMPP_RECONNECT_MS,
    };
  }
  if (e.WARDPOST_SMS_HTTP_URL) {
    if (!e.WARDPOST_SMS_HTTP_TOKEN) throw new ConfigError('invalid WARDPOST_SMS_HTTP_TOKEN="": WARDPOST_SMS_HTTP_URL is set, so the provider\'s API token is needed too');
    return { kind: 'http', url: e.WARDPOST_SMS_HTTP_URL, token: e.WARDPOST_SMS_HTTP_TOKEN, callbackToken: e.WARDPOST_SMS_HTTP_CALLBACK_TOKEN ?? null };
  }
  return { kind: 'none' };
}

/** Raised when the environment holds a value Wardpost cannot use; the message names the variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment (defaults per CONTRACT.md). Throws ConfigError naming the bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Treat empty strings as unset, as shells make it easy to export an empty variable.
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') cleaned[key] = v;
  }
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`invalid ${name}=${JSON.stringify(cleaned[name] ?? '')}: ${issue.message}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.WARDPOST_DATA_DIR);
  if ((e.WARDPOST_TLS_CERT === undefined) !== (e.WARDPOST_TLS_KEY === undefined)) {
    throw new ConfigError('invalid WARDPOST_TLS_CERT/WARDPOST_TLS_KEY: set both (PEM file paths) or neither (a self-signed pair is generated)');
  }
  const url = e.WARDPOST_DATABASE_URL;
  const database: Config['database'] =
    url && /^postgres/.test(url)
      ? { kind: 'postgres', url }
      : { kind: 'sqlite', file: url ? path.resolve(url.replace(/^sqlite:/, '')) : path.join(dataDir, 'wardpost.sqlite') };
  return {
    dataDir,
    database,
    nationalDomain: e.WARDPOST_NATIONAL_DOMAIN.toLowerCase(),
    hostname: e.WARDPOST_HOSTNAME.toLowerCase(),
    bind: e.WARDPOST_BIND,
    ports: {
      smtp: e.WARDPOST_SMTP_PORT,
      submission: e.WARDPOST_SUBMISSION_PORT,
      submissions: e.WARDPOST_SUBMISSIONS_PORT,
      imap: e.WARDPOST_IMAP_PORT,
      imaps: e.WARDPOST_IMAPS_PORT,
      http: e.WARDPOST_HTTP_PORT,
      ldap: e.WARDPOST_LDAP_PORT,
      ldaps: e.WARDPOST_LDAPS_PORT,
    },
    tls: {
      certFile: e.WARDPOST_TLS_CERT ?? path.join(dataDir, 'tls', 'cert.pem'),
      keyFile: e.WARDPOST_TLS_KEY ?? path.join(dataDir, 'tls', 'key.pem'),
      generated: e.WARDPOST_TLS_CERT === undefined,
    },
    logLevel: e.WARDPOST_LOG_LEVEL,
    smtp: {
      routes: parseSmtpRoutes(e.WARDPOST_SMTP_ROUTES),
      retryBaseMs: e.WARDPOST_QUEUE_RETRY_MS,
      expiryMs: Math.round(e.WARDPOST_QUEUE_EXPIRY_HOURS * 3_600_000),
    },
    sms: {
      gateway: smsGateway(e),
      domain: (e.WARDPOST_SMS_DOMAIN ?? `sms.${e.WARDPOST_NATIONAL_DOMAIN}`).toLowerCase(),
      senderId: e.WARDPOST_SMS_SENDER_ID,
      country: e.WARDPOST_SMS_COUNTRY,
      retryBaseMs: e.WARDPOST_SMS_RETRY_MS,
      expiryMs: Math.round(e.WARDPOST_SMS_EXPIRY_HOURS * 3_600_000),
    },
    webhooks: { retryBaseMs: e.WARDPOST_WEBHOOK_RETRY_MS, allowPrivate: e.WARDPOST_WEBHOOK_ALLOW_PRIVATE },
    directory: { cacheEntries: e.WARDPOST_DIRECTORY_CACHE_ENTRIES },
  };
}
