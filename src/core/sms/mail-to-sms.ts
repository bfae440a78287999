/**
 * Email-to-SMS: a signed-in account that submits mail to +447700900123@sms.<national domain>
 * sends the text of the body as an SMS charged to its organisation. A policy hook of the mail
 * transport (core/transport/policy.ts) takes those recipients out of the transaction before the
 * message is delivered or queued; the mail's own Message-ID becomes the SMS's, so the patient's
 * reply threads under the mail that was sent.
 */
import { invalid } from '../errors.js';
import { indexMessage } from '../mail/mime/indexer.js';
import type { PolicyHook } from '../transport/policy.js';
import type { Recipient } from '../transport/types.js';
import type { SmsService } from './sms-service.js';

/** The text of a mail worth sending: quoted lines and the signature ("-- ") dropped (RFC 3676 section 4.3). */
export function smsTextOfMail(text: string): string {
  const lines: string[] = [];
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (line === '-- ' || line === '--') break;
    if (/^On .+ wrote:$/.test(line.trim())) break;
    if (line.startsWith('>')) continue;
    lines.push(line);
  }
  return lines.join('\n').trim();
}

export function mailToSmsHook(sms: SmsService): PolicyHook {
  const domain = sms.options.smsDomain;
  const isSms = (r: Recipient): r is Extract<Recipient, { kind: 'foreign' }> => r.kind === 'foreign' && r.domain === domain;
  return {
    name: 'mail-to-sms',
    phase: 'data',
    timeoutMs: 30_000,
    onTimeout: 'defer',
    async run(tx, ctx) {
      const targets = tx.recipients.filter(isSms);
      if (!targets.length) return;
      const account = tx.session.account;
      if (tx.session.kind !== 'submission' || !account) return { action: 'reject', code: 'relay_denied', message: `mail to ${domain} is accepted only from signed-in accounts (submission)` };
      const numbers = targets.map((t) => {
        const local = t.address.slice(0, t.address.lastIndexOf('@'));
        try {
          // Digits alone are read as an international number (447700900123), as most email-to-SMS gateways do.
          return sms.number(/^[1-9]\d{7,14}$/.test(local) ? `+${local}` : local);
        } catch (err) {
          throw invalid(`${t.address}: ${(err as Error).message}`, { recipient: t.address });
        }
      });
      const index = await indexMessage(ctx.message());
      const body = smsTextOfMail(index.searchText);
      if (!body) throw invalid('the message has no text to send as an SMS (write it in the body)');
      sms.preview(body);
      const messageId = index.envelope.messageId?.trim() || undefined;
      const ids: number[] = [];
      for (const to of numbers) ids.push((await sms.send({ kind: 'account', account, ip: tx.session.remoteAddress }, { to, body, source: 'mail', ...(messageId ? { messageId } : {}) })).id);
      tx.recipients = tx.recipients.filter((r) => !isSms(r));
      tx.results['mail-to-sms'] = { sms: ids };
    },
  };
}
