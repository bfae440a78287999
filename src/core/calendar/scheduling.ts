/**
 * Implicit scheduling (RFC 6638 section 3) with iMIP for people elsewhere (RFC 6047). When an
 * organiser saves an event with attendees, each attendee gets the invitation: a local colleague
 * in their calendar (PARTSTAT=NEEDS-ACTION), their scheduling inbox and their mail; anyone else
 * by email through the outbound queue. When an attendee's answer changes (saved by a client, by
 * the API, or by a delegate with the "p" right, who is named SENT-BY), the organiser's copy is
 * updated, or a REPLY is mailed. Updates re-send REQUEST, removals and deletions send CANCEL.
 * Rooms and equipment (calendars with booking "auto") answer by themselves: accepted when free,
 * declined on a conflict.
 */
import { randomUUID } from 'node:crypto';
import ICAL from 'ical.js';
import type { Account } from '../accounts/account-service.js';
import { WardpostError, notFound } from '../errors.js';
import type { AccountRow, CalendarObjectRow } from '../../store/types.js';
import { DEFAULT_CALENDAR, INBOX, type CalendarRef, type CalendarService, type WriteResult } from './calendar-service.js';
import type { FreeBusy } from './freebusy.js';
import { attendeesOf, calAddress, parseCalendar, stringify } from './ical.js';
import { asItip, asResource, imipMessage, markCancelled, replyFrom } from './itip.js';
import { instances } from './recurrence.js';
import { canSchedule } from './rights.js';
import type { ParsedCalendar } from './types.js';

/** How scheduling mail leaves: local addresses by local delivery, others through the outbound queue. */
export interface SchedulingMailer {
  send(o: { from: string; fromAccountId: number; to: string[]; raw: Buffer }): Promise<void>;
}

export type PartStat = 'ACCEPTED' | 'DECLINED' | 'TENTATIVE' | 'NEEDS-ACTION';
export const PARTSTATS: readonly PartStat[] = ['ACCEPTED', 'DECLINED', 'TENTATIVE', 'NEEDS-ACTION'];

const SIGNIFICANT = ['dtstart', 'dtend', 'duration', 'due', 'rrule', 'rdate', 'exdate', 'summary', 'location', 'status', 'recurrence-id'];
/** How far ahead a room checks a recurring booking for conflicts. */
const BOOKING_HORIZON_MS = 2 * 366 * 86_400_000;

function fingerprint(p: ParsedCalendar): string {
  const comps = p.master ? [p.master, ...p.overrides] : p.overrides;
  return JSON.stringify(comps.map((c) => SIGNIFICANT.map((n) => c.getAllProperties(n).map((x) => x.toICALString()))));
}

/** Sets one attendee's PARTSTAT in every component; returns whether anything changed. */
function setPartstat(root: ICAL.Component, address: string, partstat: string, sentBy: string | null): boolean {
  let changed = false;
  for (const c of root.getAllSubcomponents()) {
    for (const p of c.getAllProperties('attendee')) {
      if (calAddress(p.getFirstValue()) !== address) continue;
      if (String(p.getParameter('partstat') ?? '').toUpperCase() !== partstat) changed = true;
      p.setParameter('partstat', partstat);
      p.removeParameter('rsvp');
      if (sentBy) p.setParameter('sent-by', `mailto:${sentBy}`);
      else p.removeParameter('sent-by');
    }
  }
  return changed;
}

function describe(p: ParsedCalendar): { summary: string; when: string } {
  const c = p.master ?? p.overrides[0]!;
  const start = c.getFirstPropertyValue('dtstart') as ICAL.Time | null;
  return { summary: String(c.getFirstPropertyValue('summary') ?? '(no title)'), when: start ? `${new Date(start.toUnixTime() * 1000).toUTCString().replace(':00 GMT', ' UTC')}${p.recurring ? ' (repeating)' : ''}` : '' };
}

export type SchedulingLog = (level: 'info' | 'warn', detail: Record<string, unknown>, msg: string) => void;

export class Scheduler {
  private mailer: SchedulingMailer | null = null;
  log: SchedulingLog = () => undefined;

