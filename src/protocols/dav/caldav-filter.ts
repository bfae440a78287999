/**
 * calendar-query filters (RFC 4791 section 9.7): comp-filter, prop-filter, param-filter,
 * text-match and time-range, evaluated on a parsed object; instances of recurring objects are
 * tested one by one (section 9.9), so a series matches when any of its instances does.
 */
import type { Element } from '@xmldom/xmldom';
import ICAL from 'ical.js';
import { invalid } from '../../core/errors.js';
import { instances, overlaps, componentSpan } from '../../core/calendar/recurrence.js';
import { parseIcalUtc, withZones } from '../../core/calendar/timezones.js';
import type { ParsedCalendar } from '../../core/calendar/types.js';
import { NS, child, children, text } from './xml.js';

export interface TimeRange {
  start: number;
  end: number;
}

/** A time-range element's bounds (either may be absent: open-ended). */
export function timeRange(el: Element | undefined): TimeRange | null {
  if (!el) return null;
  const s = el.getAttribute('start');
  const e = el.getAttribute('end');
  const start = s ? parseIcalUtc(s) : Number.NEGATIVE_INFINITY;
  const end = e ? parseIcalUtc(e) : Number.POSITIVE_INFINITY;
  if (Number.isNaN(start) || Number.isNaN(end) || (!s && !e)) throw invalid('time-range needs start and/or end as UTC date-times (RFC 4791 section 9.9)', { dav: 'valid-filter' });
  if (end <= start) throw invalid('time-range ends before it starts', { dav: 'valid-filter' });
  return { start, end };
}

function textMatches(el: Element, values: string[]): boolean {
  const needle = text(el);
  const collation = el.getAttribute('collation') ?? 'i;ascii-casemap';
  const fold = collation !== 'i;octet';
  const n = fold ? needle.toLowerCase() : needle;
  const type = el.getAttribute('match-type') ?? 'contains';
  const hit = values.some((v) => {
    const s = fold ? v.toLowerCase() : v;
    return type === 'equals' ? s === n : type === 'starts-with' ? s.startsWith(n) : type === 'ends-with' ? s.endsWith(n) : s.includes(n);
  });
  return el.getAttribute('negate-condition') === 'yes' ? !hit : hit;
}

function propMatches(comp: ICAL.Component, pf: Element): boolean {
  const name = (pf.getAttribute('name') ?? '').toLowerCase();
  const props = comp.getAllProperties(name);
  if (child(pf, NS.cal, 'is-not-defined')) return props.length === 0;
  if (!props.length) return false;
  const tr = child(pf, NS.cal, 'time-range');
  if (tr) {
    const range = timeRange(tr)!;
    if (!props.some((p) => p.getFirstValue() instanceof ICAL.Time && overlaps({ start: (p.getFirstValue() as ICAL.Time).toUnixTime() * 1000, end: (p.getFirstValue() as ICAL.Time).toUnixTime() * 1000 }, range.start, range.end))) return false;
  }
  const tm = child(pf, NS.cal, 'text-match');
  if (tm && !textMatches(tm, props.flatMap((p) => p.getValues().map((v) => String(v))))) return false;
  for (const paf of children(pf, NS.cal, 'param-filter')) {
    const pname = (paf.getAttribute('name') ?? '').toLowerCase();
    const values = props.map((p) => p.getParameter(pname)).filter((v) => v !== undefined && v !== null).map(String);
    if (child(paf, NS.cal, 'is-not-defined')) {
      if (values.length) return false;
      continue;
    }
    if (!values.length) return false;
    const ptm = child(paf, NS.cal, 'text-match');
    if (ptm && !textMatches(ptm, values)) return false;
  }
  return true;
}

/** Does a component (or, for a recurring one, any of its instances) satisfy a comp-filter? */
function compMatches(parsed: ParsedCalendar, comps: ICAL.Component[], cf: Element): boolean {
  const name = (cf.getAttribute('name') ?? '').toLowerCase();
  const candidates = comps.filter((c) => c.name === name);
  if (child(cf, NS.cal, 'is-not-defined')) return candidates.length === 0;
  if (!candidates.length) return false;
  const tr = timeRange(child(cf, NS.cal, 'time-range'));
  let pool = candidates;
  if (tr && name !== 'vcalendar') {
    if (name === 'valarm') return candidates.length > 0; // alarms inside a matching event: accepted
    const hits = instances(parsed, tr.start, tr.end);
    const inRange = new Set(hits.map((h) => h.component));
    // A task without any date matches every range (RFC 4791 section 9.9, VTODO table).
    pool = candidates.filter((c) => inRange.has(c) || (name === 'vtodo' && !componentSpan(c)));
    if (!pool.length) return false;
  }
  return pool.some((c) => children(cf, NS.cal, 'prop-filter').every((pf) => propMatches(c, pf)) && children(cf, NS.cal, 'comp-filter').every((sub) => compMatches(parsed, c.getAllSubcomponents(), sub)));
}

/** Applies a calendar-query <filter> (its top comp-filter must be VCALENDAR). */
export function matchesFilter(parsed: ParsedCalendar, filter: Element | undefined): boolean {
  if (!filter) return true;
  const top = child(filter, NS.cal, 'comp-filter');
  if (!top || (top.getAttribute('name') ?? '').toUpperCase() !== 'VCALENDAR') throw invalid('a calendar-query filter starts with comp-filter name="VCALENDAR" (RFC 4791 section 9.7)', { dav: 'valid-filter' });
  return withZones(parsed.root, () => compMatches(parsed, [parsed.root], top));
}

/** The widest time range a filter names (to pick candidate objects by their stored span). */
export function outerRange(filter: Element | undefined): TimeRange | null {
  const top = child(filter, NS.cal, 'comp-filter');
  for (const cf of children(top, NS.cal, 'comp-filter')) {
    const tr = timeRange(child(cf, NS.cal, 'time-range'));
    if (tr) return tr;
  }
  return null;
}
