/**
 * Webmail's main screen: folders (nav), the message list (main) and the reading pane, a search
 * box with results as you type, and compose. Everything goes through JMAP (./jmap).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { plainWords } from '../../shared/http';
import type { Me } from './App';
import { Compose, type ComposeInit } from './Compose';
import { FolderTree, folderName } from './FolderTree';
import type { JmapClient } from './jmap/client';
import { getConversation, getSnippets, moveEmails, setKeyword, type ListEmail, type Targets } from './jmap/mail';
import type { Email, FilterCondition } from './jmap/types';
import { MessageList, type DragPayload } from './MessageList';
import { ReadingPane, type ReplyKind } from './ReadingPane';
import { buildReply, newMessage } from './reply';
import { snippetHtml } from './safe-html';
import { PasswordSettings, ShortcutHelp, VacationSettings } from './Settings';
import { SmsPage } from './SmsPage';
import { DirectoryPage } from './DirectoryPage';
import { RulesPage } from './RulesPage';
import { CalendarPage } from './calendar/CalendarPage';
import { useMailAccounts } from './useMailAccounts';
import { useShortcuts } from './useShortcuts';
import { useWindowedQuery } from './useWindowedQuery';

type Screen = 'mail' | 'calendar' | 'directory' | 'sms' | 'rules' | 'vacation' | 'password';

export function MailApp({ me, client, onSignOut }: { me: Me; client: JmapClient; onSignOut: () => void }) {
  const [announce, setAnnounce] = useState('');
  const { accounts, identities, error: accountsError, version, refresh, live } = useMailAccounts(client, (n) => setAnnounce(n === 1 ? 'New message in your Inbox' : `${n} new messages in your Inbox`));
  // The Inbox's id from the last visit lets its list load alongside the folders (first paint).
  const lastInbox = `wardpost.mail.inbox.${client.mailAccountId}`;
  const [where, setWhere] = useState<{ accountId: string; mailboxId: string } | null>(() => {
    const id = localStorage.getItem(lastInbox);
    return id ? { accountId: client.mailAccountId, mailboxId: id } : null;
  });
  const [searchInput, setSearchInput] = useState('');
  const [search, setSearch] = useState('');
  const [cursor, setCursor] = useState(-1);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const anchor = useRef(-1);
  const [open, setOpen] = useState<{ accountId: string; threadId: string; emailId: string } | null>(null);
  const [conversation, setConversation] = useState<Email[] | null>(null);
  const openRef = useRef(open);
  openRef.current = open;
  const [readError, setReadError] = useState<string | null>(null);
  const [compose, setCompose] = useState<ComposeInit | null>(null);
  const [screen, setScreen] = useState<Screen>('mail');
  const [help, setHelp] = useState(false);
  const [snippets, setSnippets] = useState(new Map<string, { subject: string | null; preview: string | null }>());
  const searchBox = useRef<HTMLInputElement>(null);

  const primary = accounts?.[0];
  // Open the Inbox once the folders are known (or again, if a remembered one is no longer there).
  useEffect(() => {
    if (!primary) return;
    const inbox = primary.mailboxes.find((m) => m.role === 'inbox') ?? primary.mailboxes[0];
    if (inbox) localStorage.setItem(lastInbox, inbox.id);
    const gone = where && !accounts?.find((a) => a.id === where.accountId)?.mailboxes.some((m) => m.id === where.mailboxId);
    if ((!where || gone) && inbox) setWhere({ accountId: primary.id, mailboxId: inbox.id });
  }, [where, primary, accounts, lastInbox]);

  // Results as you type: the query follows the box after a short pause.
  useEffect(() => {
    const t = setTimeout(() => setSearch(searchInput.trim()), 150);
    return () => clearTimeout(t);
  }, [searchInput]);

  const accountId = where?.accountId ?? client.mailAccountId;
  const account = accounts?.find((a) => a.id === accountId);
  const mailbox = account?.mailboxes.find((m) => m.id === where?.mailboxId);
  const filter = useMemo<FilterCondition | null>(() => (search ? { text: search } : where ? { inMailbox: where.mailboxId } : null), [search, where]);
  // One row per conversation costs the server more on a large folder: the reader chooses.
  const [grouped, setGrouped] = useState(() => localStorage.getItem('wardpost.mail.conversations') === '1');
  useEffect(() => localStorage.setItem('wardpost.mail.conversations', grouped ? '1' : '0'), [grouped]);
  const filterKey = `${accountId}|${grouped}|${JSON.stringify(filter)}`;
  const query = useWindowedQuery(client, accountId, filter, grouped, filterKey, version);
  const roleId = (role: string) => account?.mailboxes.find((m) => m.role === role)?.id ?? null;
  const ownRoleId = (role: string) => primary?.mailboxes.find((m) => m.role === role)?.id ?? null;

  useEffect(() => {
    setCursor(-1);
    setSelected(new Set());
    anchor.current = -1;
  }, [filterKey]);

  // First paint of the list: a mark the browser test and the bench read.
  const painted = useRef(false);
  useEffect(() => {
    if (!painted.current && query.total !== null) {
      painted.current = true;
      requestAnimationFrame(() => performance.mark('wardpost:inbox-painted'));
    }
  }, [query.total]);

  // Highlighted search matches for the first rows of the results.
  useEffect(() => {
    if (!search || !filter || query.total === null) return setSnippets(new Map());
    const ids = Array.from({ length: Math.min(query.total, 50) }, (_, i) => query.rowAt(i)?.id).filter((x): x is string => !!x);
    let live = true;
    getSnippets(client, accountId, filter, ids).then(
      (list) => live && setSnippets(new Map(list.map((s) => [s.emailId, s]))),
      () => live && setSnippets(new Map()),
    );
    return () => {
      live = false;
    };
  }, [search, query.total, client, accountId, filter, query]);

  const loadConversation = useCallback(
    async (accId: string, threadId: string) => {
      try {
        const list = await getConversation(client, accId, threadId);
        setConversation(list);
        setReadError(null);
        return list;
      } catch (err) {
        setReadError(plainWords(err));
        return null;
      }
    },
    [client],
  );

  const openRow = async (row: ListEmail) => {
    setOpen({ accountId, threadId: row.threadId, emailId: row.id });
    setConversation(null);
    const list = await loadConversation(accountId, row.threadId);
    if (list?.some((e) => !e.keywords.$seen) && mailbox?.myRights.maySetSeen !== false) {
      await setKeyword(client, accountId, { threadIds: [row.threadId] }, '$seen', true).catch(() => undefined);
      refresh();
    }
  };

  // A change on the server re-reads the open conversation too.
  useEffect(() => {
    if (openRef.current && version) void loadConversation(openRef.current.accountId, openRef.current.threadId);
  }, [version, loadConversation]);

  /** The conversations an action applies to: the selection, else the one under the cursor. */
  const targets = (): ListEmail[] => {
    const rows: ListEmail[] = [];
    if (selected.size) {
      for (let i = 0; i < (query.total ?? 0); i++) {
        const r = query.rowAt(i);
        if (r && selected.has(r.id)) rows.push(r);
        if (rows.length === selected.size) break;
      }
      return rows;
    }
    const r = query.rowAt(cursor);
    return r ? [r] : [];
  };

  /** Rows as what actions apply to: their conversations when grouped, else the messages. */
  const asTargets = (rows: ListEmail[]): Targets => (grouped ? { threadIds: rows.map((r) => r.threadId) } : { emailIds: rows.map((r) => r.id) });

  const act = async (what: string, fn: (t: Targets, rows: ListEmail[]) => Promise<unknown>) => {
    const rows = targets();
    if (!rows.length) return setAnnounce('Select a message first.');
    const noun = grouped ? 'conversation' : 'message';
    try {
      await fn(asTargets(rows), rows);
      setAnnounce(`${what}: ${rows.length} ${noun}${rows.length > 1 ? 's' : ''}.`);
      setSelected(new Set());
    } catch (err) {
      setAnnounce(plainWords(err));
    }
    refresh();
  };

  const moveTo = (to: string | null, label: string) => {
    if (!to || !where) return setAnnounce(`There is no ${label} folder.`);
    void act(`Moved to ${label}`, async (t, rows) => {
      await moveEmails(client, accountId, t, where.mailboxId, to);
      if (open && rows.some((r) => r.threadId === open.threadId)) {
        setOpen(null);
        setConversation(null);
      }
    });
  };

  const toggleKeyword = (kw: string, label: [string, string]) => {
    const rows = targets();
    const on = !rows.every((r) => r.keywords[kw]);
    void act(on ? label[0] : label[1], (t) => setKeyword(client, accountId, t, kw, on));
  };

  const onDrop = (p: DragPayload, toAccount: string, toMailbox: string) => {
    if (p.accountId !== toAccount) return setAnnounce('Messages can only be moved between folders of the same mailbox.');
    if (p.mailboxId === toMailbox) return;
    const target = accounts?.find((a) => a.id === toAccount)?.mailboxes.find((m) => m.id === toMailbox);
    const name = target ? folderName(target) : 'the folder';
    moveEmails(client, toAccount, p.targets, p.mailboxId, toMailbox).then(
      (n) => {
        setAnnounce(`Moved ${n} message${n === 1 ? '' : 's'} to ${name}.`);
        setSelected(new Set());
        refresh();
      },
      (err: unknown) => setAnnounce(plainWords(err)),
    );
  };

  const select = (i: number, mode: 'toggle' | 'range' | 'only') => {
    const row = query.rowAt(i);
    if (!row) return;
    setCursor(i);
    setSelected((prev) => {
      const next = new Set(mode === 'only' ? [] : prev);
      if (mode === 'range' && anchor.current >= 0) {
        for (let j = Math.min(anchor.current, i); j <= Math.max(anchor.current, i); j++) {
          const r = query.rowAt(j);
          if (r) next.add(r.id);
        }
      } else if (next.has(row.id)) next.delete(row.id);
      else next.add(row.id);
      return next;
    });
    if (mode !== 'range') anchor.current = i;
  };

  const mine = useMemo(() => new Set([me.account.address.toLowerCase(), ...(identities ?? []).map((i) => i.email.toLowerCase())]), [me, identities]);
  const canSend = !!identities?.length;
  const reply = (e: Email, kind: ReplyKind) => canSend && setCompose(buildReply(e, kind, mine));
  const latestOpen = conversation?.[conversation.length - 1];

  useShortcuts({
    enabled: screen === 'mail' && !compose && !help,
    total: query.total ?? 0,
    cursor,
    setCursor,
    open: () => {
      const r = query.rowAt(cursor);
      if (r) void openRow(r);
    },
    select: () => select(cursor, 'toggle'),
    compose: () => canSend && setCompose(newMessage()),
    reply: (kind) => latestOpen && reply(latestOpen, kind),
    flag: () => toggleKeyword('$flagged', ['Flagged', 'Flag removed']),
    unread: () => toggleKeyword('$seen', ['Marked as read', 'Marked as unread']),
    archive: () => moveTo(roleId('archive'), 'Archive'),
    trash: () => moveTo(roleId('trash'), 'Deleted items'),
    search: () => searchBox.current?.focus(),
    inbox: () => primary && setWhere({ accountId: primary.id, mailboxId: primary.mailboxes.find((m) => m.role === 'inbox')?.id ?? '' }),
    escape: () => (setOpen(null), setConversation(null)),
    help: () => setHelp(true),
  });

  const listLabel = search ? `Search results for ${search}` : `Messages in ${mailbox ? folderName(mailbox) : 'folder'}${account && !account.personal ? ` of ${account.name}` : ''}`;
  const showRecipients = !search && (mailbox?.role === 'sent' || mailbox?.role === 'drafts');
  const selectedCount = selected.size;

  return (
    <div className="app">
      <a className="skip-link" href="#messages">
        Skip to messages
      </a>
      <header className="topbar">
        <span className="brand">
          <span className="brand__mark" aria-hidden="true">
            W
          </span>
          <span className="brand__name">Wardpost</span>
          <span className="brand__service">Mail</span>
        </span>
        <form className="search" role="search" onSubmit={(e) => (e.preventDefault(), setSearch(searchInput.trim()))}>
          <label className="visually-hidden" htmlFor="search">
            Search mail
          </label>
          <input ref={searchBox} id="search" type="search" className="search__input" placeholder="Search mail" value={searchInput} onChange={(e) => (setSearchInput(e.target.value), setScreen('mail'))} />
        </form>
        <div className="topbar__actions">
          <button type="button" className="button button--header" disabled={!canSend} onClick={() => (setScreen('mail'), setCompose(newMessage()))}>
            New message
          </button>
          <button type="button" className="button button--header button--quiet" aria-current={screen === 'calendar' ? 'page' : undefined} onClick={() => setScreen('calendar')}>
            Calendar
          </button>
          <button type="button" className="button button--header button--quiet" aria-current={screen === 'directory' ? 'page' : undefined} onClick={() => setScreen('directory')}>
            Directory
          </button>
          <button type="button" className="button button--header button--quiet" aria-current={screen === 'sms' ? 'page' : undefined} onClick={() => setScreen('sms')}>
            Text messages
          </button>
          <button type="button" className="button button--header button--quiet" aria-current={screen === 'rules' ? 'page' : undefined} onClick={() => setScreen('rules')}>
            Rules
          </button>
          <button type="button" className="button button--header button--quiet" aria-current={screen === 'vacation' ? 'page' : undefined} onClick={() => setScreen('vacation')}>
            Out of office
          </button>
          <button type="button" className="button button--header button--quiet" aria-current={screen === 'password' ? 'page' : undefined} onClick={() => setScreen('password')}>
            Password
          </button>
          <span className="topbar__who">{me.account.displayName}</span>
          <span className={`live-dot${live ? ' live-dot--on' : ''}`} role="img" aria-label={live ? 'New mail arrives automatically' : 'Connecting for new mail'} title={live ? 'Connected: new mail arrives automatically' : 'Connecting…'} />
          <button type="button" className="button button--header" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <div className="layout">
        {accounts ? (
          <FolderTree accounts={accounts} current={search ? null : where} onOpen={(a, m) => (setWhere({ accountId: a, mailboxId: m }), setSearchInput(''), setSearch(''), setScreen('mail'), setOpen(null), setConversation(null))} onDrop={onDrop} />
        ) : (
          <nav className="sidebar" aria-label="Folders">
            <p role={accountsError ? 'alert' : 'status'}>{accountsError ?? 'Loading folders…'}</p>
          </nav>
        )}
        {screen !== 'mail' ? (
          <main className="settings-main" id="main">
            <button type="button" className="button button--secondary button--small" onClick={() => setScreen('mail')}>
              Back to mail
            </button>
            {screen === 'vacation' ? (
              <VacationSettings client={client} accountId={client.mailAccountId} />
            ) : screen === 'directory' ? (
              <DirectoryPage org={me.account.org} canWrite={canSend} onWrite={(to) => canSend && setCompose(newMessage([to]))} />
            ) : screen === 'sms' ? (
              <SmsPage csrf={me.csrf ?? null} />
            ) : screen === 'rules' ? (
              <RulesPage client={client} accountId={client.mailAccountId} folders={(primary?.mailboxes ?? []).map((m) => m.name)} />
            ) : screen === 'calendar' ? (
              <CalendarPage csrf={me.csrf ?? null} me={me.account.address} />
            ) : (
              <PasswordSettings csrf={me.csrf ?? null} />
            )}
          </main>
        ) : (
          <>
            <main className="listpane" id="main">
              <div className="listpane__head">
                <h1 className="listpane__title">
                  {search ? `Search: ${search}` : mailbox ? folderName(mailbox) : 'Mail'}
                  {account && !account.personal && !search ? <span className="listpane__owner"> · {account.name}</span> : null}
                </h1>
                <p className="listpane__count" aria-live="polite">
                  {query.total === null ? 'Loading…' : `${query.total.toLocaleString('en-GB')} conversation${query.total === 1 ? '' : 's'}`}
                  {selectedCount ? ` · ${selectedCount} selected` : ''}
                </p>
              </div>
              <div className="toolbar" role="toolbar" aria-label="Message actions">
                <button type="button" className="button button--small button--secondary" onClick={() => toggleKeyword('$seen', ['Marked as read', 'Marked as unread'])}>
                  Read / unread
                </button>
                <button type="button" className="button button--small button--secondary" onClick={() => toggleKeyword('$flagged', ['Flagged', 'Flag removed'])}>
                  Flag
                </button>
                <button type="button" className="button button--small button--secondary" onClick={() => moveTo(roleId('archive'), 'Archive')}>
                  Archive
                </button>
                <button type="button" className="button button--small button--secondary" onClick={() => moveTo(roleId('trash'), 'Deleted items')}>
                  Delete
                </button>
                <button type="button" className="button button--small button--secondary" aria-pressed={grouped} onClick={() => setGrouped((g) => !g)}>
                  One row per conversation
                </button>
                <label className="visually-hidden" htmlFor="move-to">
                  Move to folder
                </label>
                <select
                  id="move-to"
                  className="input input--small"
                  value=""
                  onChange={(e) => {
                    const m = account?.mailboxes.find((x) => x.id === e.target.value);
                    if (m) moveTo(m.id, folderName(m));
                  }}
                >
                  <option value="">Move to…</option>
                  {(account?.mailboxes ?? []).filter((m) => m.id !== where?.mailboxId && m.myRights.mayAddItems).map((m) => (
                    <option key={m.id} value={m.id}>
                      {folderName(m)}
                    </option>
                  ))}
                </select>
              </div>
              <MessageList
                label={listLabel}
                query={query}
                cursor={cursor}
                selected={selected}
                openId={open?.emailId ?? null}
                showRecipients={showRecipients}
                snippets={snippets}
                renderSnippet={(s) => ({ __html: snippetHtml(s) })}
                onCursor={setCursor}
                onOpen={(row) => void openRow(row)}
                onSelect={select}
                dragPayload={(i) => {
                  const row = query.rowAt(i);
                  if (!row || !where || search) return null;
                  const rows = selected.has(row.id) ? targets() : [row];
                  return { accountId, mailboxId: where.mailboxId, targets: asTargets(rows), count: rows.length };
                }}
              />
            </main>
            <ReadingPane client={client} accountId={open?.accountId ?? accountId} emails={open ? conversation : null} error={open ? readError : null} canSend={canSend} onReply={reply} onClose={() => (setOpen(null), setConversation(null))} />
          </>
        )}
      </div>
      {compose && identities ? (
        <Compose
          client={client}
          accountId={client.mailAccountId}
          identities={identities}
          mailboxes={ownRoleId('drafts') && ownRoleId('sent') ? { drafts: ownRoleId('drafts')!, sent: ownRoleId('sent')! } : null}
          init={compose}
          onClose={(how) => {
            setCompose(null);
            setAnnounce(how === 'sent' ? 'Your message has been sent.' : how === 'kept' ? 'Your draft is in Drafts.' : 'The draft was discarded.');
            refresh();
          }}
        />
      ) : null}
      {help ? <ShortcutHelp onClose={() => setHelp(false)} /> : null}
      <div className="announce" role="status" aria-live="polite">
        {announce}
      </div>
    </div>
  );
}
