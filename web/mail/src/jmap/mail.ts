/**
 * Mail operations of webmail over the JMAP client (RFC 8621): each function is one request of
 * one or more method calls chained by back-references, so a screen waits for one round trip.
 */
import { JmapClient, JmapError, ref } from './client';
import type { Email, EmailAddress, FilterCondition, Identity, Mailbox, QueryResponse, SearchSnippet, SetResponse, VacationResponse } from './types';

/** What a row of the message list shows (RFC 8621 section 4.1 property names). */
export const LIST_PROPERTIES = ['id', 'threadId', 'mailboxIds', 'keywords', 'from', 'to', 'subject', 'receivedAt', 'preview', 'hasAttachment', 'size'] as const;
/** A row of the list; threadSize arrives a moment after the row (null until then). */
export type ListEmail = Pick<Email, (typeof LIST_PROPERTIES)[number]> & { threadSize: number | null };

const READ_PROPERTIES = [...LIST_PROPERTIES, 'blobId', 'cc', 'replyTo', 'sender', 'sentAt', 'messageId', 'inReplyTo', 'references', 'bodyValues', 'textBody', 'htmlBody', 'attachments'];

/** Newest first, as people read mail (RFC 8621 section 4.4.2). */
const NEWEST_FIRST = [{ property: 'receivedAt', isAscending: false }];

/** Mailbox/get of every mailbox of an account (RFC 8621 section 2.1). */
export async function getMailboxes(c: JmapClient, accountId: string): Promise<Mailbox[]> {
  const r = await c.call<{ list: Mailbox[] }>('Mailbox/get', { accountId, ids: null });
  return r.list;
}

export interface Window {
  position: number;
  total: number;
  emails: ListEmail[];
  queryState: string;
}

/**
 * One window of a mailbox or search: Email/query with position and limit (RFC 8620 section 5.5) and
 * Email/get of those ids, in one request. With `collapseThreads` a row stands for its conversation.
 */
export async function queryWindow(c: JmapClient, accountId: string, filter: FilterCondition, position: number, limit: number, collapseThreads: boolean): Promise<Window> {
  const r = await c.request([
    ['Email/query', { accountId, filter, sort: NEWEST_FIRST, collapseThreads, position, limit, calculateTotal: true }, 'q'],
    ['Email/get', { accountId, '#ids': ref('q', 'Email/query', '/ids'), properties: LIST_PROPERTIES }, 'g'],
  ]);
  const q = r.get<QueryResponse>('q');
  const got = new Map(r.get<{ list: Email[] }>('g').list.map((e) => [e.id, e]));
  const emails = q.ids.flatMap((id) => {
    const e = got.get(id);
    return e ? [{ ...e, threadSize: null }] : [];
  });
  return { position: q.position, total: q.total ?? q.position + q.ids.length, emails, queryState: q.queryState };
}

/** How many messages each conversation holds (Thread/get, RFC 8621 section 3.1). */
export async function threadSizes(c: JmapClient, accountId: string, threadIds: string[]): Promise<Map<string, number>> {
  if (!threadIds.length) return new Map();
  const r = await c.call<{ list: { id: string; emailIds: string[] }[] }>('Thread/get', { accountId, ids: [...new Set(threadIds)] });
  return new Map(r.list.map((t) => [t.id, t.emailIds.length]));
}

/** Every message of a conversation, oldest first, with bodies (RFC 8621 sections 3 and 4.2). */
export async function getConversation(c: JmapClient, accountId: string, threadId: string): Promise<Email[]> {
  const r = await c.request([
    ['Thread/get', { accountId, ids: [threadId] }, 't'],
    ['Email/get', { accountId, '#ids': ref('t', 'Thread/get', '/list/*/emailIds'), properties: READ_PROPERTIES, fetchHTMLBodyValues: true, fetchTextBodyValues: true, maxBodyValueBytes: 2_000_000 }, 'g'],
  ]);
  const emails = r.get<{ list: Email[] }>('g').list;
  return emails.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
}

