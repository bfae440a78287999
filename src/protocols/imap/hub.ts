// Routes domain events from the bus to the sessions that have a mailbox selected: one bus
// subscription per server, not one per connection. This is how IDLE and NOOP learn of changes
// made by other sessions, JMAP, the web or delivery, without polling the database.
import type { DomainEvent, EventBus } from '../../core/events/bus.js';

export interface MailboxListener {
  onMailboxEvent(event: DomainEvent): void;
}

export class MailboxHub {
  private readonly byMailbox = new Map<number, Set<MailboxListener>>();
  private readonly unsubscribe: () => void;

  constructor(bus: EventBus) {
    this.unsubscribe = bus.subscribe('*', (e) => this.route(e));
  }

  watch(mailboxId: number, l: MailboxListener): void {
    let set = this.byMailbox.get(mailboxId);
    if (!set) this.byMailbox.set(mailboxId, (set = new Set()));
    set.add(l);
  }

  unwatch(mailboxId: number, l: MailboxListener): void {
    const set = this.byMailbox.get(mailboxId);
    if (!set) return;
    set.delete(l);
    if (!set.size) this.byMailbox.delete(mailboxId);
  }

  private route(e: DomainEvent): void {
    if (!('mailboxId' in e)) return;
    for (const l of this.byMailbox.get(e.mailboxId) ?? []) l.onMailboxEvent(e);
  }

  close(): void {
    this.unsubscribe();
    this.byMailbox.clear();
  }
}
