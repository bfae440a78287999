/**
 * Messages from phones. STOP and START maintain the opt-out list of the organisation that last
 * wrote to the number; YES and CANCEL answer an appointment reminder (through the AppointmentSource);
 * anything else becomes a mail in the mailbox of whoever sent the message it answers (or the
 * clinic's reply mailbox), threaded to it by In-Reply-To and References (RFC 5322 section 3.6.4).
 * Every inbound message is recorded; the gateway acknowledges it only once that is done.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { SmsInbound } from '../../gateways/types.js';
import type { SmsMessageRow, Store } from '../../store/types.js';
import type { DeliveryService } from '../mail/delivery.js';
import type { AppointmentSource } from './appointments.js';
import { keywordOf } from './keywords.js';
import { maskNumber, normaliseNumber } from './numbers.js';
import type { SmsLog } from './sms-queue.js';
import type { SmsOptions } from './types.js';

export class SmsInboundHandler {
  appointments: AppointmentSource | null = null;
  log: SmsLog = () => undefined;

  constructor(
    private readonly store: Store,
    private readonly delivery: DeliveryService,
    private readonly options: SmsOptions,
  ) {}

  /**
   * Handles one inbound message or part; returns what was done with it (stop, start, yes, cancel,
   * mail, unmatched; `part` while a concatenated message still misses parts).
   */
  async handle(m: SmsInbound): Promise<string> {
    if (!m.part || m.part.total <= 1) return this.handleWhole(m);
    // Parts wait in the store (the SMSC was told each one arrived). They are dropped only after the
    // whole message is handled: a crash in between leaves the last part unacknowledged, the SMSC
    // sends it again, and the stored parts complete the message once more.
    const key = `${m.from}|${m.to}|${m.part.ref}|${m.part.total}`;
    const now = Date.now();
    const parts = await this.store.grouped((tx) =>
      tx.sms.addInboundPart({ key, seq: m.part!.seq, total: m.part!.total, from: m.from, to: m.to, body: m.text, receivedAt: now }, now - this.options.inboundPartTtlMs),
    );
    if (!parts) return 'part';
    const action = await this.handleWhole({ from: m.from, to: m.to, text: parts.map((p) => p.body).join('') });
    await this.store.sms.dropInboundParts(key);
    return action;
  }

  private async handleWhole(m: SmsInbound): Promise<string> {
    const now = Date.now();
    let from = m.from;
    try {
      from = normaliseNumber(m.from.startsWith('+') ? m.from : `+${m.from}`, this.options.country);
    } catch {
      /* an odd originator (a short code, an alphanumeric) is kept as it came */
    }
    const related = await this.store.sms.latestTo(from, now - this.options.replyWindowMs);
    const keyword = keywordOf(m.text);
    let action = 'unmatched';
    if (related && keyword === 'stop') {
      await this.store.sms.optOut(related.org_id, from, 'sms');
      action = 'stop';
    } else if (related && keyword === 'start') {
      await this.store.sms.optIn(related.org_id, from);
      action = 'start';
    } else if (related && (keyword === 'yes' || keyword === 'cancel') && related.appointment_uid && this.appointments) {
      const answer = keyword === 'yes' ? 'confirmed' : 'cancelled';
      const line = await this.appointments.respond({ uid: related.appointment_uid, occurrence: related.appointment_occurrence ?? '', ownerAccountId: related.account_id }, answer, from);
      await this.mail(related, from, `Appointment ${answer} by the patient`, `${from} replied "${m.text.trim()}" to the reminder: the appointment is ${answer}.\n${line}\n`);
      action = keyword;
    } else if (related) {
      await this.mail(related, from, `SMS from ${from}`, m.text);
      action = 'mail';
    }
    await this.store.sms.insertInbound({ from, to: m.to, body: m.text, receivedAt: now, orgId: related?.org_id ?? null, smsId: related?.id ?? null, action });
    this.log('info', { from: maskNumber(from), action, answers: related?.id ?? null }, 'inbound sms');
    return action;
  }

  /** Delivers a reply as mail from +NUMBER@sms.<domain>, so answering it sends an SMS back. */
  private async mail(related: SmsMessageRow, from: string, subject: string, text: string): Promise<void> {
    const to = related.reply_address;
    if (!to) {
      this.log('warn', { id: related.id }, 'inbound sms: the message it answers has no reply mailbox');
      return;
    }
    const headers = [
      `From: "${from}" <${from}@${this.options.smsDomain}>`,
      `To: <${to}>`,
      `Subject: ${subject}`,
      `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
      `Message-ID: <sms-in.${randomUUID()}@${this.options.smsDomain}>`,
      `In-Reply-To: ${related.message_id}`,
      `References: ${related.message_id}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      `X-Wardpost-SMS: reply to ${related.id}`,
    ];
    const body = Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n');
    const raw = `${headers.join('\r\n')}\r\n\r\n${body}\r\n`;
    await this.delivery.deliver({ source: Readable.from([Buffer.from(raw)]), recipients: [to] });
  }
}
