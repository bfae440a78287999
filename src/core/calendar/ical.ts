/**
 * Reading and checking iCalendar (RFC 5545) with ical.js: a calendar object resource must be one
 * VCALENDAR with components of one type sharing one UID (RFC 4791 section 4.1), each with the
 * properties RFC 5545 requires; what queries need (time span, organiser, attendees, appointment
 * fields) is derived here once, when the object is written.
 */
import ICAL from 'ical.js';
import { invalid } from '../errors.js';
import { instances, spanOf } from './recurrence.js';
import { withZones } from './timezones.js';
import { APPOINTMENT_PROPS, type Attendee, type ComponentKind, type ParsedCalendar } from './types.js';

export const COMPONENT_KINDS: readonly ComponentKind[] = ['VEVENT', 'VTODO', 'VJOURNAL'];
/** Past this many instances a series is treated as endless when working out its span. */
const SPAN_INSTANCE_CAP = 5000;

/** "mailto:Jane@X" -> "jane@x"; other URIs are kept as written. */
export function calAddress(value: unknown): string {
  const s = String(value ?? '').trim();
  return /^mailto:/i.test(s) ? s.slice(7).toLowerCase() : s.toLowerCase();
}

export function attendeesOf(comp: ICAL.Component): Attendee[] {
  return comp.getAllProperties('attendee').map((p) => ({
    address: calAddress(p.getFirstValue()),
    partstat: String(p.getParameter('partstat') ?? 'NEEDS-ACTION').toUpperCase(),
    role: String(p.getParameter('role') ?? 'REQ-PARTICIPANT').toUpperCase(),
    name: (p.getParameter('cn') as string | undefined) ?? null,
    sentBy: p.getParameter('sent-by') ? calAddress(p.getParameter('sent-by')) : null,
    scheduleAgent: String(p.getParameter('schedule-agent') ?? 'SERVER').toUpperCase(),
    cutype: String(p.getParameter('cutype') ?? 'INDIVIDUAL').toUpperCase(),
  }));
}

function parseRoot(text: string): ICAL.Component {
  let jcal: unknown;
  try {
    jcal = ICAL.parse(text);
  } catch (e) {
    throw invalid(`malformed iCalendar: ${(e as Error).message}`, { dav: 'valid-calendar-data' });
  }
  // Several top-level VCALENDARs parse to an array of them: one resource holds one calendar.
  if (!Array.isArray(jcal) || typeof jcal[0] !== 'string') throw invalid('a calendar resource holds exactly one VCALENDAR', { dav: 'valid-calendar-data' });
  const root = new ICAL.Component(jcal as unknown[]);
  if (root.name !== 'vcalendar') throw invalid('the resource is not a VCALENDAR', { dav: 'valid-calendar-data' });
  return root;
}

function checkComponent(c: ICAL.Component, kind: ComponentKind, itip: boolean): void {
  const name = kind;
  if (!c.getFirstPropertyValue('uid')) throw invalid(`${name} without UID (RFC 5545 section 3.6)`, { dav: 'valid-calendar-data' });
  if (kind === 'VEVENT' && !itip && !c.hasProperty('dtstart')) throw invalid('VEVENT without DTSTART (RFC 5545 section 3.6.1)', { dav: 'valid-calendar-data' });
  if (c.hasProperty('dtend') && c.hasProperty('duration')) throw invalid(`${name} has both DTEND and DURATION (RFC 5545 section 3.6.1)`, { dav: 'valid-calendar-data' });
  if (kind === 'VTODO' && c.hasProperty('due') && c.hasProperty('duration')) throw invalid('VTODO has both DUE and DURATION (RFC 5545 section 3.6.2)', { dav: 'valid-calendar-data' });
  for (const p of ['dtstart', 'dtend', 'due', 'recurrence-id']) {
    const prop = c.getFirstProperty(p);
    if (!prop) continue;
    const v = prop.getFirstValue();
    if (!(v instanceof ICAL.Time) || !Number.isFinite(v.toUnixTime())) throw invalid(`${name} ${p.toUpperCase()} is not a valid date or date-time`, { dav: 'valid-calendar-data' });
  }
  const start = c.getFirstPropertyValue('dtstart');
  const end = c.getFirstPropertyValue('dtend') ?? c.getFirstPropertyValue('due');
  if (start instanceof ICAL.Time && end instanceof ICAL.Time && end.compare(start) < 0) throw invalid(`${name} ends before it starts`, { dav: 'valid-calendar-data' });
  for (const r of c.getAllProperties('rrule')) {
    const v = r.getFirstValue();
    if (!(v instanceof ICAL.Recur) || !v.freq) throw invalid(`${name} has an RRULE without FREQ (RFC 5545 section 3.3.10)`, { dav: 'valid-calendar-data' });
  }
}

