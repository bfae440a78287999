/**
 * The DNS gateway for mail: MX look-up with static route overrides (WARDPOST_SMTP_ROUTES) and a
 * small cache in front of the resolver that SPF/DKIM/DMARC/ARC checks use.
 */
import { Resolver } from 'node:dns/promises';
import { MxLookupError, type MailDns, type MxRoute } from '../types.js';

const POSITIVE_TTL_MS = 5 * 60_000;
const NEGATIVE_TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;
const PERMANENT_CODES = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN']);

export class DnsMailGateway implements MailDns {
  private readonly resolver = new Resolver({ timeout: 3000, tries: 2 });
  private readonly cache = new Map<string, { until: number; value?: unknown; error?: unknown }>();

  constructor(private readonly staticRoutes: Record<string, MxRoute> = {}) {}

  /** RFC 5321 section 5.1: MX records by preference; no MX means the domain's own address. */
  async routes(domain: string): Promise<MxRoute[]> {
    const fixed = this.staticRoutes[domain.toLowerCase()] ?? this.staticRoutes['*'];
    if (fixed) return [fixed];
    let mx: { exchange: string; priority: number }[];
    try {
      mx = (await this.lookup(domain, 'MX')) as { exchange: string; priority: number }[];
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (code === 'ENODATA') return [{ host: domain, port: 25 }];
      throw new MxLookupError(`MX lookup for ${domain} failed (${code || String(err)})`, PERMANENT_CODES.has(code));
    }
    // RFC 7505: a single "." MX means the domain accepts no mail.
    if (mx.length === 1 && (mx[0]!.exchange === '' || mx[0]!.exchange === '.')) throw new MxLookupError(`${domain} accepts no mail (null MX)`, true);
    return [...mx].sort((a, b) => a.priority - b.priority).map((r) => ({ host: r.exchange, port: 25 }));
  }

  lookup = async (name: string, rrtype: string): Promise<unknown> => {
    const key = `${rrtype}:${name.toLowerCase()}`;
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.until > now) {
      if (hit.error) throw hit.error;
      return hit.value;
    }
    if (this.cache.size > MAX_ENTRIES) this.cache.clear();
    try {
      const value = await this.resolver.resolve(name, rrtype as 'TXT');
      this.cache.set(key, { until: now + POSITIVE_TTL_MS, value });
      return value;
    } catch (error) {
      if (PERMANENT_CODES.has((error as { code?: string }).code ?? '')) this.cache.set(key, { until: now + NEGATIVE_TTL_MS, error });
      throw error;
    }
  };
}