  constructor(
    private readonly calendars: CalendarService,
    private readonly freeBusy: FreeBusy,
    private readonly domain: string,
  ) {
    // The change is committed by now: a message that cannot go out is logged, not turned into a
    // failure of a write that already happened.
    calendars.onChange(
      (e) => this.afterChange(e).catch((err: unknown) => this.log('warn', { err: String(err), owner: e.ref.owner.address, name: e.name }, 'scheduling message not sent')),
      (e) => this.guard(e),
    );
  }

  /** The composition root connects the mail transport (core does not know SMTP). */
  useMailer(mailer: SchedulingMailer): void {
    this.mailer = mailer;
  }

  private async own(row: AccountRow): Promise<Set<string>> {
    return new Set([row.address.toLowerCase(), ...(await this.calendars.store.accounts.aliases(row.id)).map((a) => a.toLowerCase())]);
  }

  /** The object with this UID in one of the account's calendars. */
  private async findByUid(owner: AccountRow, uid: string): Promise<{ ref: CalendarRef; object: CalendarObjectRow } | null> {
    const rows = (await this.calendars.store.calendar.list(owner.id)).filter((c) => c.kind === 'calendar');
    const hits = await this.calendars.store.calendar.objectsByUid(rows.map((r) => Number(r.id)), uid);
    if (!hits.length) return null;
    const row = rows.find((r) => Number(r.id) === Number(hits[0]!.calendar_id))!;
    return { ref: { owner, row, rights: 'lrswipkxtea' }, object: hits[0]! };
  }

  private async ownerRef(owner: AccountRow, path: string): Promise<CalendarRef> {
    await this.calendars.ensureDefaults(owner.id);
    const row = await this.calendars.store.calendar.byPath(owner.id, path);
    if (!row) throw notFound(`${owner.address} has no ${path}`);
    return { owner, row, rights: 'lrswipkxtea' };
  }

  /** Someone other than the owner may only speak for the owner with the "p" (delegate) right. */
  private async guard(e: { ref: CalendarRef; actor: Account; before: CalendarObjectRow | undefined; data: string | null }): Promise<void> {
    if (e.actor.id === e.ref.owner.id || e.ref.row.kind !== 'calendar' || canSchedule(e.ref.rights)) return;
    const texts = [e.data, e.before?.data].filter((t): t is string => !!t);
    for (const t of texts) {
      let p: ParsedCalendar;
      try {
        p = parseCalendar(t);
      } catch {
        continue; // the write itself will refuse it
      }
      if (p.organizer && p.attendees.length) {
        throw new WardpostError('forbidden', `only ${e.ref.owner.address} or a delegate may change a meeting in this calendar`, { dav: 'need-privileges' });
      }
    }
  }

