/**
 * iTIP messages (RFC 5546) built from stored objects: REQUEST and CANCEL from the organiser,
 * REPLY from an attendee, and VFREEBUSY replies; and their iMIP wrapping as email (RFC 6047).
 */
import { randomBytes } from 'node:crypto';
import ICAL from 'ical.js';
import { stringify } from './ical.js';
import type { BusyPeriod } from './types.js';

export const PRODID = '-//Wardpost//Calendar//EN';

function icalTime(ms: number): ICAL.Time {
  return ICAL.Time.fromDateTimeString(new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));
}

function shell(method: string): ICAL.Component {
  const cal = new ICAL.Component('vcalendar');
  cal.addPropertyWithValue('version', '2.0');
  cal.addPropertyWithValue('prodid', PRODID);
  cal.addPropertyWithValue('method', method);
  return cal;
}

/** STATUS:CANCELLED on a component (RFC 5545 section 3.8.1.11). */
export function markCancelled(c: ICAL.Component): void {
  if (c.hasProperty('status')) c.updatePropertyWithValue('status', 'CANCELLED');
  else c.addPropertyWithValue('status', 'CANCELLED');
}

/** A copy of a stored calendar as an iTIP message with METHOD (REQUEST, CANCEL, REPLY...). */
export function asItip(root: ICAL.Component, method: string, edit?: (c: ICAL.Component) => void): string {
  const copy = ICAL.Component.fromString(root.toString());
  copy.removeAllProperties('method');
  copy.removeAllProperties('prodid');
  copy.addPropertyWithValue('prodid', PRODID);
  copy.addPropertyWithValue('method', method);
  for (const c of copy.getAllSubcomponents()) {
    if (c.name === 'vtimezone') continue;
    // Private alarms and appointment details stay with the owner's copy.
    c.removeAllSubcomponents('valarm');
    c.removeAllProperties('x-wardpost-patient-mobile');
    c.removeAllProperties('x-wardpost-reminder');
    if (!c.hasProperty('dtstamp')) c.addPropertyWithValue('dtstamp', icalTime(Date.now()));
    else c.updatePropertyWithValue('dtstamp', icalTime(Date.now()));
    edit?.(c);
  }
  return stringify(copy);
}

/** An iTIP message turned into a calendar object resource: the same components, no METHOD (RFC 4791 4.1). */
export function asResource(itipText: string): string {
  const root = ICAL.Component.fromString(itipText);
  root.removeAllProperties('method');
  return stringify(root);
}

/** A REPLY (RFC 5546 3.2.3): only the replying attendee, with the PARTSTAT chosen. */
export function replyFrom(root: ICAL.Component, attendee: string, partstat: string, sentBy?: string | null): string {
  return asItip(root, 'REPLY', (c) => {
    for (const p of c.getAllProperties('attendee')) {
      if (String(p.getFirstValue()).replace(/^mailto:/i, '').toLowerCase() !== attendee) c.removeProperty(p);
      else {
        p.setParameter('partstat', partstat);
        p.removeParameter('rsvp');
        if (sentBy) p.setParameter('sent-by', `mailto:${sentBy}`);
      }
    }
    c.removeAllProperties('description');
  });
}

/** A VFREEBUSY reply (RFC 5546 3.3.2) listing busy periods. */
export function freeBusyReply(o: { organizer: string; attendee: string; uid: string; start: number; end: number; busy: BusyPeriod[] }): string {
  const cal = shell('REPLY');
  const fb = new ICAL.Component('vfreebusy');
  fb.addPropertyWithValue('uid', o.uid || randomBytes(8).toString('hex'));
  fb.addPropertyWithValue('dtstamp', icalTime(Date.now()));
  fb.addPropertyWithValue('dtstart', icalTime(o.start));
  fb.addPropertyWithValue('dtend', icalTime(o.end));
  fb.addPropertyWithValue('organizer', `mailto:${o.organizer}`);
  fb.addPropertyWithValue('attendee', `mailto:${o.attendee}`);
  for (const b of o.busy) {
    const p = new ICAL.Property('freebusy');
    p.setParameter('fbtype', b.type);
    p.setValue(ICAL.Period.fromData({ start: icalTime(b.start), end: icalTime(b.end) }));
    fb.addProperty(p);
  }
  cal.addSubcomponent(fb);
  return stringify(cal);
}

const encodeWord = (s: string) => (/^[\x20-\x7e]*$/.test(s) ? s : `=?UTF-8?B?${Buffer.from(s).toString('base64')}?=`);
const fold76 = (b64: string) => b64.replace(/.{1,76}/g, '$&\r\n');

/**
 * An iMIP message (RFC 6047 section 2): a readable text part and the iTIP object as
 * text/calendar with its METHOD, in one multipart/alternative.
 */
export function imipMessage(o: { from: string; fromName?: string; to: string[]; sender?: string; subject: string; text: string; ics: string; method: string; domain: string }): Buffer {
  const boundary = `=_wardpost_${randomBytes(12).toString('hex')}`;
  const from = o.fromName ? `"${o.fromName.replace(/[\r\n"\\]/g, '')}" <${o.from}>` : `<${o.from}>`;
  const head = [
    `From: ${from}`,
    ...(o.sender ? [`Sender: <${o.sender}>`] : []),
    `To: ${o.to.map((t) => `<${t}>`).join(', ')}`,
    `Subject: ${encodeWord(o.subject.replace(/[\r\n]/g, ' '))}`,
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${randomBytes(12).toString('hex')}@${o.domain}>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ];
  const parts = [
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    fold76(Buffer.from(o.text).toString('base64')),
    `--${boundary}`,
    `Content-Type: text/calendar; charset=utf-8; method=${o.method}`,
    'Content-Transfer-Encoding: base64',
    '',
    fold76(Buffer.from(o.ics).toString('base64')),
    `--${boundary}--`,
    '',
  ];
  return Buffer.from(`${head.join('\r\n')}\r\n\r\n${parts.join('\r\n')}`);
}
