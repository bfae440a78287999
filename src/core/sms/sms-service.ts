/**
 * Sending SMS: who may send for which organisation (core/admin/policy), numbers in E.164, the
 * encoding and parts planned before anything is stored, the opt-out list, the monthly cap, and the
 * durable queue row, usage counters and audit line written in one transaction. The queue worker
 * (sms-queue.ts) takes it from there.
 */
import { randomUUID } from 'node:crypto';
import type { Actor } from '../actor.js';
import type { Principal } from '../admin/policy.js';
import { audit } from '../audit/audit-log.js';
import { WardpostError, invalid, notFound } from '../errors.js';
import type { EventBus } from '../events/bus.js';
import type { Services } from '../services.js';
import type { NewSms, Repos, SmsMessageRow, Store } from '../../store/types.js';
import { planSms, type SmsPlan } from './encoding.js';
import { maskNumber, normaliseNumber } from './numbers.js';
import { checkSenderId, readSettings, usagePeriods, type SmsSettings } from './settings.js';
import { parseRecipientsCsv, renderTemplate, templateFields, type BulkRecipient } from './template.js';
import type { SmsOptions, SmsPreview, SmsRecord, SmsRequester, SmsStatus } from './types.js';

export interface SendInput {
  to: string;
  body: string;
  /** Organisation slug to charge; the requester's own when absent. */
  org?: string;
  /** When to send (ms); now when absent. */
  sendAt?: number;
  source?: 'api' | 'mail' | 'bulk' | 'reminder' | 'web';
  /** Message-ID replies thread to (email-to-SMS passes the mail's own). */
  messageId?: string;
  appointment?: { uid: string; occurrence: string };
}

export interface BulkInput {
  org?: string;
  template: string;
  recipients?: BulkRecipient[];
  csv?: string;
  sendAt?: number;
}

export interface BulkResult {
  batchId: string;
  queued: number;
  parts: number;
  /** Recipients not sent to, with why (opted out, duplicate number). */
  skipped: { row: number; to: string; reason: string }[];
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function describeSms(r: SmsMessageRow): SmsRecord {
  return {
    id: r.id,
    org: r.org_id,
    to: r.to_number,
    from: r.sender_id,
    body: r.body,
    encoding: r.encoding,
    parts: r.parts,
    status: r.status as SmsStatus,
    attempts: r.attempts,
    lastError: r.last_error,
    source: r.source,
    batchId: r.batch_id,
    messageId: r.message_id,
    requestedBy: r.requested_by,
    scheduledFor: r.status === 'queued' && r.attempts === 0 && r.next_attempt_at > r.created_at + 1000 ? iso(r.next_attempt_at) : null,
    createdAt: iso(r.created_at)!,
    sentAt: iso(r.sent_at),
    finishedAt: iso(r.finished_at),
  };
}

/** One planned message, ready to be stored. */
interface Planned {
  to: string;
  body: string;
  plan: SmsPlan;
}

export class SmsService {
  constructor(
    private readonly store: Store,
    private readonly services: Pick<Services, 'policy' | 'orgs' | 'bus'>,
    readonly options: SmsOptions,
  ) {}

  /** Set by the queue worker: new work is waiting. */
  onQueued: () => void = () => undefined;

  kickQueue(): void {
    this.onQueued();
  }

  get bus(): EventBus {
    return this.services.bus;
  }

  /** Encoding and part count of a text, shown before sending (nothing stored). */
  preview(body: string): SmsPreview {
    const plan = planSms(body, this.options.maxParts);
    const per = plan.parts.length === 1 ? (plan.encoding === 'gsm7' ? 160 : 70) : plan.encoding === 'gsm7' ? 153 : 67;
    const last = plan.parts[plan.parts.length - 1]!;
    const lastUnits = plan.encoding === 'gsm7' ? planSms(last, this.options.maxParts).units : last.length;
    return { encoding: plan.encoding, parts: plan.parts.length, units: plan.units, remaining: per - lastUnits, nonGsm: plan.nonGsm };
  }

