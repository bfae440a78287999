/**
 * The calendar domain as the rest of the platform sees it: collections and objects
 * (CalendarService), sharing, free/busy, scheduling, and the small interface the SMS reminders
 * read (`appointmentsWithReminders` plus `calendar.event.changed` on the event bus).
 */
import type { AccountService } from '../accounts/account-service.js';
import type { EventBus } from '../events/bus.js';
import type { Store } from '../../store/types.js';
import { appointmentsBetween } from './appointments.js';
import { CalendarService } from './calendar-service.js';
import { CalendarSharing } from './calendar-sharing.js';
import { FreeBusy } from './freebusy.js';
import { ImipReceiver } from './imip-inbound.js';
import { Scheduler, type SchedulingLog } from './scheduling.js';
import type { Appointment } from './types.js';

export class Calendars {
  readonly service: CalendarService;
  readonly sharing: CalendarSharing;
  readonly freeBusy: FreeBusy;
  readonly scheduling: Scheduler;
  readonly imip: ImipReceiver;

  constructor(
    private readonly store: Store,
    bus: EventBus,
    readonly accounts: AccountService,
    nationalDomain: string,
  ) {
    this.service = new CalendarService(store, bus);
    this.sharing = new CalendarSharing(this.service);
    this.freeBusy = new FreeBusy(this.service);
    this.scheduling = new Scheduler(this.service, this.freeBusy, nationalDomain);
    this.imip = new ImipReceiver(store, this.scheduling, bus);
    // Every new account gets its default calendar and scheduling inbox. Accounts made by another
    // process (the CLI) get them on first use instead (CalendarService.open/home).
    bus.subscribe('account.created', (e) => {
      this.service.ensureDefaults(e.accountId).catch(() => undefined);
    });
  }

  /** Where scheduling and iMIP reception log (the composition root passes its logger). */
  useLogger(log: SchedulingLog): void {
    this.scheduling.log = log;
    this.imip.log = log;
  }

  /**
   * Appointment instances (events with a patient mobile number) starting in [from, to), each with
   * its reminder offsets: what the SMS reminder service schedules from.
   */
  appointmentsWithReminders(range: { from: Date | number; to: Date | number; limit?: number }): Promise<Appointment[]> {
    return appointmentsBetween(this.store, +range.from, +range.to, range.limit);
  }
}
