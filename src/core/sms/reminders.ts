/**
 * Appointment reminders. Each (event uid, occurrence, minutes before) is one row in
 * sms_reminders, inserted once (its key is the primary key), so a reminder is never scheduled
 * twice; when it falls due, the row moves to "queued" and its SMS is stored in the same
 * transaction (compare-and-set on the status), so it is never sent twice either, across restarts
 * and nodes. A moved appointment moves its pending reminders; a cancelled one cancels them.
 */
import type { Store } from '../../store/types.js';
import { isWardpostError } from '../errors.js';
import type { Appointment, AppointmentSource } from './appointments.js';
import { planSms } from './encoding.js';
import { maskNumber, normaliseNumber } from './numbers.js';
import type { SmsService } from './sms-service.js';
import type { SmsLog } from './sms-queue.js';
import { renderTemplate } from './template.js';

export const DEFAULT_REMINDER_TEMPLATE = 'Reminder: your appointment at {{clinic}} is on {{date}}. Reply YES to confirm or CANCEL to cancel. Reply STOP to stop these messages.';

export interface ReminderOptions {
  template: string;
  /** How far ahead appointments are read (ms): reminders further out than this are scheduled once it comes near. */
  horizonMs: number;
  /** How often the whole horizon is read again (ms), besides following changes. */
  fullSyncMs: number;
  /** Time zone the {{date}} field is written in. */
  timeZone: string;
}

export const DEFAULT_REMINDER_OPTIONS: ReminderOptions = { template: DEFAULT_REMINDER_TEMPLATE, horizonMs: 15 * 86_400_000, fullSyncMs: 10 * 60_000, timeZone: 'Europe/London' };

export class ReminderScheduler {
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private ticking: Promise<void> | null = null;
  private changes: Promise<void> = Promise.resolve();
  log: SmsLog = () => undefined;

  constructor(
    private readonly store: Store,
    private readonly sms: SmsService,
    private readonly source: AppointmentSource,
    private readonly options: ReminderOptions = DEFAULT_REMINDER_OPTIONS,
  ) {}

  /** Catches up with the calendar (what changed while we were down), then follows its changes. */
  async start(intervalMs = 15_000): Promise<void> {
    this.unsubscribe = this.source.subscribe((uids) => {
      // One change at a time, in order: a move right after a create must not be overtaken.
      this.changes = this.changes.then(() => this.resync(uids)).catch((err: unknown) => this.log('error', { err: String(err) }, 'reminders: change failed'));
    });
    await this.resync(null);
    let lastFull = Date.now();
    this.timer = setInterval(() => {
      if (Date.now() - lastFull >= this.options.fullSyncMs) {
        lastFull = Date.now();
        this.changes = this.changes.then(() => this.resync(null)).catch((err: unknown) => this.log('error', { err: String(err) }, 'reminders: sync failed'));
      }
      void this.tick().catch((err: unknown) => this.log('error', { err: String(err) }, 'reminders: send failed'));
    }, intervalMs);
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.changes;
    await this.ticking;
  }

  /** Waits until every change seen so far is applied and what fell due is queued (tests, shutdown). */
  async settled(): Promise<void> {
    await this.changes;
    await this.tick();
  }

  /**
   * Reads the appointments of the horizon and brings the reminders of `uids` (null: all of them)
   * in line: new ones scheduled, moved ones moved, and pending ones whose appointment is gone,
   * cancelled or no longer wants them, cancelled. Then sends what is due.
   */
  async resync(uids: readonly string[] | null): Promise<void> {
    const now = Date.now();
    const to = now + this.options.horizonMs;
    const wanted = uids ? new Set(uids) : null;
    const list = (await this.source.between(now, to)).filter((a) => !wanted || wanted.has(a.uid));
    const live = new Set<string>();
    for (const a of list) {
      if (!a.cancelled) live.add(`${a.uid}\u0000${a.occurrence}`);
      await this.schedule(a);
    }
    const pending = wanted ? (await Promise.all([...wanted].map((u) => this.store.sms.remindersOf(u)))).flat().filter((r) => r.status === 'pending') : await this.store.sms.pendingReminders(now, to, 100_000);
    for (const r of pending) {
      const inRange = r.appointment_start >= now && r.appointment_start < to;
      if ((inRange || wanted) && !live.has(`${r.event_uid}\u0000${r.occurrence}`)) await this.store.sms.updatePendingReminder(r.event_uid, r.occurrence, r.offset_minutes, { status: 'cancelled' });
    }
    await this.tick();
  }