  /** Normalises a number the way every send does (for doors that take one from an address). */
  number(input: string): string {
    return normaliseNumber(input, this.options.country);
  }

  async send(req: SmsRequester, input: SendInput): Promise<SmsRecord> {
    this.assertEnabled();
    const orgId = await this.chargeableOrg(req, input.org);
    const to = this.number(input.to);
    const plan = planSms(input.body, this.options.maxParts);
    if (await this.store.sms.isOptedOut(orgId, to)) {
      throw new WardpostError('forbidden', `${to} has opted out of SMS from this organisation (replied STOP); they can reply START to receive them again`, { field: 'to', optedOut: true });
    }
    if (input.messageId) {
      // Email-to-SMS retried by a client after a temporary failure: the same mail never sends twice.
      const same = await this.store.sms.byMessageId(input.messageId, to);
      if (same) return describeSms(same);
    }
    const [id] = await this.store.transaction((tx) => this.enqueueIn(tx, req, orgId, [{ to, body: input.body, plan }], { sendAt: input.sendAt, source: input.source ?? 'api', messageId: input.messageId, appointment: input.appointment, batchId: null }));
    this.onQueued();
    return describeSms((await this.store.sms.byId(id!))!);
  }

  /** A mail-merge send to many: every row checked first, then all queued in one transaction (or none). */
  async bulk(req: SmsRequester, input: BulkInput): Promise<BulkResult> {
    this.assertEnabled();
    const orgId = await this.chargeableOrg(req, input.org);
    const recipients = input.csv !== undefined ? parseRecipientsCsv(input.csv) : (input.recipients ?? []);
    if (!recipients.length) throw invalid('no recipients: give a list or a CSV', { field: 'recipients' });
    if (!templateFields(input.template).length) planSms(input.template, this.options.maxParts);
    const planned: Planned[] = [];
    const skipped: BulkResult['skipped'] = [];
    const seen = new Set<string>();
    for (const [i, r] of recipients.entries()) {
      const row = i + 1;
      let to: string;
      try {
        to = this.number(r.to);
      } catch (err) {
        throw invalid(`recipient ${row}: ${(err as Error).message}`, { field: 'to', row });
      }
      const body = renderTemplate(input.template, r.fields, row);
      let plan: SmsPlan;
      try {
        plan = planSms(body, this.options.maxParts);
      } catch (err) {
        throw invalid(`recipient ${row}: ${(err as Error).message}`, { field: 'template', row });
      }
      if (seen.has(to)) {
        skipped.push({ row, to, reason: 'duplicate number in this batch' });
        continue;
      }
      seen.add(to);
      if (await this.store.sms.isOptedOut(orgId, to)) {
        skipped.push({ row, to, reason: 'opted out (replied STOP)' });
        continue;
      }
      planned.push({ to, body, plan });
    }
    const batchId = randomUUID();
    if (planned.length) {
      await this.store.transaction((tx) => this.enqueueIn(tx, req, orgId, planned, { sendAt: input.sendAt, source: 'bulk', batchId }));
      this.onQueued();
    }
    return { batchId, queued: planned.length, parts: planned.reduce((n, p) => n + p.plan.parts.length, 0), skipped };
  }