/**
 * Parses and validates iCalendar text. `resource`: a calendar object resource (RFC 4791 4.1, no
 * METHOD); `itip`: a scheduling message (RFC 5546: METHOD required).
 */
export function parseCalendar(text: string, mode: 'resource' | 'itip' = 'resource'): ParsedCalendar {
  const root = parseRoot(text);
  return withZones(root, () => {
    if (!root.getFirstPropertyValue('version')) throw invalid('VCALENDAR without VERSION (RFC 5545 section 3.7.4)', { dav: 'valid-calendar-data' });
    const method = root.getFirstPropertyValue('method');
    if (mode === 'resource' && method) throw invalid('a calendar object resource must not carry METHOD (RFC 4791 section 4.1)', { dav: 'valid-calendar-object-resource' });
    if (mode === 'itip' && !method) throw invalid('a scheduling message needs METHOD (RFC 5546 section 1.4)', { dav: 'valid-calendar-data' });
    const comps = root.getAllSubcomponents().filter((c) => c.name !== 'vtimezone');
    if (!comps.length) throw invalid('the VCALENDAR has no VEVENT, VTODO or VJOURNAL', { dav: 'valid-calendar-object-resource' });
    const kind = comps[0]!.name.toUpperCase() as ComponentKind;
    if (kind !== ('VFREEBUSY' as string) && !COMPONENT_KINDS.includes(kind)) throw invalid(`unsupported component ${kind}`, { dav: 'supported-calendar-component' });
    if (comps.some((c) => c.name.toUpperCase() !== kind)) throw invalid('one resource holds components of one type (RFC 4791 section 4.1)', { dav: 'valid-calendar-object-resource' });
    if (kind === ('VFREEBUSY' as string)) return { root, kind, uid: String(comps[0]!.getFirstPropertyValue('uid') ?? ''), method: method ? String(method).toUpperCase() : null, master: comps[0]!, overrides: [], organizer: null, attendees: [], firstStart: null, lastEnd: null, recurring: false, patientMobile: null, reminderPolicy: null, sequence: 0 };
    for (const c of comps) checkComponent(c, kind, mode === 'itip');
    const uid = String(comps[0]!.getFirstPropertyValue('uid'));
    if (comps.some((c) => String(c.getFirstPropertyValue('uid')) !== uid)) throw invalid('every component of one resource must share one UID (RFC 4791 section 4.1)', { dav: 'valid-calendar-object-resource' });
    const master = comps.find((c) => !c.hasProperty('recurrence-id')) ?? null;
    const overrides = comps.filter((c) => c !== master);
    const lead = master ?? overrides[0]!;
    const org = lead.getFirstPropertyValue('organizer');
    const span = mode === 'resource' ? spanOf(root, master, overrides, SPAN_INSTANCE_CAP) : { firstStart: null, lastEnd: null };
    const mobile = lead.getFirstPropertyValue(APPOINTMENT_PROPS.mobile.toLowerCase());
    const reminder = lead.getFirstPropertyValue(APPOINTMENT_PROPS.reminder.toLowerCase());
    return {
      root,
      kind,
      uid,
      method: method ? String(method).toUpperCase() : null,
      master,
      overrides,
      organizer: org ? calAddress(org) : null,
      attendees: attendeesOf(lead),
      firstStart: span.firstStart,
      lastEnd: span.lastEnd,
      recurring: !!master && (master.hasProperty('rrule') || master.hasProperty('rdate')),
      patientMobile: mobile ? String(mobile).replace(/[^\d+]/g, '') || null : null,
      reminderPolicy: reminder ? String(reminder) : null,
      sequence: Number(lead.getFirstPropertyValue('sequence') ?? 0) || 0,
    };
  });
}

/** Serialises a (changed) calendar back to text with CRLF line ends (RFC 5545 section 3.1). */
export function stringify(root: ICAL.Component): string {
  const s = root.toString();
  return s.endsWith('\r\n') ? s : `${s.replace(/\r?\n/g, '\r\n')}\r\n`;
}

export { instances };
