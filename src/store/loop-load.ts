/**
 * How busy this thread's event loop has been lately (Node's event loop utilisation: the share of
 * time spent running callbacks rather than waiting), measured over windows of `windowMs`: the
 * last complete window's figure is the answer, so asking costs one clock read most of the time.
 */
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

export class LoopLoad {
  private mark: EventLoopUtilization = performance.eventLoopUtilization();
  private markedAt = performance.now();
  private last = 0;

  constructor(private readonly windowMs: number) {}

  /** Was the loop busy more than `share` (0-1) of the last window? */
  busierThan(share: number): boolean {
    const now = performance.now();
    if (now - this.markedAt >= this.windowMs) {
      const current = performance.eventLoopUtilization();
      this.last = performance.eventLoopUtilization(current, this.mark).utilization;
      this.mark = current;
      this.markedAt = now;
    }
    return this.last > share;
  }
}
