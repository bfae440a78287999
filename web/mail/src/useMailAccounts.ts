/**
 * The folders of every account this user can open and who they may send as, kept fresh by push:
 * a StateChange on the event source (RFC 8620 section 7.3) reloads the counts and tells the
 * open list to re-read (version).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AccountView } from './FolderTree';
import type { JmapClient } from './jmap/client';
import { getIdentities, getMailboxes } from './jmap/mail';
import type { Identity } from './jmap/types';

export function useMailAccounts(client: JmapClient, onNewMail: (count: number) => void) {
  const [accounts, setAccounts] = useState<AccountView[] | null>(null);
  const [identities, setIdentities] = useState<Identity[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const [live, setLive] = useState(false);
  const seen = useRef<Record<string, Record<string, string>>>({});
  const inboxUnread = useRef<number | null>(null);
  const newMail = useRef(onNewMail);
  newMail.current = onNewMail;

  const reload = useCallback(async () => {
    try {
      const list = [{ id: client.mailAccountId, name: client.session.username, personal: true }, ...client.otherMailAccounts.map((a) => ({ id: a.id, name: a.name, personal: false }))];
      const views = await Promise.all(list.map(async (a) => ({ ...a, mailboxes: await getMailboxes(client, a.id) })));
      const inbox = views[0]?.mailboxes.find((m) => m.role === 'inbox');
      if (inbox && inboxUnread.current !== null && inbox.unreadEmails > inboxUnread.current) newMail.current(inbox.unreadEmails - inboxUnread.current);
      inboxUnread.current = inbox?.unreadEmails ?? null;
      setAccounts(views);
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }, [client]);

  /** After a change made here: fresh counts and list. */
  const refresh = useCallback(() => {
    setVersion((v) => v + 1);
    void reload();
  }, [reload]);

  useEffect(() => {
    void reload();
    getIdentities(client, client.mailAccountId).then(setIdentities, () => setIdentities([]));
  }, [client, reload]);

  useEffect(
    () =>
      client.listen(
        (change) => {
          let any = false;
          for (const [acc, types] of Object.entries(change.changed)) {
            const before = seen.current[acc] ?? {};
            if (Object.entries(types).some(([t, s]) => before[t] !== s)) any = true;
            seen.current[acc] = { ...before, ...types };
          }
          if (any) refresh();
        },
        () => setLive(true),
      ),
    [client, refresh],
  );

  return { accounts, identities, error, version, refresh, live };
}
