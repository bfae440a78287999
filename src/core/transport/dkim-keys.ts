/**
 * DKIM keys, one per sending domain (RFC 6376): generated on first need (or when an administrator
 * asks for the DNS record), kept in the store, used to sign every message relayed for the domain.
 */
import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { dkimSign } from 'mailauth';
import type { Readable } from 'node:stream';
import { normaliseDomain } from '../addresses.js';
import type { DkimKeyRow, Store } from '../../store/types.js';

const generate = promisify(generateKeyPair);

export interface DkimRecord {
  domain: string;
  selector: string;
  /** The DNS name to publish, e.g. wp2026._domainkey.trust.example. */
  name: string;
  /** The TXT record value: v=DKIM1; k=rsa; p=... */
  value: string;
}

export class DkimKeys {
  constructor(private readonly store: Store) {}

  /** The domain's key, created (RSA 2048) when it has none yet. */
  async keyFor(domain: string): Promise<DkimKeyRow> {
    const d = normaliseDomain(domain);
    const existing = await this.store.transport.dkimKey(d);
    if (existing) return existing;
    const { publicKey, privateKey } = await generate('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const selector = `wp${new Date().getUTCFullYear()}`;
    await this.store.transport.putDkimKey({ domain: d, selector, algorithm: 'rsa-sha256', private_key: privateKey, public_key: publicKey, created_at: Date.now() });
    // Another node may have won the race: everyone uses the stored one.
    return (await this.store.transport.dkimKey(d))!;
  }

  /** The TXT record to publish for the domain (RFC 6376 section 3.6.1). */
  async dnsRecord(domain: string): Promise<DkimRecord> {
    const key = await this.keyFor(domain);
    const p = key.public_key.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    return { domain: key.domain, selector: key.selector, name: `${key.selector}._domainkey.${key.domain}`, value: `v=DKIM1; k=rsa; p=${p}` };
  }

  /**
   * The DKIM-Signature header line(s) for a message, computed by reading it once (streamed);
   * the caller prepends them when it sends the message.
   */
  async sign(domain: string, message: Readable): Promise<string> {
    const key = await this.keyFor(domain);
    const res = await dkimSign(message, {
      // Without an explicit signTime mailauth reads the clock twice (for the hashed header and for
      // the header it returns); when the two straddle a half-second the t= tags differ and about
      // one signature in a thousand fails verification.
      signTime: new Date(),
      canonicalization: 'relaxed/relaxed',
      algorithm: 'rsa-sha256',
      signatureData: [{ signingDomain: key.domain, selector: key.selector, privateKey: key.private_key, algorithm: 'rsa-sha256', canonicalization: 'relaxed/relaxed' }],
    } as Parameters<typeof dkimSign>[1]);
    if (res.errors.length) throw res.errors[0]!;
    return res.signatures;
  }
}