  /** Creates or moves the reminders of one appointment occurrence (idempotent). */
  async schedule(a: Appointment): Promise<void> {
    if (a.cancelled) return this.cancel(a.uid, a.occurrence);
    let to: string;
    try {
      to = normaliseNumber(a.mobile, this.sms.options.country);
    } catch (err) {
      this.log('warn', { uid: a.uid, err: String(err) }, 'reminders: appointment with an unusable mobile number');
      return;
    }
    const offsets = new Set(a.remindMinutesBefore.filter((m) => Number.isInteger(m) && m > 0));
    const fieldsJson = JSON.stringify(a.fields);
    for (const row of await this.store.sms.remindersOf(a.uid)) {
      if (row.occurrence === a.occurrence && !offsets.has(row.offset_minutes)) await this.store.sms.updatePendingReminder(a.uid, a.occurrence, row.offset_minutes, { status: 'cancelled' });
    }
    // An appointment made late: reminders already past are dropped, unless none is left to come,
    // in which case the nearest one goes now.
    const now = Date.now();
    const past = [...offsets].filter((m) => a.start - m * 60_000 <= now);
    const nearestPast = past.length && past.length === offsets.size ? Math.min(...past) : null;
    for (const m of offsets) {
      const sendAt = a.start - m * 60_000;
      if (sendAt <= now && m !== nearestPast && !(await this.store.sms.reminder(a.uid, a.occurrence, m))) continue;
      const inserted = await this.store.sms.insertReminder({ eventUid: a.uid, occurrence: a.occurrence, offsetMinutes: m, orgId: a.orgId, to, sendAt, appointmentStart: a.start, ownerAccountId: a.ownerAccountId, fieldsJson });
      if (!inserted && !(await this.store.sms.updatePendingReminder(a.uid, a.occurrence, m, { sendAt, appointmentStart: a.start, to, fieldsJson }))) {
        // Cancelled earlier (the appointment was cancelled, or this reminder dropped) and wanted again.
        if (sendAt > now) await this.store.sms.reviveReminder(a.uid, a.occurrence, m, { sendAt, appointmentStart: a.start, to, fieldsJson });
      }
    }
  }

  /** Cancels the pending reminders of an occurrence, or of every occurrence. */
  async cancel(uid: string, occurrence?: string): Promise<void> {
    for (const row of await this.store.sms.remindersOf(uid)) {
      if (occurrence === undefined || row.occurrence === occurrence) await this.store.sms.updatePendingReminder(uid, row.occurrence, row.offset_minutes, { status: 'cancelled' });
    }
  }

  /** Sends what is due (one at a time per node; the status compare-and-set keeps nodes apart). */
  tick(): Promise<void> {
    this.ticking ??= this.sendDue().finally(() => (this.ticking = null));
    return this.ticking;
  }

  private async sendDue(): Promise<void> {
    const now = Date.now();
    for (const r of await this.store.sms.dueReminders(now, 500)) {
      if (r.appointment_start <= now) {
        await this.store.sms.updatePendingReminder(r.event_uid, r.occurrence, r.offset_minutes, { status: 'skipped' });
        continue;
      }
      const fields = { ...(JSON.parse(r.fields_json) as Record<string, string>) };
      fields.date ??= new Date(r.appointment_start).toLocaleString('en-GB', { timeZone: this.options.timeZone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
      try {
        const body = renderTemplate(this.options.template, fields);
        const plan = planSms(body, this.sms.options.maxParts);
        if (await this.store.sms.isOptedOut(r.org_id, r.to_number)) {
          await this.store.sms.updatePendingReminder(r.event_uid, r.occurrence, r.offset_minutes, { status: 'skipped' });
          continue;
        }
        const req = { kind: 'system' as const, label: 'system:reminders', orgId: r.org_id, accountId: r.owner_account_id, replyAddress: await this.replyAddress(r.owner_account_id) };
        const queued = await this.store.transaction(async (tx) => {
          const [smsId] = await this.sms.enqueueIn(tx, req, r.org_id, [{ to: r.to_number, body, plan }], { source: 'reminder', batchId: null, appointment: { uid: r.event_uid, occurrence: r.occurrence } });
          // Another node took it first: roll everything back (the charge and the SMS included).
          if (!(await tx.sms.markReminderQueued(r.event_uid, r.occurrence, r.offset_minutes, smsId!))) throw new ReminderTaken();
          return smsId!;
        });
        this.log('info', { uid: r.event_uid, offset: r.offset_minutes, to: maskNumber(r.to_number), sms: queued }, 'reminder queued');
      } catch (err) {
        if (err instanceof ReminderTaken) continue;
        // Over the cap or a template the appointment cannot fill: give up on this reminder, say why.
        if (isWardpostError(err)) {
          await this.store.sms.updatePendingReminder(r.event_uid, r.occurrence, r.offset_minutes, { status: 'skipped' });
          this.log('warn', { uid: r.event_uid, err: err.message }, 'reminder not sent');
          continue;
        }
        throw err;
      }
    }
    this.sms.kickQueue();
  }

  private async replyAddress(ownerAccountId: number | null): Promise<string | null> {
    if (ownerAccountId === null) return null;
    return (await this.store.accounts.byId(ownerAccountId))?.address ?? null;
  }
}

class ReminderTaken extends Error {}
