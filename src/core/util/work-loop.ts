/**
 * The loop of a queue worker (mail and SMS queues extend it): scans for due work on a timer and
 * whenever kicked, never two scans at once (a kick during a scan asks for another right after),
 * tracks the attempts a scan starts, and on stop waits for them for a grace period.
 */
export abstract class WorkLoop {
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;
  private again = false;
  protected running = false;
  protected readonly inFlight = new Set<Promise<void>>();

  /** Looks for due work and starts attempts (with `track`). */
  protected abstract scan(): Promise<void>;
  protected abstract scanFailed(err: unknown): void;

  start(intervalMs = 1000): void {
    if (this.running) return;
    this.running = true;
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.kick();
  }

  /** Stops taking work and waits (up to `graceMs`) for attempts under way; unfinished ones are taken again after their lease. */
  async stop(graceMs = 10_000): Promise<void> {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.race([Promise.all([...this.inFlight]), new Promise((r) => setTimeout(r, graceMs).unref())]);
  }

  /** Looks for due work soon. */
  kick(): void {
    if (!this.running) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = true;
    void this.scan()
      .catch((err: unknown) => this.scanFailed(err))
      .finally(() => {
        this.ticking = false;
        if (this.again) {
          this.again = false;
          setImmediate(() => this.kick());
        }
      });
  }

  /** Asks for another scan as soon as this one ends (there may be more due work). */
  protected rescan(): void {
    this.again = true;
  }

  /** Tracks an attempt: kept for `stop`, and its end makes room for more work (a kick). */
  protected track(attempt: Promise<void>, onError: (err: unknown) => void, onDone: () => void = () => undefined): void {
    const p: Promise<void> = attempt.catch(onError).finally(() => {
      onDone();
      this.inFlight.delete(p);
      this.kick();
    });
    this.inFlight.add(p);
  }
}
