/**
 * The SMS context wired together: the service every door calls, the queue worker and the inbound
 * handler on one gateway, and (when calendars provide appointments) the reminder scheduler.
 * Built by the composition root, which chooses the gateway.
 */
import type { SmsGateway } from '../../gateways/types.js';
import type { Store } from '../../store/types.js';
import type { Services } from '../services.js';
import type { AppointmentSource } from './appointments.js';
import { SmsInboundHandler } from './inbound.js';
import { DEFAULT_REMINDER_OPTIONS, ReminderScheduler, type ReminderOptions } from './reminders.js';
import { SmsQueue, type SmsLog } from './sms-queue.js';
import { SmsService } from './sms-service.js';
import type { SmsOptions } from './types.js';

export class SmsModule {
  readonly service: SmsService;
  readonly queue: SmsQueue;
  readonly inbound: SmsInboundHandler;
  reminders: ReminderScheduler | null = null;
  private log: SmsLog = () => undefined;

  constructor(
    private readonly store: Store,
    services: Services,
    readonly gateway: SmsGateway,
    options: SmsOptions,
  ) {
    this.service = new SmsService(store, services, options);
    this.queue = new SmsQueue(store, gateway, services.bus, options);
    this.inbound = new SmsInboundHandler(store, services.delivery, options);
    this.service.onQueued = () => this.queue.kick();
  }

  /** Where SMS events are logged (numbers masked). */
  useLogger(log: SmsLog): void {
    this.log = log;
    this.queue.log = log;
    this.inbound.log = log;
    if (this.reminders) this.reminders.log = log;
  }

  /** Appointment reminders from a calendar (and YES/CANCEL answers to it). */
  useAppointments(source: AppointmentSource, options: ReminderOptions = DEFAULT_REMINDER_OPTIONS): ReminderScheduler {
    this.reminders = new ReminderScheduler(this.store, this.service, source, options);
    this.reminders.log = this.log;
    this.inbound.appointments = source;
    return this.reminders;
  }

  /** Binds to the SMS centre (it keeps trying in the background) and starts the workers. */
  async start(opts: { queueIntervalMs?: number; reminderIntervalMs?: number } = {}): Promise<void> {
    if (!this.gateway.enabled) return;
    await this.gateway.start({ receipt: (r) => this.queue.receipt(r), inbound: async (m) => void (await this.inbound.handle(m)) });
    this.queue.start(opts.queueIntervalMs);
    await this.reminders?.start(opts.reminderIntervalMs);
  }

  async stop(): Promise<void> {
    await this.reminders?.stop();
    await this.queue.stop();
    await this.gateway.stop();
  }
}
