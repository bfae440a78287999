// ENVELOPE (RFC 9051 section 7.5.2, RFC 3501 section 7.4.2) from the stored MessageIndex.
import type { AddressValue, Envelope } from '../../../core/mail/mime/types.js';
import { wire } from '../proto/index.js';

type ImapOut = wire.ImapOut;

/** One address: (name adl mailbox host); a group is (NIL NIL name NIL) members (NIL NIL NIL NIL). */
function addresses(list: readonly AddressValue[]): ImapOut {
  if (!list.length) return null;
  const out: ImapOut[] = [];
  for (const a of list) {
    if (a.group) {
      out.push([null, null, wire.nstr(a.name ?? ''), null]);
      for (const m of a.group) out.push(address(m));
      out.push([null, null, null, null]);
    } else {
      out.push(address(a));
    }
  }
  return out;
}

function address(a: AddressValue): ImapOut {
  // A NIL host means "group marker" in ENVELOPE, so an address without a domain gets a placeholder.
  return [wire.nstr(a.name), null, wire.str(a.mailbox ?? 'MISSING_MAILBOX'), wire.str(a.host ?? 'MISSING_DOMAIN')];
}

/** The ENVELOPE value; Sender and Reply-To default to From (RFC 9051 section 7.5.2). */
export function envelopeOut(e: Envelope): ImapOut {
  const from = e.from;
  return [
    wire.nstr(e.date),
    wire.nstr(e.subject),
    addresses(from),
    addresses(e.sender.length ? e.sender : from),
    addresses(e.replyTo.length ? e.replyTo : from),
    addresses(e.to),
    addresses(e.cc),
    addresses(e.bcc),
    wire.nstr(e.inReplyTo),
    wire.nstr(e.messageId),
  ];
}
