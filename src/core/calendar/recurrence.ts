/**
 * Instances of events and tasks (RFC 5545 section 3.8.5: RRULE, RDATE, EXDATE; overridden
 * instances by RECURRENCE-ID, section 3.8.4.4), expanded by ical.js in each object's own zones.
 */
import ICAL from 'ical.js';
import { utcMs, withZones } from './timezones.js';
import type { Instance, ParsedCalendar } from './types.js';

const DAY = 86_400_000;

/** Start and end (UTC ms) of one component, or null when it has no date (an undated task). */
export function componentSpan(c: ICAL.Component, startTime?: ICAL.Time): { start: number; end: number } | null {
  const dtstart = startTime ?? (c.getFirstPropertyValue('dtstart') as ICAL.Time | null);
  const due = c.getFirstPropertyValue('due') as ICAL.Time | null;
  const anchor = dtstart ?? due;
  if (!anchor) return null;
  const start = utcMs(anchor);
  const dtend = c.getFirstPropertyValue('dtend') as ICAL.Time | null;
  const duration = c.getFirstPropertyValue('duration') as ICAL.Duration | null;
  let end: number;
  if (dtend && !startTime) end = utcMs(dtend);
  else if (dtend && startTime) {
    // An instance keeps the master's length.
    const base = c.getFirstPropertyValue('dtstart') as ICAL.Time;
    end = start + (utcMs(dtend) - utcMs(base));
  } else if (duration) end = start + duration.toSeconds() * 1000;
  else if (due && dtstart) end = utcMs(due);
  else end = anchor.isDate ? start + DAY : start;
  return { start, end: Math.max(end, start) };
}

/** Overlap test of RFC 4791 section 9.9 (a zero-length instance matches where it stands). */
export function overlaps(i: { start: number; end: number }, start: number, end: number): boolean {
  return i.start < end && (i.end > start || (i.end === i.start && i.start >= start));
}

function eventOf(parsed: { master: ICAL.Component | null; overrides: ICAL.Component[] }): ICAL.Event | null {
  if (!parsed.master) return null;
  const ev = new ICAL.Event(parsed.master);
  for (const o of parsed.overrides) ev.relateException(o);
  return ev;
}

/**
 * Every instance overlapping [start, end), in order, at most `cap` of them. A non-recurring object
 * is its one instance; overridden instances come from their own component.
 */
export function instances(parsed: Pick<ParsedCalendar, 'root' | 'master' | 'overrides'>, start: number, end: number, cap = 2000): Instance[] {
  return withZones(parsed.root, () => {
    const out: Instance[] = [];
    const ev = eventOf(parsed);
    const recurring = !!parsed.master && (parsed.master.hasProperty('rrule') || parsed.master.hasProperty('rdate'));
    if (!ev || !recurring) {
      for (const c of parsed.master ? [parsed.master, ...parsed.overrides] : parsed.overrides) {
        const s = componentSpan(c);
        if (!s) out.push({ start: Number.NEGATIVE_INFINITY, end: Number.POSITIVE_INFINITY, recurrenceId: null, component: c });
        else if (overlaps(s, start, end)) out.push({ ...s, recurrenceId: (c.getFirstPropertyValue('recurrence-id') as ICAL.Time | null) ?? null, component: c });
      }
      return out;
    }
    const it = ev.iterator();
    const length = (() => {
      const s = componentSpan(parsed.master!);
      return s ? s.end - s.start : 0;
    })();
    let steps = 0;
    for (let next = it.next(); next && steps < 50_000 && out.length < cap; next = it.next(), steps++) {
      const d = ev.getOccurrenceDetails(next);
      const comp = d.item.component;
      const s = utcMs(d.startDate);
      const e = d.item.component === parsed.master ? s + length : (componentSpan(comp)?.end ?? s + length);
      // Overrides may move an instance later or earlier, so only stop well past the range.
      if (utcMs(next) >= end + 366 * DAY && s >= end) break;
      if (overlaps({ start: s, end: e }, start, end)) out.push({ start: s, end: e, recurrenceId: d.recurrenceId, component: comp });
    }
    out.sort((a, b) => a.start - b.start);
    return out;
  });
}

/** First start and last end over every instance (null end: the series never ends, or is too long to walk). */
export function spanOf(root: ICAL.Component, master: ICAL.Component | null, overrides: ICAL.Component[], cap: number): { firstStart: number | null; lastEnd: number | null } {
  const all = master ? [master, ...overrides] : overrides;
  const spans = all.map((c) => componentSpan(c)).filter((s): s is { start: number; end: number } => !!s);
  if (!spans.length) return { firstStart: null, lastEnd: null };
  let firstStart = Math.min(...spans.map((s) => s.start));
  let lastEnd = Math.max(...spans.map((s) => s.end));
  const recurring = !!master && (master.hasProperty('rrule') || master.hasProperty('rdate'));
  if (!recurring) return { firstStart, lastEnd };
  const rules = master!.getAllProperties('rrule').map((p) => p.getFirstValue() as ICAL.Recur);
  if (rules.some((r) => !r.count && !r.until)) return { firstStart, lastEnd: null };
  const list = instances({ root, master, overrides }, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, cap);
  if (list.length >= cap) return { firstStart, lastEnd: null };
  for (const i of list) {
    firstStart = Math.min(firstStart, i.start);
    lastEnd = Math.max(lastEnd, i.end);
  }
  return { firstStart, lastEnd };
}
