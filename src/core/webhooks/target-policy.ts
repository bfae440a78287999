/**
 * Where webhooks may post: the public internet only, unless an operator allows a private target
 * (an integration engine on the hospital network, say). Without this an administrator of one
 * organisation could point a webhook at the platform's own loopback services, a cloud metadata
 * address or another organisation's internal network and use Wardpost to reach them (SSRF).
 *
 * The rule is applied to the *addresses* a name resolves to, at registration and again at every
 * delivery (the poster connects to the address it checked, so a DNS answer that changes in between
 * cannot slip through).
 */
import { BlockList, isIP } from 'node:net';

/** Special-purpose ranges (RFC 6890 and successors) no webhook should reach unless allowed. */
const PRIVATE_V4: [string, number][] = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
];
const PRIVATE_V6: [string, number][] = [['::', 128], ['::1', 128], ['64:ff9b::', 96], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]];

export class WebhookTargetPolicy {
  private readonly blocked = new BlockList();
  private readonly allowedNets = new BlockList();
  private readonly allowedHosts = new Set<string>();

  /** `allow`: host names, addresses or CIDR ranges that may be private (WARDPOST_WEBHOOK_ALLOW_PRIVATE). */
  constructor(allow: readonly string[] = []) {
    for (const [a, p] of PRIVATE_V4) this.blocked.addSubnet(a, p, 'ipv4');
    for (const [a, p] of PRIVATE_V6) this.blocked.addSubnet(a, p, 'ipv6');
    for (const entry of allow) {
      const [addr, prefix] = entry.split('/');
      const family = isIP(addr ?? '');
      if (family) this.allowedNets.addSubnet(addr!, prefix === undefined ? (family === 4 ? 32 : 128) : Number(prefix), family === 4 ? 'ipv4' : 'ipv6');
      else this.allowedHosts.add(entry.toLowerCase());
    }
  }

  /** Why a webhook may not be sent to `address` of host `host`; null when it may. */
  refusal(host: string, address: string): string | null {
    if (this.allowedHosts.has(host.toLowerCase())) return null;
    const family: 'ipv4' | 'ipv6' = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    // An IPv4 address written as IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it is.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    const [a, f]: [string, 'ipv4' | 'ipv6'] = mapped ? [mapped, 'ipv4'] : [address, family];
    if (this.allowedNets.check(a, f)) return null;
    if (this.blocked.check(a, f)) return `${host} is at ${address}, a private, loopback or reserved address: webhooks go to public addresses only (an operator can allow a private one with WARDPOST_WEBHOOK_ALLOW_PRIVATE)`;
    return null;
  }
}

/** Resolves a webhook URL's host and applies the policy (the gateway's side, for registration). */
export type WebhookTargetCheck = (url: URL) => Promise<string | null>;
