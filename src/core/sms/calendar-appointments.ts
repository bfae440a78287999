/**
 * Calendars as the AppointmentSource of the SMS reminders: appointment instances read through the
 * calendar domain's own interface (`appointmentsWithReminders`, RFC 5545 instances with the
 * X-WARDPOST-PATIENT-MOBILE and X-WARDPOST-REMINDER properties), changes from its
 * `calendar.event.changed` bus events, and a patient's answer written back to the event:
 * confirmed (X-WARDPOST-PATIENT-RESPONSE), or cancelled (STATUS:CANCELLED, RFC 5545 section
 * 3.8.1.11, which takes it out of free/busy; one instance of a recurring series gets an EXDATE).
 */
import ICAL from 'ical.js';
import type { Calendars } from '../calendar/calendars.js';
import { parseCalendar, stringify } from '../calendar/ical.js';
import type { Appointment as CalendarAppointment } from '../calendar/types.js';
import { parseIcalUtc } from '../calendar/timezones.js';
import type { EventBus } from '../events/bus.js';
import type { Store } from '../../store/types.js';
import type { Appointment, AppointmentSource } from './appointments.js';

/** ISO 8601 duration before the start ("P1D", "PT2H", "P1W") -> minutes; null when not usable. */
export function durationMinutes(d: string): number | null {
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(d);
  if (!m) return null;
  const [w, dd, h, mi, se] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number];
  const minutes = w * 10_080 + dd * 1440 + h * 60 + mi + Math.floor(se / 60);
  return minutes > 0 ? minutes : null;
}

export class CalendarAppointments implements AppointmentSource {
  private readonly orgOf = new Map<number, { orgId: number; orgName: string }>();

  constructor(
    private readonly store: Store,
    private readonly calendars: Calendars,
    private readonly bus: EventBus,
  ) {}

  async between(from: number, to: number): Promise<Appointment[]> {
    const out: Appointment[] = [];
    for (const a of await this.calendars.appointmentsWithReminders({ from, to, limit: 100_000 })) {
      const owner = await this.owner(a.accountId);
      if (owner) out.push(this.toAppointment(a, owner));
    }
    return out;
  }

  subscribe(listener: (uids: string[]) => void): () => void {
    return this.bus.subscribe('calendar.event.changed', (e) => {
      if (e.appointment && e.uid) listener([e.uid]);
    });
  }

  async respond(ref: { uid: string; occurrence: string; ownerAccountId: number | null }, answer: 'confirmed' | 'cancelled', from: string): Promise<string> {
    if (ref.ownerAccountId === null) return 'The appointment could not be found to update.';
    const owner = await this.store.accounts.byId(ref.ownerAccountId);
    if (!owner) return 'The appointment could not be found to update.';
    const cals = (await this.store.calendar.list(owner.id)).filter((c) => c.kind === 'calendar');
    const [obj] = await this.store.calendar.objectsByUid(cals.map((c) => Number(c.id)), ref.uid);
    if (!obj) return 'The appointment is no longer in the calendar.';
    const row = cals.find((c) => Number(c.id) === Number(obj.calendar_id))!;
    const svc = this.calendars.service;
    const calRef = { owner, row, rights: await svc.rightsOn(owner.id, row) };
    const parsed = parseCalendar(obj.data);
    const master = parsed.master ?? parsed.overrides[0]!;
    const at = new Date().toISOString();
    if (ref.occurrence && parsed.recurring) {
      const ms = parseIcalUtc(ref.occurrence);
      if (answer === 'cancelled' && Number.isFinite(ms)) master.addPropertyWithValue('exdate', ICAL.Time.fromJSDate(new Date(ms), true));
      master.addPropertyWithValue('x-wardpost-patient-response', `${answer.toUpperCase()};${ref.occurrence};${from};${at}`);
    } else {
      if (answer === 'cancelled') master.updatePropertyWithValue('status', 'CANCELLED');
      else master.updatePropertyWithValue('status', 'CONFIRMED');
      master.updatePropertyWithValue('x-wardpost-patient-response', `${answer.toUpperCase()};${from};${at}`);
    }
    master.updatePropertyWithValue('sequence', parsed.sequence + 1);
    await svc.write(calRef, obj.name, stringify(parsed.root), { ifMatch: null });
    const summary = String(master.getFirstPropertyValue('summary') ?? 'appointment');
    return answer === 'cancelled' ? `"${summary}" is cancelled in ${owner.address}'s calendar; the slot is free again.` : `"${summary}" is marked confirmed in ${owner.address}'s calendar.`;
  }

  private toAppointment(a: CalendarAppointment, owner: { orgId: number; orgName: string }): Appointment {
    const offsets = a.reminders.map(durationMinutes).filter((m): m is number => m !== null);
    return {
      uid: a.uid,
      occurrence: a.recurrenceId ?? '',
      orgId: owner.orgId,
      start: a.start,
      mobile: a.patientMobile,
      remindMinutesBefore: offsets,
      fields: { clinic: a.location || owner.orgName, summary: a.summary },
      ownerAccountId: a.accountId,
      cancelled: a.status === 'CANCELLED',
    };
  }

  private async owner(accountId: number): Promise<{ orgId: number; orgName: string } | undefined> {
    let o = this.orgOf.get(accountId);
    if (!o) {
      const acct = await this.store.accounts.byId(accountId);
      const org = acct && (await this.store.orgs.byId(Number(acct.org_id)));
      if (!acct || !org) return undefined;
      o = { orgId: Number(acct.org_id), orgName: org.name };
      this.orgOf.set(accountId, o);
    }
    return o;
  }
}
