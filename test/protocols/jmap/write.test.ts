/**
 * Writing mail over JMAP (RFC 8621 section 4.6 to 4.9, 5.1): Email/set create (with an uploaded
 * attachment), keyword and folder updates, destroy, Email/import, Email/copy between accounts
 * (a shared folder), Email/parse of an attached message, SearchSnippet/get; on both engines.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { SYSTEM_ACTOR } from '../../../src/core/actor.js';
import { forBothEngines, startJmapFixture, type JmapClient, type JmapFixture } from './helpers.js';

type Json = Record<string, unknown>;

forBothEngines('JMAP writing mail', (engine) => {
  let f: JmapFixture;
  let dana: JmapClient;
  let mb: Record<string, string>;
  before(async () => {
    f = await startJmapFixture(engine);
    dana = await f.user('dana');
    mb = await dana.mailboxes();
  });
  after(async () => f.stop());

  const upload = async (c: JmapClient, bytes: Buffer, type: string) => {
    const r = await c.raw('POST', `/jmap/upload/${c.accountId}`, bytes, { 'content-type': type });
    assert.equal(r.status, 201);
    return ((await r.json()) as { blobId: string }).blobId;
  };

  it('creates a draft with an attachment, reads it back, and the creation id is usable in the same request', async () => {
    const blobId = await upload(dana, Buffer.from('rota,mon,tue\n'), 'text/csv');
    const r = await dana.request([
      ['Email/set', { accountId: dana.accountId, create: { d1: {
        mailboxIds: { [mb.drafts!]: true }, keywords: { $draft: true, $seen: true },
        from: [{ name: 'Dana Test', email: dana.address }], to: [{ name: 'Eve', email: 'eve@example.org' }], bcc: [{ email: 'boss@example.org' }],
        subject: 'Rota for next week – draft', bodyValues: { b: { value: 'Here is the rota.\n' } }, textBody: [{ partId: 'b', type: 'text/plain' }],
        attachments: [{ blobId, type: 'text/csv', name: 'rota.csv' }], 'header:X-Ward': 'Ward 7',
      } } }, 's'],
      ['Email/get', { accountId: dana.accountId, ids: ['#d1'], properties: ['subject', 'keywords', 'mailboxIds', 'bcc', 'attachments', 'bodyValues', 'textBody', 'header:X-Ward:asText'], fetchTextBodyValues: true }, 'g'],
    ]);
    const created = (r[0]![1].created as Record<string, Json>).d1!;
    assert.match(String(created.id), /^E[0-9a-f]{64}$/);
    assert.ok(created.blobId && created.threadId && created.size);
    const e = (r[1]![1].list as Json[])[0]!;
    assert.equal(e.id, created.id);
    assert.equal(e.subject, 'Rota for next week – draft');
    assert.deepEqual(e.keywords, { $draft: true, $seen: true });
    assert.deepEqual(e.mailboxIds, { [mb.drafts!]: true });
    assert.deepEqual(e.bcc, [{ name: null, email: 'boss@example.org' }]);
    assert.equal(e['header:X-Ward:asText'], 'Ward 7');
    const att = (e.attachments as Json[])[0]!;
    assert.equal(att.name, 'rota.csv');
    const down = await dana.raw('GET', `/jmap/download/${dana.accountId}/${att.blobId}/rota.csv`);
    assert.equal(await down.text(), 'rota,mon,tue\n');
    const text = (e.textBody as Json[])[0]!;
    assert.equal((e.bodyValues as Record<string, { value: string }>)[text.partId as string]!.value.replace(/\r\n/g, '\n'), 'Here is the rota.\n');
  });

  it('refuses a create without folders, with a bad keyword, or with an unknown blob; names the property', async () => {
    const r = await dana.call('Email/set', { create: {
      a: { mailboxIds: {}, subject: 'x' },
      b: { mailboxIds: { [mb.inbox!]: true }, keywords: { 'bad(kw': true } },
      c: { mailboxIds: { [mb.inbox!]: true }, attachments: [{ blobId: `B${'0'.repeat(64)}`, type: 'text/plain' }] },
    } });
    const nc = r.notCreated as Record<string, Json>;
    assert.equal(nc.a!.type, 'invalidProperties');
    assert.equal(nc.b!.type, 'invalidProperties');
    assert.equal(nc.c!.type, 'blobNotFound');
    assert.deepEqual(r.created, {});
  });

  it('updates keywords and folders (patches and whole values) and destroys; counts follow', async () => {
    await f.deliver(dana.address, { subject: 'To be filed' });
    const q = await dana.call('Email/query', { filter: { subject: 'To be filed' } });
    const [id] = q.ids as string[];
    let r = await dana.call('Email/set', { update: { [id!]: { 'keywords/$seen': true, 'keywords/$flagged': true } } });
    assert.deepEqual(r.updated, { [id!]: null });
    r = await dana.call('Email/set', { update: { [id!]: { [`mailboxIds/${mb.inbox}`]: null, [`mailboxIds/${mb.archive}`]: true } } });
    assert.deepEqual(r.notUpdated, {});
    let g = await dana.call('Email/get', { ids: [id], properties: ['mailboxIds', 'keywords'] });
    assert.deepEqual((g.list as Json[])[0], { id, mailboxIds: { [mb.archive!]: true }, keywords: { $seen: true, $flagged: true } });
    r = await dana.call('Email/set', { update: { [id!]: { mailboxIds: { [mb.archive!]: true, [mb.inbox!]: true }, keywords: { $seen: true } } } });
    g = await dana.call('Email/get', { ids: [id], properties: ['mailboxIds', 'keywords'] });
    assert.deepEqual((g.list as Json[])[0], { id, mailboxIds: { [mb.archive!]: true, [mb.inbox!]: true }, keywords: { $seen: true } });
    const bad = await dana.call('Email/set', { update: { [id!]: { subject: 'changed' }, Enope: { 'keywords/$seen': true } } });
    assert.equal((bad.notUpdated as Record<string, Json>)[id!]!.type, 'invalidProperties');
    assert.equal((bad.notUpdated as Record<string, Json>).Enope!.type, 'notFound');
    r = await dana.call('Email/set', { destroy: [id] });
    assert.deepEqual(r.destroyed, [id]);
    g = await dana.call('Email/get', { ids: [id] });
    assert.deepEqual(g.notFound, [id]);
    const boxes = await dana.call('Mailbox/get', { ids: [mb.archive], properties: ['totalEmails'] });
    assert.equal((boxes.list as Json[])[0]!.totalEmails, 0);
  });

  it('imports an uploaded message into two folders, and parses an attached message without storing it', async () => {
    const inner = 'From: a@example.org\r\nTo: dana@wardpost.test\r\nSubject: Inner note\r\nMessage-ID: <inner@example.org>\r\n\r\nInner body text\r\n';
    const outer = ['From: b@example.org', 'To: dana@wardpost.test', 'Subject: Fwd: note', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary=x', '', '--x', 'Content-Type: text/plain', '', 'See attached.', '--x', 'Content-Type: message/rfc822', '', inner, '--x--', ''].join('\r\n');
    const blobId = await upload(dana, Buffer.from(outer), 'message/rfc822');
    const imp = await dana.call('Email/import', { emails: { i1: { blobId, mailboxIds: { [mb.inbox!]: true, [mb.archive!]: true }, keywords: { $seen: true }, receivedAt: '2026-01-02T03:04:05Z' } } });
    const c = (imp.created as Record<string, Json>).i1!;
    const g = await dana.call('Email/get', { ids: [c.id], properties: ['mailboxIds', 'receivedAt', 'attachments', 'subject'] });
    const e = (g.list as Json[])[0]!;
    assert.deepEqual(Object.keys(e.mailboxIds as Json).sort(), [mb.archive, mb.inbox].sort());
    assert.equal(e.receivedAt, '2026-01-02T03:04:05Z');
    const att = (e.attachments as Json[])[0]!;
    assert.equal(att.type, 'message/rfc822');
    const p = await dana.call('Email/parse', { blobIds: [att.blobId, 'Bnothing'], properties: ['subject', 'messageId', 'textBody', 'bodyValues'], fetchTextBodyValues: true });
    const parsed = (p.parsed as Record<string, Json>)[att.blobId as string]!;
    assert.equal(parsed.subject, 'Inner note');
    assert.deepEqual(parsed.messageId, ['inner@example.org']);
    assert.match(JSON.stringify(parsed.bodyValues), /Inner body text/);
    assert.deepEqual(p.notFound, ['Bnothing']);
    const notMail = await upload(dana, Buffer.from('just some bytes without a header'), 'text/plain');
    const bad = await dana.call('Email/import', { emails: { x: { blobId: notMail, mailboxIds: { [mb.inbox!]: true } } } });
    assert.equal((bad.notCreated as Record<string, Json>).x!.type, 'invalidEmail');
  });

  it('copies a message into a folder another user shared (a separate JMAP account with its rights)', async () => {
    const erin = await f.user('erin');
    await f.server.platform.services.sharing.grantFolder({ owner: erin.address, folder: 'INBOX', grantee: dana.address, rights: 'lrsi' }, SYSTEM_ACTOR);
    const s = await dana.session();
    const shared = (s.accounts as Record<string, Json>)[erin.accountId]!;
    assert.equal(shared.isPersonal, false);
    const theirs = await dana.request([['Mailbox/get', { accountId: erin.accountId, ids: null }, 'm']]);
    const list = theirs[0]![1].list as Json[];
    assert.equal(list.length, 1);
    const rights = list[0]!.myRights as Json;
    assert.deepEqual([rights.mayReadItems, rights.mayAddItems, rights.mayRemoveItems, rights.mayDelete, rights.maySetKeywords], [true, true, false, false, false]);
    await f.deliver(dana.address, { subject: 'For Erin' });
    const [id] = (await dana.call('Email/query', { filter: { subject: 'For Erin' } })).ids as string[];
    const cp = await dana.request([['Email/copy', { fromAccountId: dana.accountId, accountId: erin.accountId, create: { k: { id, mailboxIds: { [list[0]!.id as string]: true } } } }, 'c']]);
    assert.equal(cp[0]![0], 'Email/copy', JSON.stringify(cp));
    assert.equal(((cp[0]![1].created as Record<string, Json>).k!.id), id);
    const erinSees = await erin.call('Email/query', { filter: { subject: 'For Erin' } });
    assert.deepEqual(erinSees.ids, [id]);
    // Without the t and e rights dana cannot take it out of Erin's folder.
    const [rm] = await dana.request([['Email/set', { accountId: erin.accountId, destroy: [id] }, 'd']]);
    assert.equal((rm![1].notDestroyed as Record<string, Json>)[id!]!.type, 'forbidden');
  });

  it('highlights search terms in subject and preview (HTML-escaped)', async () => {
    await f.deliver(dana.address, { subject: 'Sepsis <audit> results', body: 'The sepsis audit shows improvement on ward 3.\r\n' });
    const q = await dana.call('Email/query', { filter: { text: 'sepsis' } });
    const s = await dana.call('SearchSnippet/get', { filter: { text: 'sepsis' }, emailIds: [...(q.ids as string[]), 'Emissing'] });
    const snip = (s.list as Json[])[0]!;
    assert.equal(snip.subject, '<mark>Sepsis</mark> &lt;audit&gt; results');
    assert.match(String(snip.preview), /The <mark>sepsis<\/mark> audit/);
    assert.deepEqual(s.notFound, ['Emissing']);
  });
});
