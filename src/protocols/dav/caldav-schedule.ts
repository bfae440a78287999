/**
 * The scheduling outbox (RFC 6638 section 5): a POST of a VFREEBUSY request asks for the busy
 * time of each ATTENDEE; core answers under the same privacy rules as every other door.
 */
import { freeBusyReply } from '../../core/calendar/itip.js';
import { parseCalendar } from '../../core/calendar/ical.js';
import { utcMs, withZones } from '../../core/calendar/timezones.js';
import { WardpostError, invalid } from '../../core/errors.js';
import type { Services } from '../../core/services.js';
import type ICAL from 'ical.js';
import { xmlReply, type DavRequest } from './webdav.js';
import { escapeXml } from './xml.js';

/** RFC 6638 section 5.3: one response per recipient, with a request-status. */
export async function outboxPost(services: Services, r: DavRequest): Promise<unknown> {
  const parsed = parseCalendar(r.body, 'itip');
  if (parsed.method !== 'REQUEST' || (parsed.kind as string) !== 'VFREEBUSY') throw new WardpostError('forbidden', 'the outbox answers VFREEBUSY requests; invitations are sent by saving the event', { dav: 'valid-scheduling-message' });
  const fb = parsed.master!;
  const { start, end } = withZones(parsed.root, () => ({
    start: utcMs(fb.getFirstPropertyValue('dtstart') as ICAL.Time),
    end: utcMs(fb.getFirstPropertyValue('dtend') as ICAL.Time),
  }));
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw invalid('a VFREEBUSY request needs DTSTART and DTEND', { dav: 'valid-calendar-data' });
  const attendees = fb.getAllProperties('attendee').map((p) => String(p.getFirstValue()).replace(/^mailto:/i, ''));
  const answers = await services.calendar.freeBusy.lookup(r.account, attendees, start, end);
  const out = ['<?xml version="1.0" encoding="utf-8"?><cal:schedule-response xmlns:d="DAV:" xmlns:cal="urn:ietf:params:xml:ns:caldav">'];
  for (const a of answers) {
    const status = a.status === 'ok' ? '2.0;Success' : a.status === 'unknown' ? '3.7;Invalid calendar user' : '3.8;No authority';
    out.push(`<cal:response><cal:recipient><d:href>mailto:${escapeXml(a.address)}</d:href></cal:recipient><cal:request-status>${status}</cal:request-status>`);
    if (a.status === 'ok') {
      const ics = freeBusyReply({ organizer: r.account.address, attendee: a.address, uid: parsed.uid, start, end, busy: a.busy });
      out.push(`<cal:calendar-data>${escapeXml(ics)}</cal:calendar-data>`);
    }
    out.push('</cal:response>');
  }
  out.push('</cal:schedule-response>');
  return xmlReply(r.reply, out.join(''), 200);
}