  /**
   * Stores messages in an open transaction: charges the month (refusing over the cap), counts the
   * day's usage, writes the queue rows and one audit line. Reminders call it inside their own
   * transaction so a reminder and its SMS commit together.
   */
  async enqueueIn(
    tx: Repos,
    req: SmsRequester,
    orgId: number,
    items: Planned[],
    o: { sendAt?: number | undefined; source: string; messageId?: string | undefined; appointment?: { uid: string; occurrence: string } | undefined; batchId: string | null },
  ): Promise<number[]> {
    const now = Date.now();
    const settings = await readSettings(tx, orgId, this.options.defaultSenderId);
    const parts = items.reduce((n, p) => n + p.plan.parts.length, 0);
    const { month, day } = usagePeriods(now);
    if (!(await tx.sms.chargeMonth(orgId, month, parts, settings.monthlyCap))) {
      const used = await tx.sms.monthUsage(orgId, month);
      throw new WardpostError(
        'quota_exceeded',
        `this organisation's SMS cap is reached: ${used} of ${settings.monthlyCap} parts used in ${month}, and this send needs ${parts} more; ask an administrator to raise the monthly cap`,
        { cap: settings.monthlyCap, used, needed: parts },
      );
    }
    await tx.sms.addDaily(orgId, day, items.length, parts);
    const sendAt = Math.max(o.sendAt ?? now, now);
    const who = requesterLabel(req);
    const rows: NewSms[] = items.map((p) => ({
      orgId,
      accountId: req.kind === 'account' ? req.account.id : req.accountId,
      requestedBy: who,
      // A person hears replies themselves; the platform's messages go to the clinic's mailbox first.
      replyAddress: req.kind === 'account' ? req.account.address : (settings.replyAddress ?? req.replyAddress),
      to: p.to,
      senderId: settings.senderId,
      body: p.body,
      encoding: p.plan.encoding,
      parts: p.plan.parts.length,
      nextAttemptAt: sendAt,
      expiresAt: sendAt + this.options.expiryMs,
      messageId: o.messageId ?? `<sms.${randomUUID()}@${this.options.smsDomain}>`,
      source: o.source,
      batchId: o.batchId,
      appointmentUid: o.appointment?.uid ?? null,
      appointmentOccurrence: o.appointment?.occurrence ?? null,
    }));
    const ids = await tx.sms.insert(rows);
    await audit(tx, actorOf(req), {
      action: items.length === 1 ? 'sms.send' : 'sms.bulk',
      target: items.length === 1 ? maskNumber(items[0]!.to) : `${items.length} recipients`,
      orgId,
      detail: { ids: ids.length <= 10 ? ids : [ids[0], ids[ids.length - 1]], parts, source: o.source, ...(o.batchId ? { batchId: o.batchId } : {}), ...(sendAt > now ? { sendAt: new Date(sendAt).toISOString() } : {}) },
    });
    return ids;
  }

  async get(req: SmsRequester, id: number): Promise<SmsRecord> {
    const row = await this.store.sms.byId(id);
    if (!row || !(await this.mayRead(req, row.org_id, row.account_id))) throw notFound(`no SMS ${id}`);
    return describeSms(row);
  }

  /** Messages the requester may see: their own, or their organisations' for administrators. */
  async list(req: SmsRequester, f: { status?: string; batchId?: string; beforeId?: number; limit?: number }): Promise<SmsRecord[]> {
    const scope = await this.readScope(req);
    const rows = await this.store.sms.list({ orgIds: scope.orgIds, ...(scope.accountId !== undefined ? { accountId: scope.accountId } : {}), ...(f.status ? { status: f.status } : {}), ...(f.batchId ? { batchId: f.batchId } : {}), ...(f.beforeId ? { beforeId: f.beforeId } : {}), limit: Math.min(f.limit ?? 100, 1000) });
    return rows.map(describeSms);
  }

  /** Cancels a message still waiting in the queue (scheduled, or not yet taken by the worker). */
  async cancel(req: SmsRequester, id: number): Promise<SmsRecord> {
    const row = await this.store.sms.byId(id);
    if (!row || !(await this.mayRead(req, row.org_id, row.account_id))) throw notFound(`no SMS ${id}`);
    if (!(await this.store.sms.cancel(id, Date.now()))) throw new WardpostError('conflict', `SMS ${id} is ${row.status} and can no longer be cancelled`);
    await this.store.audit.append({ at: Date.now(), actor: requesterLabel(req), actorAccountId: req.kind === 'account' ? req.account.id : null, orgId: row.org_id, action: 'sms.cancel', target: maskNumber(row.to_number), ip: req.kind === 'account' ? req.ip : null, detail: { id } });
    await this.bus.publish({ type: 'sms.status', smsId: id, orgId: row.org_id, status: 'cancelled' });
    return describeSms((await this.store.sms.byId(id))!);
  }

  async optOuts(req: SmsRequester, org?: string): Promise<{ number: string; createdAt: string; source: string }[]> {
    const orgId = await this.chargeableOrg(req, org);
    return (await this.store.sms.optOuts(orgId, 10_000)).map((o) => ({ ...o, createdAt: new Date(o.createdAt).toISOString() }));
  }

