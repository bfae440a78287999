/**
 * SMTP policy as ordered hooks (the Haraka pattern): each hook is an async function with its own
 * timeout, run in order at one phase of the transaction; a hook may decide (reject, defer,
 * quarantine) and stop the chain, and records what it found on the transaction.
 */
import { WardpostError, type ErrorCode } from '../errors.js';
import type { MailTransaction } from './types.js';

export type PolicyPhase = 'mail' | 'data';

export type PolicyDecision =
  | { action: 'reject'; code: ErrorCode; message: string }
  | { action: 'defer'; message: string }
  /** Accept, but file local copies in Junk. */
  | { action: 'quarantine'; reason: string };

export interface PolicyHook {
  name: string;
  phase: PolicyPhase;
  /** Milliseconds; the transport's default when absent. */
  timeoutMs?: number;
  /** What a timeout means: go on without this hook (default) or ask the client to retry later. */
  onTimeout?: 'continue' | 'defer';
  run(tx: MailTransaction, ctx: PolicyContext): Promise<PolicyDecision | void>;
}

export interface PolicyContext {
  /** Opens the message as received (data phase only). */
  message(): import('node:stream').Readable;
}

/** Runs the hooks of `phase` in order; throws the WardpostError of the first rejecting decision. */
export async function runHooks(hooks: readonly PolicyHook[], phase: PolicyPhase, tx: MailTransaction, ctx: PolicyContext, defaultTimeoutMs: number): Promise<void> {
  for (const hook of hooks) {
    if (hook.phase !== phase) continue;
    const started = Date.now();
    const timeoutMs = hook.timeoutMs ?? defaultTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    let outcome: PolicyDecision | void | 'timeout';
    try {
      outcome = await Promise.race([hook.run(tx, ctx), timeout]);
    } catch (err) {
      if (err instanceof WardpostError) throw err;
      tx.results[`${hook.name}.error`] = err instanceof Error ? err.message : String(err);
      throw new WardpostError('temporary_failure', `policy check ${hook.name} failed; try again later`, { hook: hook.name });
    } finally {
      clearTimeout(timer);
    }
    const ms = Date.now() - started;
    if (outcome === 'timeout') {
      tx.results[`${hook.name}.timeout`] = ms;
      if (hook.onTimeout === 'defer') throw new WardpostError('temporary_failure', `policy check ${hook.name} timed out; try again later`, { hook: hook.name });
      continue;
    }
    if (!outcome) continue;
    tx.results[`${hook.name}.decision`] = outcome.action;
    if (outcome.action === 'reject') throw new WardpostError(outcome.code, outcome.message, { hook: hook.name });
    if (outcome.action === 'defer') throw new WardpostError('temporary_failure', outcome.message, { hook: hook.name });
    tx.folder = 'Junk';
    tx.results[`${hook.name}.quarantine`] = outcome.reason;
  }
}
