/**
 * Polls `fn` every 100 ms until it returns something truthy (for work finished by a background worker).
 * `what` may be a function, read only on timeout, so the failure can say what was last seen.
 */
export async function until<T>(what: string | (() => string), fn: () => Promise<T | null | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
