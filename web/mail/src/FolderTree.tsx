/**
 * Folders of every mail account this user can open: their own, then mailboxes shared with them
 * (other JMAP accounts, or shared folders inside their own account). A folder is a drop target for
 * dragged conversations when its rights allow adding.
 */
import { useState, type DragEvent } from 'react';
import { DRAG_TYPE, type DragPayload } from './MessageList';
import type { Mailbox } from './jmap/types';

export interface AccountView {
  id: string;
  name: string;
  personal: boolean;
  mailboxes: Mailbox[];
}

const ROLE_ORDER = ['inbox', 'drafts', 'sent', 'archive', 'junk', 'trash'];
const rank = (m: Mailbox) => {
  const r = m.role ? ROLE_ORDER.indexOf(m.role) : -1;
  return r < 0 ? ROLE_ORDER.length : r;
};

/** A folder's name as people read it: IMAP's INBOX is the Inbox. */
export const folderName = (m: Mailbox) => (m.role === 'inbox' && m.name.toUpperCase() === 'INBOX' ? 'Inbox' : m.name);

/** Children of a folder in display order: special folders first, then sortOrder, then name. */
export function childrenOf(mailboxes: Mailbox[], parentId: string | null): Mailbox[] {
  return mailboxes.filter((m) => (m.parentId ?? null) === parentId).sort((a, b) => rank(a) - rank(b) || a.sortOrder - b.sortOrder || a.name.localeCompare(b.name));
}

interface Props {
  accounts: AccountView[];
  current: { accountId: string; mailboxId: string } | null;
  onOpen: (accountId: string, mailboxId: string) => void;
  onDrop: (payload: DragPayload, accountId: string, mailboxId: string) => void;
}

export function FolderTree({ accounts, current, onOpen, onDrop }: Props) {
  const [over, setOver] = useState<string | null>(null);

  const item = (acc: AccountView, m: Mailbox, depth: number) => {
    const kids = childrenOf(acc.mailboxes, m.id);
    const isCurrent = current?.accountId === acc.id && current.mailboxId === m.id;
    const key = `${acc.id}/${m.id}`;
    const dragOver = (e: DragEvent) => {
      if (!e.dataTransfer.types.includes(DRAG_TYPE) || !m.myRights.mayAddItems) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'move';
      setOver(key);
    };
    const drop = (e: DragEvent) => {
      e.preventDefault();
      setOver(null);
      const raw = e.dataTransfer.getData(DRAG_TYPE);
      if (raw) onDrop(JSON.parse(raw) as DragPayload, acc.id, m.id);
    };
    return (
      <li key={m.id}>
        <button
          type="button"
          className={`folder${isCurrent ? ' folder--current' : ''}${over === key ? ' folder--over' : ''}`}
          style={{ paddingLeft: `${0.75 + depth * 1}rem` }}
          aria-current={isCurrent ? 'page' : undefined}
          data-mailbox-id={m.id}
          onClick={() => onOpen(acc.id, m.id)}
          onDragOver={dragOver}
          onDragLeave={() => setOver((o) => (o === key ? null : o))}
          onDrop={drop}
        >
          <span className="folder__name">{folderName(m)}</span>
          {m.unreadEmails > 0 ? (
            <span className="folder__count">
              {m.unreadEmails}
              <span className="visually-hidden"> unread</span>
            </span>
          ) : null}
        </button>
        {kids.length ? <ul className="folders">{kids.map((k) => item(acc, k, depth + 1))}</ul> : null}
      </li>
    );
  };

  return (
    <nav className="sidebar" aria-label="Folders">
      {accounts.map((acc) => (
        <section key={acc.id} className="sidebar__account" aria-labelledby={`acc-${acc.id}`}>
          <h2 className="sidebar__title" id={`acc-${acc.id}`}>
            {acc.personal ? 'My folders' : acc.name}
            {!acc.personal ? <span className="sidebar__tag"> (shared)</span> : null}
          </h2>
          <ul className="folders">{childrenOf(acc.mailboxes, null).map((m) => item(acc, m, 0))}</ul>
        </section>
      ))}
    </nav>
  );
}
