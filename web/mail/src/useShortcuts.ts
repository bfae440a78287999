/**
 * Keyboard shortcuts of the mail screen (listed in Settings.SHORTCUTS, shown with "?"). They act
 * only when focus is not in a field, so typing is never taken over.
 */
import { useEffect, useRef } from 'react';
import type { ReplyKind } from './ReadingPane';

interface Actions {
  enabled: boolean;
  total: number;
  cursor: number;
  setCursor: (i: number) => void;
  open: () => void;
  select: () => void;
  compose: () => void;
  reply: (kind: ReplyKind) => void;
  flag: () => void;
  unread: () => void;
  archive: () => void;
  trash: () => void;
  search: () => void;
  inbox: () => void;
  escape: () => void;
  help: () => void;
}

const typing = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));

export function useShortcuts(a: Actions): void {
  const ref = useRef(a);
  ref.current = a;
  const pendingG = useRef(0);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const x = ref.current;
      if (!x.enabled || e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
      const move = (d: number) => x.setCursor(Math.max(0, Math.min(x.total - 1, (x.cursor < 0 ? -1 : x.cursor) + d)));
      const gThenI = e.key === 'i' && Date.now() - pendingG.current < 1000;
      pendingG.current = e.key === 'g' ? Date.now() : 0;
      const map: Record<string, () => void> = {
        j: () => move(1),
        ArrowDown: () => move(1),
        k: () => move(-1),
        ArrowUp: () => move(-1),
        Enter: x.open,
        o: x.open,
        x: x.select,
        ' ': x.select,
        c: x.compose,
        r: () => x.reply('reply'),
        a: () => x.reply('reply-all'),
        f: () => x.reply('forward'),
        s: x.flag,
        u: x.unread,
        e: x.archive,
        '#': x.trash,
        Delete: x.trash,
        '/': x.search,
        Escape: x.escape,
        '?': x.help,
      };
      const fn = gThenI ? x.inbox : e.key === 'g' ? () => undefined : map[e.key];
      if (!fn) return;
      // Buttons and links keep their own Enter and Space.
      if ((e.key === 'Enter' || e.key === ' ') && e.target instanceof HTMLElement && ['BUTTON', 'A'].includes(e.target.tagName)) return;
      e.preventDefault();
      fn();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
