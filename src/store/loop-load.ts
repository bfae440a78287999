/**
 * How busy this thread's event loop has been lately (Node's event loop utilisation: the share of
 * time spent running callbacks rather than waiting), measured over windows of `windowMs`: the
 * last complete window's figure is the answer, so asking costs one clock read most of the time.
 * Time the caller blocked the loop on purpose (`discount`: an inline sync) is not counted as demand,
 * or the blocking would make the loop look too busy to block.
 */
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

export class LoopLoad {
  private mark: EventLoopUtilization = performance.eventLoopUtilization();
  private markedAt = performance.now();
  private discounted = 0;
  private last = 0;

  constructor(private readonly windowMs: number) {}

  /** The loop was blocked for `ms` by the caller's own choice. */
  discount(ms: number): void {
    this.discounted += ms;
  }

  /** Was the loop busy (beyond the discounted time) more than `share` (0-1) of the last window? */
  busierThan(share: number): boolean {
    const now = performance.now();
    if (now - this.markedAt >= this.windowMs) {
      const current = performance.eventLoopUtilization();
      const d = performance.eventLoopUtilization(current, this.mark);
      this.last = d.idle + d.active > 0 ? (d.active - this.discounted) / (d.idle + d.active) : 0;
      this.mark = current;
      this.markedAt = now;
      this.discounted = 0;
    }
    return this.last > share;
  }
}
