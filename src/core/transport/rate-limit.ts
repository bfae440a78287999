/**
 * Sliding-window counters kept in memory (per node): sign-in failures per IP, messages per
 * account and per IP. In cluster mode each node counts its own share, which is a looser but
 * still effective limit.
 */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly limit: { max: number; windowMs: number }) {}

  /** How many hits `key` has in the current window. */
  count(key: string, now = Date.now()): number {
    const list = this.hits.get(key);
    if (!list) return 0;
    while (list.length && list[0]! <= now - this.limit.windowMs) list.shift();
    if (!list.length) this.hits.delete(key);
    return list.length;
  }

  exceeded(key: string, now = Date.now()): boolean {
    return this.count(key, now) >= this.limit.max;
  }

  hit(key: string, now = Date.now()): void {
    const list = this.hits.get(key) ?? [];
    list.push(now);
    this.hits.set(key, list);
    if (this.hits.size > 100_000) this.sweep(now);
  }

  /** Seconds until `key` may try again. */
  retryAfter(key: string, now = Date.now()): number {
    const first = this.hits.get(key)?.[0];
    return first === undefined ? 0 : Math.max(1, Math.ceil((first + this.limit.windowMs - now) / 1000));
  }

  private sweep(now: number): void {
    for (const key of [...this.hits.keys()]) this.count(key, now);
  }
}