/** Fails with the server's reason when any part of an Email/set (or other /set) was refused. */
export function assertSet<T>(r: SetResponse<T>, what: string): SetResponse<T> {
  const refused = { ...(r.notCreated ?? {}), ...(r.notUpdated ?? {}), ...(r.notDestroyed ?? {}) };
  const first = Object.values(refused)[0];
  if (first) throw new JmapError(first.type, `Could not ${what}: ${first.description ?? first.type}.`);
  return r;
}

/** What an action applies to: whole conversations (one row per conversation) or single messages. */
export type Targets = { threadIds: string[] } | { emailIds: string[] };

/** The messages of the targets, those in `inMailbox` only when given (RFC 8621 sections 3 and 4.2). */
async function targetEmails(c: JmapClient, accountId: string, t: Targets, inMailbox: string | null): Promise<Pick<Email, 'id' | 'mailboxIds'>[]> {
  const properties = ['id', 'mailboxIds'];
  const r =
    'threadIds' in t
      ? await c.request([
          ['Thread/get', { accountId, ids: t.threadIds }, 't'],
          ['Email/get', { accountId, '#ids': ref('t', 'Thread/get', '/list/*/emailIds'), properties }, 'g'],
        ])
      : await c.request([['Email/get', { accountId, ids: t.emailIds, properties }, 'g']]);
  const list = r.get<{ list: Pick<Email, 'id' | 'mailboxIds'>[] }>('g').list;
  return inMailbox ? list.filter((e) => e.mailboxIds[inMailbox]) : list;
}

/** Sets or clears a keyword ($seen, $flagged) with patches (RFC 8620 section 5.3). */
export async function setKeyword(c: JmapClient, accountId: string, t: Targets, keyword: string, on: boolean): Promise<void> {
  const emails = await targetEmails(c, accountId, t, null);
  const update = Object.fromEntries(emails.map((e) => [e.id, { [`keywords/${keyword}`]: on ? true : null }]));
  if (emails.length) assertSet(await c.call<SetResponse<Email>>('Email/set', { accountId, update }), 'change the messages');
}

/** Moves the targets' messages in one mailbox to another (a mailboxIds patch); returns how many. */
export async function moveEmails(c: JmapClient, accountId: string, t: Targets, from: string, to: string): Promise<number> {
  const emails = await targetEmails(c, accountId, t, from);
  const update = Object.fromEntries(emails.map((e) => [e.id, { [`mailboxIds/${from}`]: null, [`mailboxIds/${to}`]: true }]));
  if (emails.length) assertSet(await c.call<SetResponse<Email>>('Email/set', { accountId, update }), 'move the messages');
  return emails.length;
}

/** Highlighted subject and preview for search results (RFC 8621 section 5.1). */
export async function getSnippets(c: JmapClient, accountId: string, filter: FilterCondition, emailIds: string[]): Promise<SearchSnippet[]> {
  if (!emailIds.length) return [];
  return (await c.call<{ list: SearchSnippet[] }>('SearchSnippet/get', { accountId, filter, emailIds })).list;
}

/** Who this user may send as: own address, shared mailboxes, delegators (RFC 8621 section 6.1). */
export async function getIdentities(c: JmapClient, accountId: string): Promise<Identity[]> {
  return (await c.call<{ list: Identity[] }>('Identity/get', { accountId, ids: null })).list;
}

export async function getVacation(c: JmapClient, accountId: string): Promise<VacationResponse> {
  const r = await c.call<{ list: VacationResponse[] }>('VacationResponse/get', { accountId, ids: ['singleton'] });
  const v = r.list[0];
  if (!v) throw new JmapError('notFound', 'The out-of-office settings could not be read.');
  return v;
}

/** VacationResponse/set of the singleton (RFC 8621 section 8.3). */
export async function setVacation(c: JmapClient, accountId: string, v: Omit<VacationResponse, 'id'>): Promise<void> {
  assertSet(await c.call<SetResponse<VacationResponse>>('VacationResponse/set', { accountId, update: { singleton: v } }), 'save the out-of-office reply');
}

export interface Attachment {
  blobId: string;
  type: string;
  name: string;
  size: number;
}

export interface Draft {
  identity: Identity;
  to: EmailAddress[];
  cc: EmailAddress[];
  bcc: EmailAddress[];
  subject: string;
  text: string;
  attachments: Attachment[];
  inReplyTo: string[] | null;
  references: string[] | null;
}

