/**
 * The message list: a listbox of conversations rendered as a window (only the rows on screen
 * exist in the page), so scrolling 100,000 messages stays smooth. Keyboard: arrows or j/k move,
 * Space or x selects, Enter opens; Ctrl/Shift-click select; rows drag onto a folder to move.
 */
import { useEffect, useLayoutEffect, useRef, useState, type DragEvent, type MouseEvent } from 'react';
import { people, shortDate } from './format';
import type { ListEmail, Targets } from './jmap/mail';
import type { WindowedQuery } from './useWindowedQuery';

export const ROW_HEIGHT = 64;
const OVERSCAN = 8;
export const DRAG_TYPE = 'application/x-wardpost-threads';

export interface DragPayload {
  accountId: string;
  mailboxId: string;
  targets: Targets;
  count: number;
}

interface Props {
  label: string;
  query: WindowedQuery;
  cursor: number;
  selected: Set<string>;
  openId: string | null;
  /** Show recipients instead of senders (Sent, Drafts). */
  showRecipients: boolean;
  snippets: Map<string, { subject: string | null; preview: string | null }>;
  renderSnippet: (html: string) => { __html: string };
  onCursor: (index: number) => void;
  onOpen: (row: ListEmail, index: number) => void;
  onSelect: (index: number, mode: 'toggle' | 'range' | 'only') => void;
  dragPayload: (index: number) => DragPayload | null;
}

export function MessageList(p: Props) {
  const box = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 600 });
  const total = p.query.total ?? 0;

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => setView({ top: el.scrollTop, height: el.clientHeight });
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const first = Math.max(0, Math.floor(view.top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(total - 1, Math.ceil((view.top + view.height) / ROW_HEIGHT) + OVERSCAN);
  const { ensure } = p.query;

  // Fetch what is on screen once scrolling pauses (a fling through 100,000 rows asks for one window).
  useEffect(() => {
    if (total === 0) return;
    const t = setTimeout(() => ensure(first, last), 60);
    return () => clearTimeout(t);
  }, [first, last, total, ensure]);

  // Keep the cursor row in view when it moves by keyboard.
  useEffect(() => {
    const el = box.current;
    if (!el || p.cursor < 0) return;
    const top = p.cursor * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
  }, [p.cursor]);

  const onScroll = () => {
    const el = box.current;
    if (el) setView({ top: el.scrollTop, height: el.clientHeight });
  };

  const click = (e: MouseEvent, i: number, row: ListEmail | undefined) => {
    if (e.shiftKey) p.onSelect(i, 'range');
    else if (e.ctrlKey || e.metaKey) p.onSelect(i, 'toggle');
    else if (row) {
      p.onCursor(i);
      p.onOpen(row, i);
    }
  };

  const dragStart = (e: DragEvent, i: number) => {
    const payload = p.dragPayload(i);
    if (!payload) return e.preventDefault();
    e.dataTransfer.setData(DRAG_TYPE, JSON.stringify(payload));
    e.dataTransfer.setData('text/plain', `${payload.count} message(s)`);
    e.dataTransfer.effectAllowed = 'move';
  };

  const rows = [];
  for (let i = first; i <= last; i++) {
    const row = p.query.rowAt(i);
    const unread = row ? !row.keywords.$seen : false;
    const flagged = row ? !!row.keywords.$flagged : false;
    const isSelected = row ? p.selected.has(row.id) : false;
    const snip = row ? p.snippets.get(row.id) : undefined;
    rows.push(
      <div
        key={i}
        id={`msg-row-${i}`}
        role="option"
        aria-selected={isSelected}
        aria-setsize={total}
        aria-posinset={i + 1}
        aria-current={row && row.id === p.openId ? 'true' : undefined}
        className={`row${unread ? ' row--unread' : ''}${isSelected ? ' row--selected' : ''}${i === p.cursor ? ' row--cursor' : ''}${row && row.id === p.openId ? ' row--open' : ''}`}
        style={{ transform: `translateY(${i * ROW_HEIGHT}px)` }}
        draggable={!!row}
        onDragStart={(e) => dragStart(e, i)}
        onClick={(e) => click(e, i, row)}
        data-email-id={row?.id}
      >
        {row ? (
          <>
            <span
              className={`row__check${isSelected ? ' row__check--on' : ''}`}
              aria-hidden="true"
              onClick={(e) => {
                e.stopPropagation();
                p.onSelect(i, 'toggle');
              }}
            />
            <span className="row__who">
              {unread ? <span className="visually-hidden">Unread. </span> : null}
              {(p.showRecipients ? people(row.to) : people(row.from)) || '(nobody)'}
              {row.threadSize !== null && row.threadSize > 1 ? <span className="row__count" aria-label={`${row.threadSize} messages`}>{row.threadSize}</span> : null}
            </span>
            <span className="row__date">{shortDate(row.receivedAt)}</span>
            <span className="row__subject">
              {flagged ? <span className="row__flag" role="img" aria-label="Flagged">⚑</span> : null}
              {row.hasAttachment ? <span className="row__clip" role="img" aria-label="Has attachments">📎</span> : null}
              {snip?.subject ? <span dangerouslySetInnerHTML={p.renderSnippet(snip.subject)} /> : row.subject || '(no subject)'}
            </span>
            <span className="row__preview">{snip?.preview ? <span dangerouslySetInnerHTML={p.renderSnippet(snip.preview)} /> : row.preview}</span>
          </>
        ) : (
          <span className="row__loading">Loading…</span>
        )}
      </div>,
    );
  }

  return (
    <div
      ref={box}
      className="list"
      role="listbox"
      id="messages"
      tabIndex={0}
      aria-label={p.label}
      aria-multiselectable="true"
      aria-activedescendant={p.cursor >= first && p.cursor <= last ? `msg-row-${p.cursor}` : undefined}
      aria-busy={p.query.total === null}
      onScroll={onScroll}
    >
      <div className="list__space" style={{ height: total * ROW_HEIGHT }}>
        {rows}
      </div>
      {p.query.total === 0 ? <p className="list__empty">No messages here.</p> : null}
      {p.query.error ? (
        <p className="list__empty" role="alert">
          {p.query.error}
        </p>
      ) : null}
    </div>
  );
}
