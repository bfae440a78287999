/**
 * Time zones for ical.js (RFC 5545 section 3.2.19 TZID). ical.js only knows zones registered with
 * its TimezoneService; a TZID it does not know silently becomes floating time. So:
 *   - an IANA name (Europe/London, what nearly every client sends) is answered by the platform's
 *     tz database through Intl, registered once and kept;
 *   - any other TZID is taken from the object's own VTIMEZONE, registered only while that object
 *     is being read (its definition belongs to that object, not to everyone).
 */
import ICAL from 'ical.js';

const ianaCache = new Map<string, boolean>();

/** Whether the runtime's tz database knows this zone name. */
export function isIanaZone(tzid: string): boolean {
  let ok = ianaCache.get(tzid);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-GB', { timeZone: tzid });
      ok = true;
    } catch {
      ok = false;
    }
    ianaCache.set(tzid, ok);
  }
  return ok;
}

/** Offset (seconds east of UTC) of an IANA zone at a UTC instant. */
function offsetAt(tzid: string, utcMs: number, fmt: Intl.DateTimeFormat): number {
  const parts = Object.fromEntries(fmt.formatToParts(new Date(utcMs)).map((p) => [p.type, p.value]));
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour) % 24, Number(parts.minute), Number(parts.second));
  return Math.round((wall - Math.floor(utcMs / 1000) * 1000) / 1000);
}

/** An ical.js zone whose offsets come from Intl (the tz database). */
class IntlZone extends ICAL.Timezone {
  private readonly fmt: Intl.DateTimeFormat;
  constructor(tzid: string) {
    super({ tzid });
    this.fmt = new Intl.DateTimeFormat('en-GB', { timeZone: tzid, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  }

  /** `tt` is wall-clock time in this zone: find the offset that maps it back to itself. */
  override utcOffset(tt: ICAL.Time): number {
    const wall = Date.UTC(tt.year, tt.month - 1, tt.day, tt.hour, tt.minute, tt.second);
    let off = offsetAt(this.tzid, wall, this.fmt);
    const second = offsetAt(this.tzid, wall - off * 1000, this.fmt);
    if (second !== off) off = second; // near a transition the first guess may be on the other side
    return off;
  }
}

function tzidsUsed(comp: ICAL.Component, out = new Set<string>()): Set<string> {
  for (const p of comp.getAllProperties()) {
    const tz = p.getParameter('tzid');
    if (typeof tz === 'string') out.add(tz);
  }
  for (const c of comp.getAllSubcomponents()) tzidsUsed(c, out);
  return out;
}

/**
 * Runs `fn` with every zone `root` refers to known to ical.js; must be called before any date
 * property of `root` is read (ical.js resolves zones when it first decorates a value).
 */
export function withZones<T>(root: ICAL.Component, fn: () => T): T {
  const temporary: string[] = [];
  for (const tzid of tzidsUsed(root)) {
    if (ICAL.TimezoneService.has(tzid)) continue;
    if (isIanaZone(tzid)) {
      ICAL.TimezoneService.register(new IntlZone(tzid), tzid);
      continue;
    }
    const vtz = root.getAllSubcomponents('vtimezone').find((z) => z.getFirstPropertyValue('tzid') === tzid);
    if (vtz) {
      ICAL.TimezoneService.register(new ICAL.Timezone(vtz), tzid);
      temporary.push(tzid);
    }
  }
  try {
    return fn();
  } finally {
    for (const tzid of temporary) ICAL.TimezoneService.remove(tzid);
  }
}

/** UTC milliseconds of an ical.js time; a DATE or floating time is read as UTC. */
export function utcMs(t: ICAL.Time): number {
  return t.toUnixTime() * 1000;
}

/** An iCalendar UTC DATE-TIME string (RFC 5545 section 3.3.5, form 2). */
export function icalUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Parses an iCalendar UTC DATE-TIME (as in time-range start/end) to ms; NaN when malformed. */
export function parseIcalUtc(s: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : NaN;
}