/** The Email/create object of a draft (RFC 8621 section 4.6: bodyValues with a textBody part). */
function draftObject(d: Draft, draftsId: string): Record<string, unknown> {
  return {
    mailboxIds: { [draftsId]: true },
    keywords: { $draft: true, $seen: true },
    from: [{ name: d.identity.name || null, email: d.identity.email }],
    to: d.to,
    cc: d.cc,
    bcc: d.bcc,
    subject: d.subject,
    ...(d.inReplyTo ? { inReplyTo: d.inReplyTo } : {}),
    ...(d.references ? { references: d.references } : {}),
    bodyValues: { body: { value: d.text } },
    textBody: [{ partId: 'body', type: 'text/plain' }],
    attachments: d.attachments.map((a) => ({ blobId: a.blobId, type: a.type, name: a.name, disposition: 'attachment' })),
  };
}

/**
 * Saves a draft: messages are immutable, so a new draft is created and the previous one destroyed
 * in the same Email/set (RFC 8621 section 4.6). Returns the new draft's id.
 */
export async function saveDraft(c: JmapClient, accountId: string, d: Draft, draftsId: string, previousId: string | null): Promise<string> {
  const r = assertSet(await c.call<SetResponse<Email>>('Email/set', { accountId, create: { draft: draftObject(d, draftsId) }, ...(previousId ? { destroy: [previousId] } : {}) }), 'save the draft');
  const id = r.created?.draft?.id;
  if (!id) throw new JmapError('serverFail', 'The draft was not saved.');
  return id;
}

/**
 * Sends: creates the message in Drafts, submits it (EmailSubmission/set, RFC 8621 section 7.5) and
 * on success moves it to Sent and clears $draft; the previous autosaved draft is destroyed.
 */
export async function sendMessage(c: JmapClient, accountId: string, d: Draft, mailboxes: { drafts: string; sent: string }, previousDraftId: string | null): Promise<void> {
  const r = await c.request([
    ['Email/set', { accountId, create: { msg: draftObject(d, mailboxes.drafts) }, ...(previousDraftId ? { destroy: [previousDraftId] } : {}) }, 'e'],
    [
      'EmailSubmission/set',
      {
        accountId,
        create: { sub: { identityId: d.identity.id, emailId: '#msg' } },
        onSuccessUpdateEmail: { '#sub': { [`mailboxIds/${mailboxes.drafts}`]: null, [`mailboxIds/${mailboxes.sent}`]: true, 'keywords/$draft': null } },
      },
      's',
    ],
  ]);
  assertSet(r.get<SetResponse<Email>>('e'), 'prepare the message');
  assertSet(r.get<SetResponse<unknown>>('s'), 'send the message');
}

/** The account's one server-side rules script (RFC 9661 SieveScript), as text ('' when none). */
export async function getRules(c: JmapClient, accountId: string): Promise<string> {
  const r = await c.call<{ list: { blobId: string }[] }>('SieveScript/get', { accountId, ids: null });
  const blob = r.list[0]?.blobId;
  if (!blob) return '';
  const res = await fetch(c.downloadUrl(accountId, blob, 'rules.sieve', 'application/sieve'), { credentials: 'same-origin' });
  if (!res.ok) throw new JmapError('serverFail', 'Your rules could not be read.');
  return res.text();
}

/** Saves the rules script (upload, then create or update); the server's Sieve errors come back in words. */
export async function setRules(c: JmapClient, accountId: string, script: string, exists: boolean): Promise<void> {
  if (!script.trim()) {
    if (exists) assertSet(await c.call<SetResponse<unknown>>('SieveScript/set', { accountId, destroy: ['rules'] }), 'remove your rules');
    return;
  }
  const { blobId } = await c.upload(accountId, new Blob([script], { type: 'application/sieve' }));
  const args = exists ? { update: { rules: { blobId } } } : { create: { r: { name: 'rules', blobId } } };
  assertSet(await c.call<SetResponse<unknown>>('SieveScript/set', { accountId, ...args }), 'save your rules');
}
