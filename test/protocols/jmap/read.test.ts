/**
 * Reading mail over JMAP (RFC 8621): Mailbox/get and /query, Email/query (paging, sorting,
 * filters, collapsed threads), Email/get (properties, body values, headers, body structure),
 * Thread/get, over real HTTP on both engines.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forBothEngines, startJmapFixture, type JmapClient, type JmapFixture } from './helpers.js';

type Json = Record<string, unknown>;

const MULTIPART = [
  'From: "Dr Jane Smith" <jane@example.org>',
  'To: carol@wardpost.test, "Ward 7" <ward7@example.org>',
  'Cc: audit@example.org',
  'Subject: =?UTF-8?Q?Discharge_summary_=E2=80=93_bed_4?=',
  'Date: Fri, 20 Nov 2026 09:30:00 +0000',
  'Message-ID: <root-1@example.org>',
  'List-Post: <mailto:ward@example.org>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b1"',
  '',
  '--b1',
  'Content-Type: multipart/alternative; boundary="b2"',
  '',
  '--b2',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Patient discharged =E2=80=93 follow up in clinic.',
  '--b2',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<p>Patient discharged &ndash; follow up in <b>clinic</b>.</p>',
  '--b2--',
  '--b1',
  'Content-Type: application/pdf; name="summary.pdf"',
  'Content-Disposition: attachment; filename="summary.pdf"',
  'Content-Transfer-Encoding: base64',
  '',
  Buffer.from('%PDF-1.4 discharge').toString('base64'),
  '--b1--',
  '',
].join('\r\n');

forBothEngines('JMAP reading mail', (engine) => {
  let f: JmapFixture;
  let carol: JmapClient;
  let mb: Record<string, string>;
  before(async () => {
    f = await startJmapFixture(engine);
    carol = await f.user('carol');
    for (let i = 0; i < 30; i++) await f.deliver(carol.address, { subject: `Rota week ${i}`, body: i === 7 ? 'The phlebotomy list moved.\r\n' : `Shift ${i}\r\n` });
    await f.server.platform.services.delivery.deliver({ source: (await import('node:stream')).Readable.from([Buffer.from(MULTIPART)]), recipients: [carol.address] });
    const reply = MULTIPART.replace('Message-ID: <root-1@example.org>', 'Message-ID: <reply-1@example.org>\r\nIn-Reply-To: <root-1@example.org>\r\nReferences: <root-1@example.org>').replace('Subject: =?UTF-8?Q?Discharge_summary_=E2=80=93_bed_4?=', 'Subject: Re: Discharge summary');
    await f.server.platform.services.delivery.deliver({ source: (await import('node:stream')).Readable.from([Buffer.from(reply)]), recipients: [carol.address], folder: 'Archive' });
    mb = await carol.mailboxes();
  });
  after(async () => f.stop());

  it('lists folders with roles, counts and full rights', async () => {
    const r = await carol.call('Mailbox/get', { ids: null });
    const inbox = (r.list as Json[]).find((m) => m.role === 'inbox')!;
    assert.equal(inbox.name, 'INBOX');
    assert.equal(inbox.totalEmails, 31);
    assert.equal(inbox.unreadEmails, 31);
    assert.equal(inbox.parentId, null);
    assert.equal((inbox.myRights as Json).mayDelete, true);
    assert.deepEqual(Object.keys(mb).sort(), ['archive', 'drafts', 'inbox', 'junk', 'sent', 'trash']);
    const q = await carol.call('Mailbox/query', { filter: { hasAnyRole: true }, sort: [{ property: 'sortOrder' }] });
    assert.equal((q.ids as string[])[0], mb.inbox);
    const some = await carol.call('Mailbox/get', { ids: [mb.sent, 'M999999'], properties: ['name'] });
    assert.deepEqual(some.list, [{ id: mb.sent, name: 'Sent' }]);
    assert.deepEqual(some.notFound, ['M999999']);
  });

  it('keeps unread and thread counts exact as messages are read and unread (counts are cached per mailbox state)', async () => {
    const counts = async () => {
      const r = await carol.call('Mailbox/get', { ids: [mb.inbox], properties: ['totalEmails', 'unreadEmails', 'totalThreads', 'unreadThreads'] });
      return (r.list as Json[])[0]!;
    };
    const before = await counts();
    assert.equal(before.unreadEmails, 31);
    const q = await carol.call('Email/query', { filter: { inMailbox: mb.inbox }, limit: 2 });
    const [a, b] = q.ids as string[];
    await carol.call('Email/set', { update: { [a!]: { 'keywords/$seen': true }, [b!]: { 'keywords/$seen': true } } });
    const read = await counts();
    assert.equal(read.unreadEmails, 29);
    assert.equal(read.totalEmails, 31);
    assert.equal(read.totalThreads, before.totalThreads);
    assert.ok((read.unreadThreads as number) <= (before.unreadThreads as number));
    await carol.call('Email/set', { update: { [a!]: { 'keywords/$seen': null }, [b!]: { 'keywords/$seen': null } } });
    assert.deepEqual(await counts(), before);
  });

  it('pages a folder newest first, with the total and a stable position', async () => {
    const p1 = await carol.call('Email/query', { filter: { inMailbox: mb.inbox }, sort: [{ property: 'receivedAt', isAscending: false }], limit: 10, calculateTotal: true });
    assert.equal(p1.total, 31);
    assert.equal((p1.ids as string[]).length, 10);
    const p2 = await carol.call('Email/query', { filter: { inMailbox: mb.inbox }, sort: [{ property: 'receivedAt', isAscending: false }], position: 10, limit: 10 });
    assert.equal(p2.position, 10);
    const all = await carol.call('Email/query', { filter: { inMailbox: mb.inbox }, limit: 100 });
    assert.deepEqual((all.ids as string[]).slice(0, 20), [...(p1.ids as string[]), ...(p2.ids as string[])]);
    const got = await carol.call('Email/get', { ids: (p1.ids as string[]).slice(0, 2), properties: ['subject', 'receivedAt'] });
    assert.equal((got.list as Json[])[0]!.subject, 'Discharge summary – bed 4');
    const oldest = await carol.call('Email/query', { filter: { inMailbox: mb.inbox }, sort: [{ property: 'receivedAt', isAscending: true }], limit: 1 });
    const first = await carol.call('Email/get', { ids: oldest.ids, properties: ['subject'] });
    assert.equal((first.list as Json[])[0]!.subject, 'Rota week 0');
  });

  it('filters by text, subject, sender, keyword and folder; anchors; sorts by subject', async () => {
    const subj = async (filter: Json, extra: Json = {}) => {
      const q = await carol.call('Email/query', { filter, ...extra });
      const g = await carol.call('Email/get', { ids: q.ids, properties: ['subject'] });
      return (g.list as Json[]).map((e) => e.subject);
    };
    assert.deepEqual(await subj({ text: 'phlebotomy' }), ['Rota week 7']);
    assert.deepEqual(await subj({ body: 'phlebotomy', inMailbox: mb.inbox }), ['Rota week 7']);
    assert.deepEqual(await subj({ from: 'jane@example.org' }), ['Re: Discharge summary', 'Discharge summary – bed 4']);
    assert.deepEqual(await subj({ operator: 'AND', conditions: [{ subject: 'discharge' }, { inMailbox: mb.archive }] }), ['Re: Discharge summary']);
    assert.deepEqual(await subj({ operator: 'NOT', conditions: [{ inMailboxOtherThan: [mb.archive] }] }), ['Re: Discharge summary']);
    assert.deepEqual(await subj({ hasAttachment: true, inMailbox: mb.inbox }), ['Discharge summary – bed 4']);
    assert.deepEqual(await subj({ subject: 'Rota week 1' }, { sort: [{ property: 'subject', isAscending: true }] }), ['Rota week 1', 'Rota week 10', 'Rota week 11', 'Rota week 12', 'Rota week 13', 'Rota week 14', 'Rota week 15', 'Rota week 16', 'Rota week 17', 'Rota week 18', 'Rota week 19']);
    const all = await carol.call('Email/query', { filter: { inMailbox: mb.inbox, hasKeyword: '$seen' } });
    assert.deepEqual(all.ids, []);
    const anchorQ = await carol.call('Email/query', { filter: { subject: 'Rota' }, sort: [{ property: 'receivedAt', isAscending: true }] });
    const anchored = await carol.call('Email/query', { filter: { subject: 'Rota' }, sort: [{ property: 'receivedAt', isAscending: true }], anchor: (anchorQ.ids as string[])[5], anchorOffset: -1, limit: 2 });
    assert.equal(anchored.position, 4);
    assert.deepEqual(anchored.ids, (anchorQ.ids as string[]).slice(4, 6));
    const [bad] = await carol.request([['Email/query', { accountId: carol.accountId, sort: [{ property: 'colour' }] }, 'x']]);
    assert.equal(bad![1].type, 'unsupportedSort');
  });

  it('gets an Email with addresses, body parts, body values, headers and structure; threads by References', async () => {
    const q = await carol.call('Email/query', { filter: { from: 'jane@example.org', inMailbox: mb.inbox } });
    const [id] = q.ids as string[];
    const r = await carol.call('Email/get', {
      ids: [id, 'Enope'],
      properties: ['id', 'blobId', 'threadId', 'mailboxIds', 'keywords', 'from', 'to', 'cc', 'subject', 'sentAt', 'messageId', 'hasAttachment', 'preview', 'textBody', 'htmlBody', 'attachments', 'bodyValues', 'bodyStructure', 'header:List-Post:asURLs', 'header:Subject:asText', 'header:X-Missing'],
      fetchAllBodyValues: true,
    });
    assert.deepEqual(r.notFound, ['Enope']);
    const e = (r.list as Json[])[0]!;
    assert.deepEqual(e.from, [{ name: 'Dr Jane Smith', email: 'jane@example.org' }]);
    assert.deepEqual(e.to, [{ name: null, email: 'carol@wardpost.test' }, { name: 'Ward 7', email: 'ward7@example.org' }]);
    assert.equal(e.sentAt, '2026-11-20T09:30:00Z');
    assert.deepEqual(e.messageId, ['root-1@example.org']);
    assert.deepEqual(e.mailboxIds, { [mb.inbox!]: true });
    assert.deepEqual(e.keywords, {});
    assert.equal(e.hasAttachment, true);
    assert.deepEqual(e['header:List-Post:asURLs'], ['mailto:ward@example.org']);
    assert.equal(e['header:Subject:asText'], 'Discharge summary – bed 4');
    assert.equal(e['header:X-Missing'], null);
    const text = (e.textBody as Json[])[0]!;
    assert.equal(text.type, 'text/plain');
    const values = e.bodyValues as Record<string, { value: string }>;
    assert.equal(values[text.partId as string]!.value.trim(), 'Patient discharged – follow up in clinic.');
    const html = (e.htmlBody as Json[])[0]!;
    assert.match(values[html.partId as string]!.value, /<b>clinic<\/b>/);
    const att = (e.attachments as Json[])[0]!;
    assert.equal(att.name, 'summary.pdf');
    assert.equal(att.type, 'application/pdf');
    const down = await carol.raw('GET', `/jmap/download/${carol.accountId}/${att.blobId}/summary.pdf?type=application/pdf`);
    assert.equal(down.status, 200);
    assert.equal(Buffer.from(await down.arrayBuffer()).toString(), '%PDF-1.4 discharge');
    const raw = await carol.raw('GET', `/jmap/download/${carol.accountId}/${e.blobId}/m.eml?type=message/rfc822`);
    assert.match(await raw.text(), /^Message-ID: <root-1@example\.org>/m);
    assert.equal(((e.bodyStructure as Json).subParts as Json[]).length, 2);
    // The reply filed in Archive shares the thread.
    const t = await carol.call('Thread/get', { ids: [e.threadId] });
    assert.equal(((t.list as Json[])[0]!.emailIds as string[]).length, 2);
    assert.equal(((t.list as Json[])[0]!.emailIds as string[])[0], id);
    const collapsed = await carol.call('Email/query', { filter: { from: 'jane@example.org' }, collapseThreads: true, calculateTotal: true });
    assert.equal(collapsed.total, 1);
  });

  it('refuses unknown properties and a missing id list', async () => {
    const [a] = await carol.request([['Email/get', { accountId: carol.accountId, ids: [], properties: ['colour'] }, 'x']]);
    assert.equal(a![1].type, 'invalidArguments');
    const [b] = await carol.request([['Email/get', { accountId: carol.accountId, ids: null }, 'x']]);
    assert.equal(b![1].type, 'requestTooLarge');
  });
});
