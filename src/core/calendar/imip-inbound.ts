/**
 * iMIP from outside (RFC 6047): mail delivered to someone's INBOX that carries a text/calendar
 * part is read once more for scheduling. A REPLY from an invited attendee updates the organiser's
 * event; a REQUEST or CANCEL from an organiser updates the attendee's calendar. The sender must be
 * the person the iTIP object speaks for (RFC 6047 section 3.1): a reply for somebody else, or an
 * invitation naming another organiser, is ignored. Mail between local accounts was already
 * scheduled in the store, so it is left alone here; so is mail that did not arrive by mail (an
 * IMAP APPEND or a migration brings old invitations that must not be applied again, and a copy
 * between folders was looked at when it arrived).
 */
import type { EventBus } from '../events/bus.js';
import type { MessageIndex } from '../mail/mime/types.js';
import { partOfType } from '../mail/mime/section.js';
import { createTransferDecoder } from '../mail/mime/transfer-decode.js';
import type { Store } from '../../store/types.js';
import { parseCalendar } from './ical.js';
import { CALENDAR_LIMITS } from './limits.js';
import type { Scheduler } from './scheduling.js';

export type ImipLog = (level: 'info' | 'warn', detail: Record<string, unknown>, msg: string) => void;

export class ImipReceiver {
  private chain: Promise<void> = Promise.resolve();
  log: ImipLog = () => undefined;

  constructor(
    private readonly store: Store,
    private readonly scheduler: Scheduler,
    bus: EventBus,
  ) {
    bus.subscribe('mail.delivered', (e) => {
      // Only mail that came by mail and has a calendar part (the event says so: no read-back of
      // every message delivered).
      if (!e.inbound || !e.calendar) return;
      // One at a time: replies to one event must not overwrite each other.
      this.chain = this.chain.then(() => this.handle(e.accountId, e.mailboxId, e.uid)).catch((err: unknown) => this.log('warn', { err: String(err) }, 'iMIP message not applied'));
    });
  }

  /** Resolves when every message delivered so far has been looked at (tests, shutdown). */
  idle(): Promise<void> {
    return this.chain;
  }

  private async handle(accountId: number, mailboxId: number, uid: number): Promise<void> {
    const mailbox = await this.store.mailboxes.byId(mailboxId);
    if (!mailbox || mailbox.name !== 'INBOX') return;
    const msg = await this.store.messages.byUid(mailboxId, uid);
    const meta = msg && (await this.store.messageMeta.get(msg.blob_hash));
    if (!msg || !meta) return;
    const index = JSON.parse(meta.indexJson) as MessageIndex;
    const part = partOfType(index.structure, 'text', 'calendar');
    if (!part || part.size > 4 * CALENDAR_LIMITS.maxObjectBytes) return;
    const from = index.envelope.from[0];
    const sender = from?.mailbox && from.host ? `${from.mailbox}@${from.host}`.toLowerCase() : null;
    if (!sender || (await this.store.accounts.resolve(sender))) return;
    const decoder = createTransferDecoder(part.encoding);
    const chunks: Buffer[] = [];
    for await (const c of this.store.blobs.get(msg.blob_hash, { start: part.bodyStart, end: part.bodyEnd }) as AsyncIterable<Buffer>) chunks.push(Buffer.from(decoder.write(c)));
    chunks.push(decoder.end());
    const text = Buffer.concat(chunks).toString('utf8');
    const itip = parseCalendar(text, 'itip');
    const recipient = await this.store.accounts.byId(accountId);
    if (!recipient) return;
    let applied = false;
    if (itip.method === 'REPLY') applied = await this.scheduler.applyReply(recipient, itip, sender);
    else if ((itip.method === 'REQUEST' || itip.method === 'CANCEL') && itip.organizer === sender) {
      const aliases = [recipient.address, ...(await this.store.accounts.aliases(recipient.id))].map((a) => a.toLowerCase());
      const me = itip.attendees.find((a) => aliases.includes(a.address));
      if (me) {
        await this.scheduler.deliverLocal(recipient, me.address, itip.method, text);
        applied = true;
      }
    }
    this.log('info', { account: recipient.address, from: sender, method: itip.method, uid: itip.uid, applied }, 'iMIP message received');
  }
}