  /** Adds (a patient asked by phone) or removes a number from an organisation's opt-out list. */
  async setOptOut(req: SmsRequester, number: string, optedOut: boolean, org?: string): Promise<void> {
    const orgId = await this.chargeableOrg(req, org);
    const n = this.number(number);
    await this.store.transaction(async (tx) => {
      if (optedOut) await tx.sms.optOut(orgId, n, 'staff');
      else await tx.sms.optIn(orgId, n);
      await audit(tx, actorOf(req), { action: optedOut ? 'sms.optout' : 'sms.optin', target: maskNumber(n), orgId });
    });
  }

  async settings(orgId: number): Promise<SmsSettings> {
    return readSettings(this.store, orgId, this.options.defaultSenderId);
  }

  /** Sets an organisation's sender ID, cap and reply mailbox (administrators of it, checked by the caller through policy). */
  async putSettings(actor: Actor, orgId: number, s: { senderId?: string | null; monthlyCap?: number; replyAddress?: string | null }): Promise<SmsSettings> {
    const cur = await this.store.sms.settings(orgId);
    const next = {
      senderId: s.senderId === undefined ? (cur?.sender_id ?? null) : s.senderId === null ? null : checkSenderId(s.senderId),
      monthlyCap: s.monthlyCap ?? cur?.monthly_cap ?? 0,
      replyAddress: s.replyAddress === undefined ? (cur?.reply_address ?? null) : s.replyAddress,
    };
    if (next.monthlyCap < 0 || !Number.isInteger(next.monthlyCap)) throw invalid('monthlyCap must be a whole number of parts (0 = no cap)', { field: 'monthlyCap' });
    await this.store.transaction(async (tx) => {
      await tx.sms.putSettings(orgId, next);
      await audit(tx, actor, { action: 'sms.settings', target: String(orgId), orgId, detail: next });
    });
    return this.settings(orgId);
  }

  async usage(orgIds: number[] | null, sinceDay: string) {
    return this.store.sms.daily(orgIds, sinceDay);
  }

  private assertEnabled(): void {
    if (this.options.disabledReason) throw new WardpostError('temporary_failure', this.options.disabledReason, { smsDisabled: true });
  }

  /** The organisation a send is charged to, checked through the one authorisation policy. */
  private async chargeableOrg(req: SmsRequester, slug?: string): Promise<number> {
    if (req.kind === 'system') return req.orgId;
    const orgId = slug ? (await this.services.orgs.get(slug)).id : req.account.org.id;
    this.services.policy.assertSmsSender(await this.principal(req), orgId);
    return orgId;
  }

  private principal(req: Extract<SmsRequester, { kind: 'account' }>): Promise<Principal> {
    return this.services.policy.principal(req.account, true);
  }

  private async readScope(req: SmsRequester): Promise<{ orgIds: number[] | null; accountId?: number }> {
    if (req.kind === 'system') return { orgIds: [req.orgId] };
    const p = await this.principal(req);
    if (req.account.role === 'user' || req.account.role === 'helpdesk') return { orgIds: [req.account.org.id], accountId: req.account.id };
    const visible = this.services.policy.visibleOrgs(p);
    return { orgIds: visible === null ? null : [...visible] };
  }

  private async mayRead(req: SmsRequester, orgId: number, accountId: number | null): Promise<boolean> {
    const scope = await this.readScope(req);
    if (scope.accountId !== undefined && scope.accountId !== accountId) return false;
    return scope.orgIds === null || scope.orgIds.includes(orgId);
  }
}

export function requesterLabel(req: SmsRequester): string {
  return req.kind === 'account' ? req.account.address : req.label;
}

function actorOf(req: SmsRequester): Actor {
  return req.kind === 'account'
    ? { kind: req.token ? 'token' : 'account', label: req.account.address, accountId: req.account.id, ip: req.ip }
    : { kind: 'system', label: req.label, accountId: req.accountId, ip: null };
}
