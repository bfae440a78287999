/**
 * The outbound queue: messages for foreign domains, one durable row per recipient with the body
 * in the blob store. A worker takes due rows (compare-and-set lease, safe with many nodes), groups
 * the recipients of one message at one domain into one SMTP session, signs with the sending
 * domain's DKIM key, and records each outcome: sent; retried with exponential backoff (RFC 5321
 * section 4.5.4.1) until expiry; or failed, with a delivery status notification (RFC 3464) to
 * the sender's INBOX.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { MxLookupError, type MailDns, type OutboundSmtp, type RecipientOutcome } from '../../gateways/types.js';
import type { DeliveryService } from '../mail/delivery.js';
import type { OutboundQueueRow, Store } from '../../store/types.js';
import type { DkimKeys } from './dkim-keys.js';
import { buildDsn, statusFromReply, type FailedRecipient } from './dsn.js';
import { parseHeaderBlock } from './headers.js';
import type { TransportLimits } from './types.js';
import { WorkLoop } from '../util/work-loop.js';

export type TransportLog = (level: 'info' | 'warn' | 'error', detail: Record<string, unknown>, msg: string) => void;

export interface QueueDeps {
  store: Store;
  delivery: DeliveryService;
  dkim: DkimKeys;
  dns: MailDns;
  smtp: OutboundSmtp;
  hostname: string;
  postmaster: string;
  limits: TransportLimits;
  log: TransportLog;
}

export interface EnqueueInput {
  source: () => Readable;
  sender: string;
  senderAccountId: number | null;
  recipients: { address: string; domain: string }[];
  /** Domain whose key signs the message (the From domain when it is ours). */
  dkimDomain: string | null;
}

export interface QueueItem {
  id: number;
  messageKey: string;
  sender: string;
  recipient: string;
  status: string;
  attempts: number;
  size: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  remoteHost: string | null;
  createdAt: string;
  expiresAt: string;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function describeQueueRow(r: OutboundQueueRow): QueueItem {
  return {
    id: r.id,
    messageKey: r.message_key,
    sender: r.sender,
    recipient: r.recipient,
    status: r.status,
    attempts: r.attempts,
    size: r.size,
    nextAttemptAt: r.status === 'queued' ? iso(r.next_attempt_at) : null,
    lastError: r.last_error,
    remoteHost: r.remote_host,
    createdAt: iso(r.created_at)!,
    expiresAt: iso(r.expires_at)!,
  };
}

export class OutboundQueue extends WorkLoop {
  private readonly perDomain = new Map<string, number>();

  constructor(private readonly deps: QueueDeps) {
    super();
  }

  protected scanFailed(err: unknown): void {
    this.deps.log('error', { err: String(err) }, 'outbound queue: scan failed');
  }

  /** Stores the message and its recipients durably; resolves once they are committed and synced. */
  async enqueue(input: EnqueueInput): Promise<number[]> {
    const { store, limits } = this.deps;
    const staged = await store.blobs.put(input.source());
    const now = Date.now();
    const messageKey = randomUUID();
    const ids = await store.grouped(async (tx) => {
      const out = await tx.transport.enqueue(
        input.recipients.map((r) => ({
          messageKey,
          blobHash: staged.hash,
          size: staged.size,
          sender: input.sender,
          senderAccountId: input.senderAccountId,
          recipient: r.address,
          domain: r.domain,
          dkimDomain: input.dkimDomain,
          nextAttemptAt: now,
          expiresAt: now + limits.expiryMs,
        })),
      );
      await tx.blobRefs.addRefs(staged.hash, staged.size, input.recipients.length, staged.inline);
      return out;
    });
    this.kick();
    return ids;
  }

  async list(filter: { status?: string } = {}): Promise<QueueItem[]> {
    return (await this.deps.store.transport.listQueue(filter)).map(describeQueueRow);
  }

  /** Makes a queued item due now (`wardpost queue retry ID`). */
  async retry(id: number): Promise<boolean> {
    const ok = await this.deps.store.transport.retryNow(id, Date.now());
    if (ok) this.kick();
    return ok;
  }

  private active(): number {
    let n = 0;
    for (const v of this.perDomain.values()) n += v;
    return n;
  }

