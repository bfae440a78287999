/**
 * Free/busy (RFC 5545 section 3.6.4, RFC 6638 section 5): when is a colleague busy. Privacy: a
 * colleague of the same organisation, or anyone granted "l" on a calendar, sees busy blocks
 * only; details (summary, UID) only on calendars the viewer may read. Transparent, cancelled and
 * declined events leave the time free; unanswered and tentative ones are BUSY-TENTATIVE.
 */
import type { Account } from '../accounts/account-service.js';
import { invalid } from '../errors.js';
import type { AccountRow } from '../../store/types.js';
import type { CalendarService } from './calendar-service.js';
import { parseCalendar, attendeesOf } from './ical.js';
import { CALENDAR_LIMITS } from './limits.js';
import { instances } from './recurrence.js';
import { isPrivate, PRIVATE_SUMMARY } from './privacy.js';
import { canRead, canSeeFreeBusy, canSeePrivate } from './rights.js';
import { ALL_RIGHTS } from '../sharing/rights.js';
import type { BusyPeriod } from './types.js';

export interface FreeBusyAnswer {
  address: string;
  /** ok; unknown (not one of our users); forbidden (another organisation, nothing shared). */
  status: 'ok' | 'unknown' | 'forbidden';
  busy: BusyPeriod[];
}

export class FreeBusy {
  constructor(private readonly calendars: CalendarService) {}

  /** Busy time of each address in [start, end), as this viewer may see it. */
  async lookup(viewer: Account, addresses: string[], start: number, end: number): Promise<FreeBusyAnswer[]> {
    if (!(end > start)) throw invalid('the free/busy window must end after it starts');
    if (end - start > CALENDAR_LIMITS.maxFreeBusyMs) throw invalid('ask for at most a year of free/busy at a time');
    const out: FreeBusyAnswer[] = [];
    for (const address of addresses) {
      let owner: AccountRow;
      try {
        owner = await this.calendars.owner(address);
      } catch {
        out.push({ address, status: 'unknown', busy: [] });
        continue;
      }
      out.push(await this.forOwner(viewer, owner, address, start, end));
    }
    return out;
  }

  /** Busy periods of one account (also what resource booking checks, as the resource itself). */
  async busyOf(owner: AccountRow, start: number, end: number, opts: { exceptUid?: string } = {}): Promise<BusyPeriod[]> {
    const cals = (await this.calendars.store.calendar.list(owner.id)).filter((c) => c.kind === 'calendar');
    return this.collect(owner, cals.map((c) => ({ id: Number(c.id), rights: ALL_RIGHTS })), start, end, opts.exceptUid);
  }

  private async forOwner(viewer: Account, owner: AccountRow, address: string, start: number, end: number): Promise<FreeBusyAnswer> {
    const sameOrg = Number(owner.org_id) === viewer.org.id;
    const visible: { id: number; rights: string }[] = [];
    for (const c of await this.calendars.store.calendar.list(owner.id)) {
      if (c.kind !== 'calendar') continue;
      const rights = await this.calendars.rightsOn(viewer.id, c);
      if (canSeeFreeBusy(rights) || sameOrg) visible.push({ id: Number(c.id), rights });
    }
    if (!visible.length && !sameOrg) return { address, status: 'forbidden', busy: [] };
    return { address, status: 'ok', busy: await this.collect(owner, visible, start, end) };
  }

  /** Busy periods on these calendars; what each tells beyond the times follows the viewer's `rights` on it. */
  private async collect(owner: AccountRow, cals: { id: number; rights: string }[], start: number, end: number, exceptUid?: string): Promise<BusyPeriod[]> {
    const own = new Set([owner.address.toLowerCase(), ...(await this.calendars.store.accounts.aliases(owner.id)).map((a) => a.toLowerCase())]);
    const busy: BusyPeriod[] = [];
    for (const cal of cals) {
      for (const row of await this.calendars.store.calendar.objectsOverlapping([cal.id], start, end)) {
        if (row.component !== 'VEVENT' || (exceptUid && row.uid === exceptUid)) continue;
        let parsed;
        try {
          parsed = parseCalendar(row.data);
        } catch {
          continue;
        }
        for (const i of instances(parsed, start, end, CALENDAR_LIMITS.maxInstances)) {
          const c = i.component;
          if (String(c.getFirstPropertyValue('transp') ?? 'OPAQUE').toUpperCase() === 'TRANSPARENT') continue;
          const status = String(c.getFirstPropertyValue('status') ?? '').toUpperCase();
          if (status === 'CANCELLED') continue;
          const me = attendeesOf(c).find((a) => own.has(a.address));
          if (me?.partstat === 'DECLINED') continue;
          const tentative = status === 'TENTATIVE' || me?.partstat === 'TENTATIVE' || me?.partstat === 'NEEDS-ACTION';
          const period: BusyPeriod = { start: Math.max(i.start, start), end: Math.min(i.end, end), type: tentative ? 'BUSY-TENTATIVE' : 'BUSY' };
          if (period.end <= period.start) continue;
          if (canRead(cal.rights)) {
            period.summary = canSeePrivate(cal.rights) || !isPrivate(row.data) ? String(c.getFirstPropertyValue('summary') ?? '') : PRIVATE_SUMMARY;
            period.uid = parsed.uid;
          }
          busy.push(period);
        }
      }
    }
    return busy.sort((a, b) => a.start - b.start);
  }
}
