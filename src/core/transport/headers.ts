/** Reading the header block of a message (RFC 5322 section 2.2) and writing trace headers. */
import { parseAddress } from '../addresses.js';

/** Header fields of `head` (unfolded; lower-case names; first occurrence wins). Stops at the blank line. */
export function parseHeaderBlock(head: Buffer): Map<string, string> {
  const text = head.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const block = end === -1 ? text : text.slice(0, end);
  const out = new Map<string, string>();
  for (const field of block.split(/\r?\n(?![ \t])/)) {
    const colon = field.indexOf(':');
    if (colon < 1) continue;
    const name = field.slice(0, colon).trim().toLowerCase();
    if (!out.has(name)) out.set(name, field.slice(colon + 1).replace(/\r?\n[ \t]+/g, ' ').trim());
  }
  return out;
}

/** The bare addresses of an address-list header value ("A <a@x>, b@y" -> [a@x, b@y]). */
export function addressesIn(value: string | undefined): string[] {
  if (!value) return [];
  const out: string[] = [];
  // Drop quoted display names and comments first: they may contain commas and @.
  const cleaned = value.replace(/"(?:[^"\\]|\\.)*"/g, '').replace(/\((?:[^()\\]|\\.)*\)/g, '');
  for (const part of cleaned.split(',')) {
    const m = /<([^>]*)>/.exec(part);
    const raw = (m ? m[1]! : part).trim();
    if (!raw) continue;
    try {
      out.push(parseAddress(raw).address);
    } catch {
      out.push(raw.toLowerCase());
    }
  }
  return out;
}

/** RFC 5321 section 4.4: the Received trace field this server adds. */
export function receivedHeader(opts: { helo: string; clientHostname: string; remoteAddress: string; by: string; with: string; id: string; for?: string; date?: Date }): string {
  const from = `from ${opts.helo || 'unknown'} (${opts.clientHostname && !opts.clientHostname.startsWith('[') && opts.clientHostname !== opts.remoteAddress ? `${opts.clientHostname} ` : ''}[${opts.remoteAddress}])`;
  const date = (opts.date ?? new Date()).toUTCString().replace('GMT', '+0000');
  return `Received: ${from}\r\n\tby ${opts.by} (Wardpost) with ${opts.with} id ${opts.id}${opts.for ? `\r\n\tfor <${opts.for}>` : ''};\r\n\t${date}`;
}
