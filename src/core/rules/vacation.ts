/**
 * Vacation replies (RFC 5230): whether one may be sent for a message (sections 4.5 and 5: never
 * to lists, robots, auto-replies or oneself, only when addressed to the user, at most once per
 * sender per :days), and the reply itself (section 5: Auto-Submitted, In-Reply-To, References).
 */
import { composeMessage } from '../mail/compose.js';
import type { MessageIndex } from '../mail/mime/types.js';
import type { VacationAction } from './sieve/run.js';

const ROBOT = /^(mailer-daemon|postmaster|listserv|majordomo|owner-.*|.*-request|no-?reply|bounces?(\+.*)?)@/i;

export interface VacationContext {
  envelopeFrom: string;
  /** Every address of the user (primary and aliases) plus :addresses. */
  userAddresses: string[];
  headers: { name: string; value: string }[];
}

/** True when RFC 5230 allows a reply to this message at all (the once-per-days check is the caller's). */
export function mayReply(ctx: VacationContext): boolean {
  const sender = ctx.envelopeFrom.toLowerCase();
  if (!sender || ROBOT.test(sender)) return false;
  const mine = ctx.userAddresses.map((a) => a.toLowerCase());
  if (mine.includes(sender)) return false;
  const h = (n: string) => ctx.headers.filter((x) => x.name === n).map((x) => x.value.toLowerCase());
  if (h('auto-submitted').some((v) => v.trim() !== 'no')) return false;
  if (h('precedence').some((v) => /bulk|list|junk/.test(v))) return false;
  if (h('list-id').length || h('list-unsubscribe').length || h('x-auto-response-suppress').some((v) => /all|oof/.test(v))) return false;
  const recipients = ['to', 'cc', 'bcc', 'resent-to', 'resent-cc'].flatMap(h).join(' ');
  return mine.some((a) => recipients.includes(a));
}

/** The reply message (RFC 5230 section 5). */
export function vacationReply(action: VacationAction, from: string, to: string, original: MessageIndex, html: string | null): Promise<Buffer> {
  const subject = action.subject ?? `Auto: ${original.subject || 'your message'}`;
  return composeMessage({
    from: [{ name: null, email: action.from ?? from }],
    to: [{ name: null, email: to }],
    subject,
    inReplyTo: original.messageId ? [original.messageId] : null,
    references: original.messageId ? [...original.references, original.messageId] : null,
    text: action.reason,
    html,
    headers: [['Auto-Submitted', 'auto-replied (vacation)']],
  });
}
