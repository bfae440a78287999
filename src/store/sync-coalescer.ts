/**
 * Coalesces fsync-like operations: every caller is answered by a sync that *started after* it
 * asked, but callers arriving while one runs share the next one. Under load, N writers cost about
 * two syncs instead of N, with the same guarantee each would have had alone.
 */
export class SyncCoalescer {
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;

  constructor(private readonly sync: () => Promise<void>) {}

  /** True while a sync runs or waits: a caller must then go through `request`. */
  get busy(): boolean {
    return this.running !== null;
  }

  request(): Promise<void> {
    if (!this.running) {
      this.running = this.sync().finally(() => this.advance());
      return this.running;
    }
    // The sync in flight may have started before our write: wait for the one after it.
    this.next ??= this.running.then(this.sync, this.sync);
    return this.next;
  }

  private advance(): void {
    if (this.next) {
      const n = this.next;
      this.next = null;
      this.running = n.finally(() => this.advance());
    } else {
      this.running = null;
    }
  }
}
