/**
 * Builds an RFC 5322 message from structured parts (JMAP Email/set create, RFC 8621 section 4.6;
 * vacation replies): nodemailer's MIME composer does the encoding (RFC 2047 words, quoted-printable
 * or base64 bodies, multipart/alternative and /mixed). Bcc is kept in drafts; submission strips it.
 */
import MailComposer from 'nodemailer/lib/mail-composer';

export interface ComposeAddress {
  name: string | null;
  email: string;
}

export interface ComposeAttachment {
  content: Buffer;
  contentType: string;
  filename: string | null;
  cid: string | null;
  disposition: 'attachment' | 'inline';
}

export interface ComposeInput {
  from?: ComposeAddress[];
  sender?: ComposeAddress | null;
  to?: ComposeAddress[];
  cc?: ComposeAddress[];
  bcc?: ComposeAddress[];
  replyTo?: ComposeAddress[];
  subject?: string;
  date?: Date;
  messageId?: string | null;
  inReplyTo?: string[] | null;
  references?: string[] | null;
  text?: string | null;
  html?: string | null;
  attachments?: ComposeAttachment[];
  /** Extra header fields as written (already valid header values). */
  headers?: [string, string][];
}

const list = (a: ComposeAddress[] | undefined) => (a?.length ? a.map((x) => ({ name: x.name ?? '', address: x.email })) : undefined);
const ids = (l: string[] | null | undefined) => (l?.length ? l.map((i) => `<${i}>`).join(' ') : undefined);

/** The message bytes. */
export async function composeMessage(input: ComposeInput): Promise<Buffer> {
  const composer = new MailComposer({
    from: list(input.from)?.[0],
    ...(input.sender ? { sender: { name: input.sender.name ?? '', address: input.sender.email } } : {}),
    to: list(input.to),
    cc: list(input.cc),
    bcc: list(input.bcc),
    replyTo: list(input.replyTo),
    subject: input.subject ?? '',
    date: input.date ?? new Date(),
    ...(input.messageId ? { messageId: `<${input.messageId}>` } : {}),
    inReplyTo: ids(input.inReplyTo),
    references: ids(input.references),
    ...(input.text != null ? { text: input.text } : {}),
    ...(input.html != null ? { html: input.html } : {}),
    attachments: (input.attachments ?? []).map((a) => ({
      content: a.content,
      contentType: a.contentType,
      filename: a.filename ?? false,
      ...(a.cid ? { cid: a.cid } : {}),
      contentDisposition: a.disposition,
    })),
    headers: (input.headers ?? []).map(([key, value]) => ({ key, value })),
  });
  const node = composer.compile();
  // A draft keeps its Bcc field; the submission path removes it before the message leaves.
  (node as unknown as { keepBcc: boolean }).keepBcc = true;
  return node.build();
}

/** Removes Bcc fields from a message's header block (RFC 5322 section 3.6.3) before sending. */
export function stripBcc(raw: Buffer): Buffer {
  const text = raw.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  if (end < 0) return raw;
  const head = text.slice(0, end).replace(/^bcc:.*(?:\r?\n[ \t].*)*(?:\r?\n|$)/gim, '').replace(/\r?\n$/, '');
  return Buffer.concat([Buffer.from(head, 'latin1'), raw.subarray(end)]);
}
