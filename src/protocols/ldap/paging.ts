/**
 * Cookies of the simple paged results control (RFC 2696): an offset into the search's results,
 * authenticated with a per-server key and bound to the search it came from (viewer, base, scope,
 * filter), so a client can neither forge an offset nor reuse a cookie for another search.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const MAC_BYTES = 12;

export class PagingCookies {
  private readonly key = randomBytes(32);

  private mac(offset: number, fingerprint: string): Buffer {
    return createHmac('sha256', this.key).update(`${offset}\u0000${fingerprint}`).digest().subarray(0, MAC_BYTES);
  }

  /** A fingerprint of the search a cookie belongs to. */
  static fingerprint(parts: readonly (string | number | null)[]): string {
    return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
  }

  issue(offset: number, fingerprint: string): Buffer {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(offset);
    return Buffer.concat([head, this.mac(offset, fingerprint)]);
  }

  /** The offset a cookie carries: 0 for an empty cookie (a first page), null when it is not ours. */
  read(cookie: Buffer, fingerprint: string): number | null {
    if (cookie.length === 0) return 0;
    if (cookie.length !== 4 + MAC_BYTES) return null;
    const offset = cookie.readUInt32BE(0);
    return timingSafeEqual(cookie.subarray(4), this.mac(offset, fingerprint)) ? offset : null;
  }
}
