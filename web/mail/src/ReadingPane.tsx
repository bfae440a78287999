/** The conversation opened from the list: every message of the thread, oldest first, with actions. */
import type { JmapClient } from './jmap/client';
import type { Email } from './jmap/types';
import { longDate, people, fullAddress } from './format';
import { MessageBody } from './MessageBody';

export type ReplyKind = 'reply' | 'reply-all' | 'forward';

interface Props {
  client: JmapClient;
  accountId: string;
  emails: Email[] | null;
  error: string | null;
  canSend: boolean;
  onReply: (e: Email, kind: ReplyKind) => void;
  onClose: () => void;
}

export function ReadingPane({ client, accountId, emails, error, canSend, onReply, onClose }: Props) {
  if (error)
    return (
      <section className="reading" aria-label="Reading pane">
        <p role="alert">{error}</p>
      </section>
    );
  if (!emails)
    return (
      <section className="reading reading--empty" aria-label="Reading pane">
        <p>Select a message to read it.</p>
        <p className="muted">
          Press <kbd>?</kbd> for keyboard shortcuts.
        </p>
      </section>
    );
  const latest = emails[emails.length - 1];
  return (
    <section className="reading" aria-labelledby="reading-subject">
      <div className="reading__head">
        <h2 id="reading-subject" className="reading__subject" tabIndex={-1}>
          {latest?.subject || '(no subject)'}
        </h2>
        <button type="button" className="button button--small button--secondary" onClick={onClose} aria-label="Close message">
          Close
        </button>
      </div>
      {emails.map((e) => (
        <article key={e.id} className="message" aria-label={`Message from ${people(e.from) || 'unknown sender'}`}>
          <header className="message__head">
            <p className="message__from">
              <strong>{people(e.from) || '(unknown sender)'}</strong> <span className="muted">{(e.from ?? []).map((a) => `<${a.email}>`).join(', ')}</span>
            </p>
            {e.sender?.length && e.from?.length && e.sender[0]!.email !== e.from[0]!.email ? <p className="message__meta">Sent by {fullAddress(e.sender[0]!)} on behalf of {people(e.from)}</p> : null}
            <p className="message__meta">To: {people(e.to) || '(undisclosed recipients)'}</p>
            {e.cc?.length ? <p className="message__meta">Cc: {people(e.cc)}</p> : null}
            <p className="message__meta">
              <time dateTime={e.sentAt ?? e.receivedAt}>{longDate(e.sentAt ?? e.receivedAt)}</time>
            </p>
          </header>
          <MessageBody email={e} client={client} accountId={accountId} />
          {canSend ? (
            <div className="message__actions">
              <button type="button" className="button button--small" onClick={() => onReply(e, 'reply')}>
                Reply
              </button>
              <button type="button" className="button button--small button--secondary" onClick={() => onReply(e, 'reply-all')}>
                Reply all
              </button>
              <button type="button" className="button button--small button--secondary" onClick={() => onReply(e, 'forward')}>
                Forward
              </button>
            </div>
          ) : null}
        </article>
      ))}
    </section>
  );
}
