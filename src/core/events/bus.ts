/**
 * The domain event bus: the only way IMAP IDLE, JMAP push and webhooks learn about changes.
 * Embedded mode uses the in-process bus below; cluster mode will implement the same interface
 * over PostgreSQL LISTEN/NOTIFY, which is why events are plain JSON-serialisable objects and
 * `publish` is async.
 */
export type DomainEvent =
  /**
   * `inbound`: the message arrived by mail (SMTP, local submission), not by an APPEND, an import or
   * a copy. `calendar`: it has a text/calendar part (iMIP looks at those only).
   */
  | { type: 'mail.delivered'; accountId: number; mailboxId: number; uid: number; modseq: number; inbound?: boolean; calendar?: boolean }
  /** Flags of messages changed; `origin` names the session that made the change (it already knows). */
  | { type: 'mail.flags'; accountId: number; mailboxId: number; changes: { uid: number; modseq: number; flags: string[] }[]; origin?: string }
  | { type: 'mail.expunged'; accountId: number; mailboxId: number; uids: number[]; modseq: number; origin?: string }
  /** A mailbox was created, renamed or deleted (its selected sessions must let go on delete). */
  | { type: 'mailbox.changed'; accountId: number; mailboxId: number; change: 'created' | 'renamed' | 'deleted' }
  | { type: 'account.created'; accountId: number; orgId: number; address: string }
  | { type: 'account.updated'; accountId: number; orgId: number; fields: string[] }
  /** Lifecycle events (webhooks deliver them under the same names). */
  | { type: 'account.suspended' | 'account.restored' | 'account.password_reset'; accountId: number; orgId: number; address: string }
  /** Soft deletion: mail is kept until `purgeAfter` (ms), when the sweeper purges the account. */
  | { type: 'account.deleted'; accountId: number; orgId: number; address: string; purgeAfter: number }
  | { type: 'account.purged'; accountId: number; orgId: number; address: string }
  | { type: 'org.created'; orgId: number; slug: string }
  /** Directory entries written or removed (ids); every node's search index re-reads them. */
  | { type: 'directory.changed'; ids: number[]; origin?: string }
  /**
   * A calendar object was written or removed (any door, or scheduling). `appointment` says it
   * carries (or carried) a patient mobile number, so SMS reminders know to re-read it.
   */
  | { type: 'calendar.event.changed'; accountId: number; calendarId: number; objectName: string; uid: string | null; change: 'created' | 'updated' | 'deleted'; appointment: boolean }
  /** An SMS changed status (queued, sent, delivered, failed, expired, cancelled). */
  | { type: 'sms.status'; smsId: number; orgId: number; status: string };

export type EventType = DomainEvent['type'];
export type Handler<T extends EventType> = (event: Extract<DomainEvent, { type: T }>) => void;

export interface EventBus {
  publish(event: DomainEvent): Promise<void>;
  /** Subscribes to one type, or every event with '*'. Returns the unsubscribe function. */
  subscribe<T extends EventType>(type: T, handler: Handler<T>): () => void;
  subscribe(type: '*', handler: (event: DomainEvent) => void): () => void;
  close(): Promise<void>;
}

export class InProcessEventBus implements EventBus {
  private readonly handlers = new Map<string, Set<(e: DomainEvent) => void>>();

  async publish(event: DomainEvent): Promise<void> {
    for (const key of [event.type, '*']) {
      for (const h of this.handlers.get(key) ?? []) {
        // A failing subscriber must not stop delivery or other subscribers.
        try {
          h(event);
        } catch {
          /* subscribers log their own errors */
        }
      }
    }
  }

  subscribe(type: string, handler: (e: never) => void): () => void {
    const set = this.handlers.get(type) ?? new Set();
    set.add(handler as (e: DomainEvent) => void);
    this.handlers.set(type, set);
    return () => set.delete(handler as (e: DomainEvent) => void);
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}
