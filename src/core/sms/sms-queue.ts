/**
 * The outbound SMS queue worker, shaped like the mail queue (core/transport/outbound-queue.ts):
 * due rows are leased in one UPDATE (safe with many nodes), handed to the gateway, and each
 * outcome recorded: sent (with the SMSC's message id per part), retried with exponential backoff
 * until the message expires, or failed. Delivery receipts (SMPP 3.4 appendix B) then move a sent
 * message to delivered, failed or expired once every part has reported.
 */
import { randomUUID } from 'node:crypto';
import type { SmsGateway, SmsReceipt, SmsSubmitResult } from '../../gateways/types.js';
import type { Repos, SmsMessageRow, Store } from '../../store/types.js';
import type { EventBus } from '../events/bus.js';
import { WorkLoop } from '../util/work-loop.js';
import { planSms } from './encoding.js';
import { maskNumber } from './numbers.js';
import type { SmsOptions } from './types.js';

export type SmsLog = (level: 'info' | 'warn' | 'error', detail: Record<string, unknown>, msg: string) => void;

export class SmsQueue extends WorkLoop {
  /** SMSC ids whose rows are being written: a receipt that overtakes its submit waits for them. */
  private readonly recording = new Map<string, Promise<unknown>>();
  private reference = Math.floor(Math.random() * 256);
  log: SmsLog = () => undefined;

  constructor(
    private readonly store: Store,
    private readonly gateway: SmsGateway,
    private readonly bus: EventBus,
    private readonly options: SmsOptions,
  ) {
    super();
  }

  protected scanFailed(err: unknown): void {
    this.log('error', { err: String(err) }, 'sms queue: scan failed');
  }

  protected async scan(): Promise<void> {
    const free = this.options.inFlight - this.inFlight.size;
    // Claim in batches: each claim is a durable write, so one per finished message would cap the rate at the disk's syncs.
    if (free <= 0 || !this.running || (this.inFlight.size > 0 && free < Math.ceil(this.options.inFlight / 4))) return;
    const now = Date.now();
    // A token per claim: rows of an earlier claim still in flight are not handed out again.
    const rows = await this.store.sms.claimDue(now, free, now + this.options.leaseMs, randomUUID());
    for (const row of rows) this.track(this.attempt(row), (err) => this.log('error', { err: String(err), id: row.id }, 'sms queue: attempt failed'));
    // A full batch means there may be more due right now.
    if (rows.length === free) this.rescan();
  }

  private async attempt(row: SmsMessageRow): Promise<void> {
    const now = Date.now();
    let result: SmsSubmitResult;
    if (now > row.expires_at) result = { status: 'fail', messageIds: [], error: 'expired before it could be sent' };
    else if (await this.store.sms.isOptedOut(row.org_id, row.to_number)) result = { status: 'fail', messageIds: [], error: 'the recipient opted out (STOP) after this was queued' };
    else {
      const plan = planSms(row.body, Number.MAX_SAFE_INTEGER);
      this.reference = (this.reference + 1) % 256;
      result = await this.gateway.submit({ id: row.id, from: row.sender_id, to: row.to_number, encoding: plan.encoding, parts: plan.parts, reference: this.reference });
    }
    const attempts = row.attempts + 1;
    const delay = Math.min(this.options.retryBaseMs * 2 ** (attempts - 1), this.options.retryMaxMs);
    const expired = (result.status === 'defer' && now + delay > row.expires_at) || (result.status === 'fail' && now > row.expires_at);
    const status = result.status === 'sent' ? 'sent' : expired ? 'expired' : result.status === 'fail' ? 'failed' : 'queued';
    const write = this.store.grouped(async (tx) => {
      const ok = await tx.sms.recordOutcome(row.id, row.claim_token!, {
        status,
        attempts,
        nextAttemptAt: status === 'queued' ? now + delay : row.next_attempt_at,
        lastError: result.status === 'sent' ? null : (result.error ?? null),
        sentAt: result.status === 'sent' ? now : null,
        finishedAt: status === 'queued' || status === 'sent' ? null : now,
      });
      if (ok && result.status === 'sent') await tx.sms.addSmscIds(row.id, result.messageIds);
      return ok;
    });
    for (const id of result.messageIds) this.recording.set(id, write);
    try {
      if (!(await write)) this.log('warn', { id: row.id }, 'sms queue: lease lost before the outcome was recorded');
    } finally {
      for (const id of result.messageIds) this.recording.delete(id);
    }
    this.log(status === 'sent' || status === 'queued' ? 'info' : 'warn', { id: row.id, to: maskNumber(row.to_number), parts: row.parts, status, error: result.error }, 'sms attempt');
    await this.bus.publish({ type: 'sms.status', smsId: row.id, orgId: row.org_id, status });
  }

  /**
   * A delivery receipt for one part. Resolves once it is recorded; rejects when the message it
   * names is unknown here (the gateway then leaves it unacknowledged, so the SMSC repeats it).
   */
  async receipt(r: SmsReceipt): Promise<void> {
    if (r.state === 'accepted' || r.state === 'unknown') return;
    await this.recording.get(r.messageId);
    // Receipts come as fast as messages go: group commit takes many in one durable transaction.
    let done = await this.store.grouped((tx) => applyReceipt(tx, r));
    if (done === undefined && this.inFlight.size) {
      // A receipt for an early part can overtake the submission of the later parts: let those finish.
      await Promise.race([Promise.all([...this.inFlight]), new Promise((res) => setTimeout(res, 5000).unref())]);
      done = await this.store.grouped((tx) => applyReceipt(tx, r));
    }
    if (done === undefined) throw new Error(`receipt for unknown SMSC message id ${r.messageId}`);
    if (done.status) await this.bus.publish({ type: 'sms.status', smsId: done.smsId, orgId: done.orgId, status: done.status });
  }
}

/** Records one part's receipt; the message's new status once every part has reported (or one failed). */
async function applyReceipt(tx: Repos, r: SmsReceipt): Promise<{ smsId: number; orgId: number; status: string | null } | undefined> {
  const smsId = await tx.sms.partReceipt(r.messageId, r.state);
  if (smsId === undefined) return undefined;
  const row = (await tx.sms.byId(smsId))!;
  const states = await tx.sms.partStates(smsId);
  const delivered = states.filter((s) => s === 'delivered').length;
  let status: string | null = null;
  if (states.some((s) => s === 'failed')) status = 'failed';
  else if (states.some((s) => s === 'expired')) status = 'expired';
  else if (delivered === row.parts) status = 'delivered';
  if (!status || row.status !== 'sent') {
    if (delivered !== row.delivered_parts) await tx.sms.finish(smsId, row.status, delivered, row.last_error, row.finished_at);
    return { smsId, orgId: row.org_id, status: null };
  }
  await tx.sms.finish(smsId, status, delivered, r.error ? `receipt: ${r.error}` : null, Date.now());
  return { smsId, orgId: row.org_id, status };
}
