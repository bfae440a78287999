/** A reply or forward's starting point (RFC 5322 section 3.6.4 threading, RFC 8621 property names). */
import type { ComposeInit } from './Compose';
import { fullAddress, longDate } from './format';
import type { Email, EmailAddress } from './jmap/types';
import { bodyText } from './MessageBody';
import type { ReplyKind } from './ReadingPane';

const prefixed = (prefix: string, subject: string | null) => {
  const s = (subject ?? '').trim();
  return new RegExp(`^${prefix}:`, 'i').test(s) ? s : `${prefix}: ${s}`;
};

/** Plain text of an HTML body for quoting (the DOM parses it; nothing is run or loaded). */
function htmlToText(html: string): string {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  return (doc.body.innerText || doc.body.textContent || '').trim();
}

function originalText(e: Email): string {
  const t = bodyText(e, 'text');
  if (t !== null) return t;
  const h = bodyText(e, 'html');
  return h !== null ? htmlToText(h) : e.preview;
}

export function newMessage(to: EmailAddress[] = []): ComposeInit {
  return { to, cc: [], subject: '', text: '', attachments: [], inReplyTo: null, references: null, title: 'New message' };
}

export function buildReply(e: Email, kind: ReplyKind, mine: Set<string>): ComposeInit {
  const notMine = (l: EmailAddress[] | null) => (l ?? []).filter((a) => !mine.has(a.email.toLowerCase()));
  if (kind === 'forward') {
    const head = ['---------- Forwarded message ----------', `From: ${(e.from ?? []).map(fullAddress).join(', ')}`, `Date: ${longDate(e.sentAt ?? e.receivedAt)}`, `Subject: ${e.subject ?? ''}`, `To: ${(e.to ?? []).map(fullAddress).join(', ')}`, ''];
    return {
      to: [],
      cc: [],
      subject: prefixed('Fwd', e.subject),
      text: `\n\n${head.join('\n')}\n${originalText(e)}`,
      attachments: (e.attachments ?? []).filter((a) => a.blobId).map((a) => ({ blobId: a.blobId!, name: a.name ?? 'attachment', type: a.type, size: a.size })),
      inReplyTo: null,
      references: null,
      title: 'Forward',
    };
  }
  const replyTo = e.replyTo?.length ? e.replyTo : (e.from ?? []);
  const to = kind === 'reply-all' ? [...replyTo, ...notMine(e.to)] : replyTo;
  const cc = kind === 'reply-all' ? notMine(e.cc) : [];
  const quoted = originalText(e)
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n');
  const who = (e.from ?? []).map(fullAddress).join(', ') || 'someone';
  return {
    to: to.filter((a, i) => to.findIndex((b) => b.email.toLowerCase() === a.email.toLowerCase()) === i),
    cc,
    subject: prefixed('Re', e.subject),
    text: `\n\nOn ${longDate(e.sentAt ?? e.receivedAt)}, ${who} wrote:\n${quoted}\n`,
    attachments: [],
    inReplyTo: e.messageId,
    references: [...(e.references ?? []), ...(e.messageId ?? [])],
    title: kind === 'reply-all' ? 'Reply all' : 'Reply',
  };
}
