/**
 * Inbound authentication as policy hooks: SPF, DKIM, DMARC and ARC verified by mailauth and
 * recorded as an Authentication-Results header (RFC 8601); the sender domain's DMARC policy
 * (RFC 7489 section 6.3) applied: p=reject refuses, p=quarantine files in Junk.
 */
import { authenticate } from 'mailauth';
import type { DnsLookup } from '../../gateways/types.js';
import type { PolicyHook } from './policy.js';

interface AuthSummary {
  spf: string;
  dkim: string;
  dmarc: string;
  arc: string;
  dmarcPolicy: string;
}

export function mailauthHook(opts: { hostname: string; lookup: DnsLookup; timeoutMs?: number }): PolicyHook {
  return {
    name: 'mailauth',
    phase: 'data',
    timeoutMs: opts.timeoutMs ?? 15_000,
    async run(tx, ctx) {
      const res = await authenticate(ctx.message(), {
        ip: tx.session.remoteAddress.replace(/^::ffff:/, ''),
        helo: tx.session.helo,
        sender: tx.mailFrom,
        mta: opts.hostname,
        resolver: opts.lookup as never,
        disableBimi: true,
      });
      const summary: AuthSummary = {
        spf: res.spf ? res.spf.status.result : 'none',
        dkim: res.dkim.results?.map((r) => r.status.result).join(',') || 'none',
        dmarc: res.dmarc ? res.dmarc.status.result : 'none',
        arc: res.arc ? res.arc.status.result : 'none',
        dmarcPolicy: res.dmarc ? res.dmarc.policy : 'none',
      };
      tx.results.auth = summary;
      // mailauth's headers end with CRLF; prependHeaders holds lines without the last one.
      const headers = res.headers.replace(/(\r?\n)+$/, '');
      if (headers) tx.prependHeaders.push(headers);
    },
  };
}

export function dmarcPolicyHook(): PolicyHook {
  return {
    name: 'dmarc-policy',
    phase: 'data',
    async run(tx) {
      const auth = tx.results.auth as AuthSummary | undefined;
      if (!auth || auth.dmarc !== 'fail') return;
      if (auth.dmarcPolicy === 'reject') {
        return { action: 'reject', code: 'policy_rejected', message: 'the sender domain\'s DMARC policy rejects this message (RFC 7489)' };
      }
      if (auth.dmarcPolicy === 'quarantine') return { action: 'quarantine', reason: 'DMARC quarantine' };
    },
  };
}