  protected async scan(): Promise<void> {
    const { store, limits } = this.deps;
    const now = Date.now();
    const due = await store.transport.due(now, 200);
    const groups = new Map<string, OutboundQueueRow[]>();
    for (const r of due) {
      const key = `${r.message_key}\u0000${r.domain}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    for (const rows of groups.values()) {
      const domain = rows[0]!.domain;
      if (!this.running) return;
      if ((this.perDomain.get(domain) ?? 0) >= limits.outboundPerDomain || this.active() >= limits.outboundTotal) continue;
      const claimed: OutboundQueueRow[] = [];
      for (const r of rows) if (await store.transport.claim(r.id, r.next_attempt_at, now + limits.attemptLeaseMs)) claimed.push(r);
      if (!claimed.length) continue;
      this.perDomain.set(domain, (this.perDomain.get(domain) ?? 0) + 1);
      this.track(
        this.attempt(claimed),
        (err) => this.deps.log('error', { err: String(err), domain }, 'outbound queue: attempt failed'),
        () => this.perDomain.set(domain, (this.perDomain.get(domain) ?? 1) - 1),
      );
    }
  }

  private async attempt(rows: OutboundQueueRow[]): Promise<void> {
    const { dns, smtp, dkim, store, hostname, log } = this.deps;
    const first = rows[0]!;
    let outcomes: RecipientOutcome[];
    let remoteHost: string | null = null;
    try {
      const routes = await dns.routes(first.domain);
      const signature = first.dkim_domain ? await dkim.sign(first.dkim_domain, store.blobs.get(first.blob_hash)) : '';
      const prefix = Buffer.from(signature);
      const message = () => {
        const body = store.blobs.get(first.blob_hash);
        async function* gen(): AsyncGenerator<Buffer> {
          if (prefix.length) yield prefix;
          yield* body as AsyncIterable<Buffer>;
        }
        return Readable.from(gen(), { objectMode: false });
      };
      outcomes = [];
      for (const route of routes) {
        const res = await smtp.send({ route, heloName: hostname, from: first.sender, recipients: rows.map((r) => r.recipient), message });
        outcomes = res.outcomes;
        remoteHost = res.remoteHost;
        // Try the next MX only when this one could not take anything at all for a temporary reason.
        if (!outcomes.every((o) => o.status === 'defer')) break;
      }
    } catch (err) {
      const permanent = err instanceof MxLookupError && err.permanent;
      const response = err instanceof Error ? err.message : String(err);
      outcomes = rows.map((r) => ({ address: r.recipient, status: permanent ? 'fail' : 'defer', response }));
    }
    await this.record(rows, outcomes, remoteHost);
    log('info', { domain: first.domain, remoteHost, outcomes }, 'outbound delivery attempt');
  }

  private async record(rows: OutboundQueueRow[], outcomes: RecipientOutcome[], remoteHost: string | null): Promise<void> {
    const { store, limits } = this.deps;
    const now = Date.now();
    const plan = rows.map((row) => {
      const o = outcomes.find((x) => x.address === row.recipient) ?? { address: row.recipient, status: 'defer' as const, response: 'no reply for this recipient' };
      const attempts = row.attempts + 1;
      const delay = Math.min(limits.retryBaseMs * 2 ** (attempts - 1), limits.retryMaxMs);
      const expired = o.status === 'defer' && now + delay > row.expires_at;
      const status = o.status === 'sent' ? 'sent' : o.status === 'fail' ? 'failed' : expired ? 'expired' : 'queued';
      return { row, o, attempts, delay, expired, status } as const;
    });
    const failed = plan
      .filter((p) => p.status === 'failed' || p.status === 'expired')
      .map((p) => ({
        expired: p.expired,
        info: { address: p.row.recipient, action: 'failed' as const, status: statusFromReply(p.o.response, true).replace(/^4/, '5'), diagnostic: p.o.response, remoteMta: remoteHost, lastAttempt: new Date(now) },
      }));
    // The DSN is stored before the rows say "done": a crash in between repeats the attempt (and
    // maybe the DSN) rather than losing the notification.
    if (failed.length) await this.bounce(rows[0]!, failed);
    await store.transaction(async (tx) => {
      for (const { row, o, attempts, delay, status } of plan) {
        await tx.transport.recordAttempt(row.id, {
          status,
          attempts,
          nextAttemptAt: status === 'queued' ? now + delay : row.next_attempt_at,
          lastAttemptAt: now,
          lastError: o.status === 'sent' ? null : o.response,
          remoteHost,
          finishedAt: status === 'queued' ? null : now,
        });
        if (status !== 'queued') await tx.blobRefs.removeRefs(row.blob_hash, 1);
      }
    });
  }

  /** Sends the DSN to a local sender; a foreign or null sender gets none (no backscatter). */
  private async bounce(row: OutboundQueueRow, failed: { info: FailedRecipient; expired: boolean }[]): Promise<void> {
    const { store, delivery, log, hostname, postmaster, limits } = this.deps;
    if (!row.sender || row.sender_account_id === null) return;
    const head = await readHead(store.blobs.get(row.blob_hash), limits.maxHeaderBytes).catch(() => Buffer.alloc(0));
    const headText = head.toString('utf8');
    const end = headText.search(/\r?\n\r?\n/);
    const dsn = buildDsn({
      reportingMta: hostname,
      postmaster,
      to: row.sender,
      arrival: new Date(row.created_at),
      recipients: failed.map((f) => f.info),
      originalHeaders: end === -1 ? headText : headText.slice(0, end),
      originalSubject: parseHeaderBlock(head).get('subject') ?? '',
      expired: failed.every((f) => f.expired),
    });
    try {
      await delivery.deliver({ source: Readable.from([dsn]), recipients: [row.sender] });
    } catch (err) {
      log('warn', { err: String(err), sender: row.sender }, 'could not deliver a delivery status notification');
    }
  }
}

async function readHead(stream: Readable, max: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of stream as AsyncIterable<Buffer>) {
    parts.push(c);
    n += c.length;
    if (n >= max || c.includes('\r\n\r\n')) break;
  }
  stream.destroy();
  return Buffer.concat(parts).subarray(0, max);
}
