/**
 * First start: the data folder, a self-signed TLS certificate (unless one is configured) and the
 * national administration organisation with its first national administrator, whose one-time
 * password is returned so `serve` can print it once. Later starts find all of these and do nothing.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import selfsigned from 'selfsigned';
import type { Config } from '../config/config.js';
import { SYSTEM_ACTOR } from '../core/actor.js';
import { oneTimePassword } from '../core/accounts/password.js';
import type { Platform } from './platform.js';

export const NATIONAL_ORG_SLUG = 'national';

export async function ensureTlsCertificate(config: Config): Promise<void> {
  if (!config.tls.generated || (existsSync(config.tls.certFile) && existsSync(config.tls.keyFile))) return;
  mkdirSync(path.dirname(config.tls.certFile), { recursive: true, mode: 0o700 });
  const pems = await selfsigned.generate([{ name: 'commonName', value: config.hostname }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: config.hostname }, { type: 7, ip: '127.0.0.1' }] }],
  });
  writeFileSync(config.tls.keyFile, pems.private, { mode: 0o600 });
  writeFileSync(config.tls.certFile, pems.cert, { mode: 0o644 });
}


export interface BootstrapResult {
  adminAddress: string;
  /** Only on the start that created the administrator. */
  oneTimePassword: string | null;
}

export async function bootstrapNationalAdmin(platform: Platform): Promise<BootstrapResult> {
  const { services, config } = platform;
  const adminAddress = `admin@${config.nationalDomain}`;
  const existing = await platform.store.accounts.byAddress(adminAddress);
  if (existing) return { adminAddress, oneTimePassword: null };
  if (!(await platform.store.orgs.bySlug(NATIONAL_ORG_SLUG))) {
    await services.orgs.create({ slug: NATIONAL_ORG_SLUG, name: 'National Administration', kind: 'organisation' }, SYSTEM_ACTOR);
  }
  const password = oneTimePassword();
  await services.accounts.create(
    { address: adminAddress, orgSlug: NATIONAL_ORG_SLUG, name: 'National Administrator', role: 'national-admin', password, mustChangePassword: true, quota: '1G' },
    SYSTEM_ACTOR,
  );
  return { adminAddress, oneTimePassword: password };
}

export function ensureDataDir(config: Config): void {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o750 });
  const readme = path.join(config.dataDir, 'README.txt');
  if (!existsSync(readme)) {
    writeFileSync(readme, 'Wardpost data folder: database, message bodies (blobs/), TLS keys (tls/). Back it up as a whole; never edit by hand.\n');
  }
}