  private async afterChange(e: { ref: CalendarRef; actor: Account; name: string; before: CalendarObjectRow | undefined; after: WriteResult | null }): Promise<void> {
    if (e.ref.row.kind !== 'calendar') return;
    const before = e.before?.component ? parseCalendar(e.before.data) : null;
    const after = e.after?.parsed ?? null;
    const lead = after ?? before;
    if (!lead?.organizer) return;
    const own = await this.own(e.ref.owner);
    const sentBy = e.actor.id === e.ref.owner.id ? null : e.actor.address;
    if (own.has(lead.organizer)) await this.asOrganizer(e.ref.owner, own, before, after, sentBy);
    else {
      const me = lead.attendees.find((a) => own.has(a.address));
      if (!me) return;
      const prev = before?.attendees.find((a) => a.address === me.address)?.partstat ?? 'NEEDS-ACTION';
      const next = after ? (after.attendees.find((a) => a.address === me.address)?.partstat ?? 'NEEDS-ACTION') : 'DECLINED';
      if (after && next === prev) return;
      if (!after && String((before?.master ?? before?.overrides[0])?.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED') return;
      await this.sendReply(e.ref.owner, me.address, lead, next, sentBy);
    }
  }

  private async asOrganizer(owner: AccountRow, own: Set<string>, before: ParsedCalendar | null, after: ParsedCalendar | null, sentBy: string | null): Promise<void> {
    const invitees = (p: ParsedCalendar | null) => (p ? p.attendees.filter((a) => !own.has(a.address) && a.scheduleAgent === 'SERVER' && a.address.includes('@')).map((a) => a.address) : []);
    const was = invitees(before);
    const now = invitees(after);
    const cancelled = (p: ParsedCalendar | null) => String((p?.master ?? p?.overrides[0])?.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED';
    if (!after) {
      if (!cancelled(before)) await this.send(owner, 'CANCEL', before!, was, sentBy);
      return;
    }
    const removed = was.filter((a) => !now.includes(a));
    if (removed.length) await this.send(owner, 'CANCEL', before!, removed, sentBy);
    if (cancelled(after)) {
      if (!cancelled(before)) await this.send(owner, 'CANCEL', after, now, sentBy);
      return;
    }
    const changed = !before || fingerprint(before) !== fingerprint(after);
    const to = changed ? now : now.filter((a) => !was.includes(a));
    if (to.length) await this.send(owner, 'REQUEST', after, to, sentBy);
  }

  /** Delivers an organiser's REQUEST or CANCEL to each attendee: locally into the store, else by iMIP. */
  private async send(organizer: AccountRow, method: 'REQUEST' | 'CANCEL', parsed: ParsedCalendar, to: string[], sentBy: string | null): Promise<void> {
    const itip = asItip(parsed.root, method, method === 'CANCEL' ? markCancelled : undefined);
    const { summary, when } = describe(parsed);
    const remote: string[] = [];
    const mailLocal: string[] = [];
    for (const address of to) {
      const local = await this.calendars.store.accounts.resolve(address);
      if (!local) {
        remote.push(address);
        continue;
      }
      const booked = await this.deliverLocal(local, address, method, itip);
      if (!booked) mailLocal.push(address);
    }
    const verb = method === 'CANCEL' ? 'Cancelled' : 'Invitation';
    const text = `${verb}: ${summary}\n${when}\nFrom ${organizer.display_name} <${organizer.address}>${sentBy ? ` (sent by ${sentBy})` : ''}\n\nYour calendar program can answer this invitation; the details are in the attached calendar file.\n`;
    const recipients = [...mailLocal, ...remote];
    if (recipients.length) await this.mail(organizer, sentBy, recipients, `${verb}: ${summary}`, text, itip, method);
  }

  /**
   * A scheduling message for a local account: into its inbox and calendar (RFC 6638 section 4).
   * Returns true when a room or equipment calendar answered by itself (no mail wanted).
   */
  async deliverLocal(recipient: AccountRow, address: string, method: string, itip: string): Promise<boolean> {
    const msg = parseCalendar(itip, 'itip');
    await this.calendars.write(await this.ownerRef(recipient, INBOX), `${randomUUID()}.ics`, itip);
    if (method === 'REPLY') {
      const sender = msg.attendees[0];
      if (sender) await this.applyReply(recipient, msg, sender.address);
      return false;
    }
    const existing = await this.findByUid(recipient, msg.uid);
    if (method === 'CANCEL') {
      if (!existing) return false;
      const root = ICAL.Component.fromString(existing.object.data);
      for (const c of root.getAllSubcomponents()) if (c.name !== 'vtimezone') markCancelled(c);
      await this.calendars.write(existing.ref, existing.object.name, stringify(root));
      return false;
    }
    // REQUEST: the organiser's version, keeping the answer this attendee already gave.
    const root = ICAL.Component.fromString(asResource(itip));
    const target = existing?.ref ?? (await this.ownerRef(recipient, DEFAULT_CALENDAR));
    const name = existing?.object.name ?? `${msg.uid.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120)}.ics`;
    const prior = existing ? attendeesOf(parseCalendar(existing.object.data).master ?? parseCalendar(existing.object.data).overrides[0]!).find((a) => a.address === address) : undefined;
    let auto: string | null = null;
    if (target.row.booking === 'auto') auto = (await this.isFree(recipient, parseCalendar(stringify(root)))) ? 'ACCEPTED' : 'DECLINED';
    const partstat = auto ?? prior?.partstat;
    if (partstat) setPartstat(root, address, partstat, null);
    const written = await this.calendars.write(target, name, stringify(root));
    if (auto) await this.sendReply(recipient, address, written.parsed!, auto, null);
    return auto !== null;
  }

  /** Is a resource free for every instance of this event (its own bookings of the same UID aside)? */
  private async isFree(resource: AccountRow, p: ParsedCalendar): Promise<boolean> {
    const from = p.firstStart ?? Date.now();
    const list = instances(p, from, from + BOOKING_HORIZON_MS, 500);
    if (!list.length) return true;
    const busy = await this.freeBusy.busyOf(resource, list[0]!.start, list[list.length - 1]!.end, { exceptUid: p.uid });
    return !list.some((i) => busy.some((b) => b.type !== 'BUSY-TENTATIVE' && b.start < i.end && b.end > i.start));
  }

  /** An attendee's answer reaches the organiser: directly in the store when local, else by iMIP. */
  private async sendReply(attendee: AccountRow, address: string, parsed: ParsedCalendar, partstat: string, sentBy: string | null): Promise<void> {
    const itip = replyFrom(parsed.root, address, partstat, sentBy);
    const organizer = parsed.organizer!;
    const local = await this.calendars.store.accounts.resolve(organizer);
    if (local) {
      await this.deliverLocal(local, organizer, 'REPLY', itip);
      return;
    }
    const { summary } = describe(parsed);
    const word = partstat === 'ACCEPTED' ? 'Accepted' : partstat === 'DECLINED' ? 'Declined' : partstat === 'TENTATIVE' ? 'Tentative' : 'Reply';
    await this.mail(attendee, sentBy, [organizer], `${word}: ${summary}`, `${attendee.display_name} <${address}> has answered: ${word.toLowerCase()}${sentBy ? ` (sent by ${sentBy})` : ''}.\n`, itip, 'REPLY');
  }

  /**
   * A REPLY reaches the organiser (RFC 5546 3.2.3): the attendee's PARTSTAT (and SENT-BY) in the
   * organiser's copy. Only an attendee already invited is taken; anything else is ignored.
   */
  async applyReply(organizer: AccountRow, reply: ParsedCalendar, from: string): Promise<boolean> {
    const found = await this.findByUid(organizer, reply.uid);
    if (!found) return false;
    const answer = reply.attendees.find((a) => a.address === from || a.sentBy === from);
    if (!answer || !PARTSTATS.includes(answer.partstat as PartStat)) return false;
    const root = ICAL.Component.fromString(found.object.data);
    const invited = root.getAllSubcomponents().some((c) => c.getAllProperties('attendee').some((p) => calAddress(p.getFirstValue()) === answer.address));
    if (!invited) return false;
    if (!setPartstat(root, answer.address, answer.partstat, answer.sentBy)) return true;
    await this.calendars.write(found.ref, found.object.name, stringify(root));
    return true;
  }

  /**
   * Answers an invitation (accept, decline, tentative) for `ownerAddress`: by the owner, or by a
   * delegate holding "p" on the calendar that holds it (the reply then names them SENT-BY).
   */
  async respond(actor: Account, ownerAddress: string, uid: string, partstat: PartStat): Promise<void> {
    const owner = await this.calendars.owner(ownerAddress);
    const found = await this.findByUid(owner, uid);
    if (!found) throw notFound(`no invitation ${uid} in the calendars of ${owner.address}`);
    const rights = await this.calendars.rightsOn(actor.id, found.ref.row);
    if (actor.id !== owner.id && !canSchedule(rights)) {
      throw new WardpostError(rights ? 'forbidden' : 'not_found', rights ? `you may not answer invitations for ${owner.address}` : `no invitation ${uid} in the calendars of ${owner.address}`);
    }
    const parsed = parseCalendar(found.object.data);
    const own = await this.own(owner);
    const me = parsed.attendees.find((a) => own.has(a.address));
    if (!me || !parsed.organizer || own.has(parsed.organizer)) throw new WardpostError('invalid_input', `${owner.address} is not invited to ${uid}`);
    const sentBy = actor.id === owner.id ? null : actor.address;
    const root = ICAL.Component.fromString(found.object.data);
    setPartstat(root, me.address, partstat, sentBy);
    const written = await this.calendars.write({ ...found.ref, rights }, found.object.name, stringify(root));
    await this.sendReply(owner, me.address, written.parsed!, partstat, sentBy);
  }

  /** Mail from a local account (or a delegate on its behalf: Sender) carrying an iTIP object. */
  private async mail(from: AccountRow, sentBy: string | null, to: string[], subject: string, text: string, ics: string, method: string): Promise<void> {
    if (!this.mailer) throw new WardpostError('temporary_failure', 'calendar mail is not connected to the mail transport');
    const raw = imipMessage({ from: from.address, fromName: from.display_name, to, ...(sentBy ? { sender: sentBy } : {}), subject, text, ics, method, domain: this.domain });
    await this.mailer.send({ from: from.address, fromAccountId: from.id, to, raw });
  }
}
