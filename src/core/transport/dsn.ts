/**
 * Delivery status notifications (RFC 3464, multipart/report of RFC 6522): built when a queued
 * message fails permanently or expires, and delivered to the sender's INBOX.
 */
import { randomUUID } from 'node:crypto';

export interface FailedRecipient {
  address: string;
  /** failed (permanent refusal) or expired (gave up retrying). */
  action: 'failed';
  status: string;
  diagnostic: string;
  remoteMta: string | null;
  lastAttempt: Date;
}

/** Extracts an RFC 3463 status from a reply such as "550 5.1.1 no such user"; else a generic one. */
export function statusFromReply(reply: string, permanent: boolean): string {
  const m = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/.exec(reply);
  if (m) return `${m[1]}.${m[2]}.${m[3]}`;
  return permanent ? '5.0.0' : '4.0.0';
}

export function buildDsn(opts: {
  reportingMta: string;
  postmaster: string;
  to: string;
  arrival: Date;
  recipients: FailedRecipient[];
  /** The header block of the original message (text/rfc822-headers). */
  originalHeaders: string;
  originalSubject: string;
  expired: boolean;
}): Buffer {
  const boundary = `=_wardpost_dsn_${randomUUID()}`;
  const date = new Date().toUTCString().replace('GMT', '+0000');
  const human = opts.expired
    ? 'Your message could not be delivered to the following recipients: the receiving servers could not be reached or kept refusing it for too long, so delivery was abandoned.'
    : 'Your message could not be delivered to the following recipients because their mail server refused it permanently.';
  const lines = opts.recipients.map((r) => `  <${r.address}>: ${r.diagnostic}`);
  const perRecipient = opts.recipients
    .map((r) =>
      [
        `Final-Recipient: rfc822; ${r.address}`,
        `Action: ${r.action}`,
        `Status: ${r.status}`,
        ...(r.remoteMta ? [`Remote-MTA: dns; ${r.remoteMta}`] : []),
        `Diagnostic-Code: smtp; ${r.diagnostic.replace(/[\r\n]+/g, ' ')}`,
        `Last-Attempt-Date: ${r.lastAttempt.toUTCString().replace('GMT', '+0000')}`,
      ].join('\r\n'),
    )
    .join('\r\n\r\n');
  const subject = `Undelivered mail returned to sender${opts.originalSubject ? `: ${opts.originalSubject.replace(/[\r\n]+/g, ' ').slice(0, 200)}` : ''}`;
  const text = [
    `From: Mail Delivery System <${opts.postmaster}>`,
    `To: <${opts.to}>`,
    `Subject: ${/^[\x20-\x7e]*$/.test(subject) ? subject : 'Undelivered mail returned to sender'}`,
    `Date: ${date}`,
    `Message-ID: <${randomUUID()}@${opts.reportingMta}>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    'This is a delivery status notification (RFC 3464).',
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    human,
    '',
    ...lines,
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    `Reporting-MTA: dns; ${opts.reportingMta}`,
    `Arrival-Date: ${opts.arrival.toUTCString().replace('GMT', '+0000')}`,
    '',
    perRecipient,
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    opts.originalHeaders.replace(/(\r?\n)+$/, ''),
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return Buffer.from(text, 'utf8');
}
