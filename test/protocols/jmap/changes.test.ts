/**
 * One store, one truth: JMAP /changes and /queryChanges after IMAP activity on the same folders
 * (imapflow against the real IMAP listener: APPEND, STORE, MOVE, EXPUNGE, CREATE, RENAME, DELETE),
 * intermediate states with maxChanges, and push over EventSource fed by the event bus.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { ImapFlow } from 'imapflow';
import { PASSWORD, forBothEngines, startJmapFixture, type JmapClient, type JmapFixture } from './helpers.js';

type Json = Record<string, unknown>;

forBothEngines('JMAP changes after IMAP activity', (engine) => {
  let f: JmapFixture;
  let gus: JmapClient;
  let imap: ImapFlow;
  let mb: Record<string, string>;
  before(async () => {
    f = await startJmapFixture(engine);
    gus = await f.user('gus');
    for (let i = 0; i < 5; i++) await f.deliver(gus.address, { subject: `Handover ${i}` });
    mb = await gus.mailboxes();
    imap = new ImapFlow({ host: '127.0.0.1', port: f.imapPort, secure: false, doSTARTTLS: true, tls: { rejectUnauthorized: false }, auth: { user: gus.address, pass: PASSWORD }, logger: false });
    await imap.connect();
  });
  after(async () => {
    await imap.logout().catch(() => undefined);
    await f.stop();
  });

  const state = async () => (await gus.call('Email/get', { ids: [] })).state as string;
  const ids = async (subject: string) => (await gus.call('Email/query', { filter: { subject } })).ids as string[];

  it('reports nothing when nothing changed, and rejects a state it never issued', async () => {
    const s = await state();
    const c = await gus.call('Email/changes', { sinceState: s });
    assert.deepEqual([c.created, c.updated, c.destroyed, c.newState], [[], [], [], s]);
    const [bad] = await gus.request([['Email/changes', { accountId: gus.accountId, sinceState: 'garbage' }, 'x']]);
    assert.equal(bad![1].type, 'cannotCalculateChanges');
  });

  it('sees an IMAP APPEND as created, STORE as updated, EXPUNGE as destroyed, MOVE as updated', async () => {
    const s0 = await state();
    const mq0 = await gus.call('Email/query', { filter: { inMailbox: mb.inbox } });
    await imap.append('INBOX', 'From: x@example.org\r\nSubject: Appended by IMAP\r\nMessage-ID: <imap-append@example.org>\r\n\r\nhello\r\n');
    const lock = await imap.getMailboxLock('INBOX');
    try {
      await imap.messageFlagsAdd({ header: { subject: 'Handover 1' } } as never, ['\\Seen'], { uid: false });
      await imap.messageMove({ header: { subject: 'Handover 2' } } as never, 'Archive');
      await imap.messageDelete({ header: { subject: 'Handover 3' } } as never);
    } finally {
      lock.release();
    }
    const [appended] = await ids('Appended by IMAP');
    const [h1] = await ids('Handover 1');
    const [h2] = await ids('Handover 2');
    const c = await gus.call('Email/changes', { sinceState: s0 });
    assert.deepEqual(c.created, [appended]);
    assert.deepEqual([...(c.updated as string[])].sort(), [h1, h2].sort());
    assert.equal((c.destroyed as string[]).length, 1);
    assert.notEqual(c.newState, s0);
    const g = await gus.call('Email/get', { ids: [h1, h2], properties: ['keywords', 'mailboxIds'] });
    assert.deepEqual((g.list as Json[]).map((e) => [e.keywords, e.mailboxIds]), [[{ $seen: true }, { [mb.inbox!]: true }], [{}, { [mb.archive!]: true }]]);
    // The same changes as a query delta: removed has every changed id, added the ones now in the folder.
    const qc = await gus.call('Email/queryChanges', { filter: { inMailbox: mb.inbox }, sinceQueryState: mq0.queryState });
    const added = (qc.added as { id: string; index: number }[]).map((a) => a.id);
    assert.ok(added.includes(appended!) && added.includes(h1!) && !added.includes(h2!));
    assert.ok((qc.removed as string[]).includes(h2!));
    assert.ok((c.destroyed as string[]).every((d) => (qc.removed as string[]).includes(d)));
    const fresh = await gus.call('Email/query', { filter: { inMailbox: mb.inbox } });
    for (const a of qc.added as { id: string; index: number }[]) assert.equal((fresh.ids as string[])[a.index], a.id);
    // Thread changes follow the messages.
    const t = await gus.call('Thread/changes', { sinceState: s0 });
    assert.equal((t.created as string[]).length, 1);
    assert.equal((t.destroyed as string[]).length, 1);
    // And Mailbox/changes reports only count changes for the folders touched.
    const m = await gus.call('Mailbox/changes', { sinceState: s0 });
    assert.deepEqual([...(m.updated as string[])].sort(), [mb.inbox, mb.archive].sort());
    assert.deepEqual(m.updatedProperties, ['totalEmails', 'unreadEmails', 'totalThreads', 'unreadThreads']);
  });

  it('gives intermediate states when there are more changes than maxChanges, ending at the same place', async () => {
    const s0 = await state();
    await imap.append('Archive', 'Subject: one\r\n\r\n1\r\n');
    await imap.append('Junk', 'Subject: two\r\n\r\n2\r\n');
    await imap.append('Trash', 'Subject: three\r\n\r\n3\r\n');
    let since = s0;
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await gus.call('Email/changes', { sinceState: since, maxChanges: 1 });
      seen.push(...(c.created as string[]));
      since = c.newState as string;
      if (!c.hasMoreChanges) break;
    }
    assert.equal(seen.length, 3);
    assert.equal(since, await state());
  });

  it('sees IMAP CREATE, RENAME and DELETE in Mailbox/changes, and the messages of a deleted folder as destroyed', async () => {
    await imap.mailboxCreate('Audits');
    await imap.append('Audits', 'Subject: audit note\r\nMessage-ID: <audit-note@example.org>\r\n\r\nx\r\n');
    const s0 = await state();
    const [note] = await ids('audit note');
    await imap.mailboxCreate('Projects');
    await imap.mailboxRename('Audits', 'Audits 2026');
    const mid = await gus.call('Mailbox/changes', { sinceState: s0 });
    assert.equal((mid.created as string[]).length, 1);
    assert.equal((mid.updated as string[]).length, 1);
    assert.equal(mid.updatedProperties, null);
    const renamed = (mid.updated as string[])[0]!;
    const g = await gus.call('Mailbox/get', { ids: [renamed], properties: ['name'] });
    assert.equal((g.list as Json[])[0]!.name, 'Audits 2026');
    const s1 = await state();
    await imap.mailboxDelete('Audits 2026');
    const del = await gus.call('Mailbox/changes', { sinceState: s1 });
    assert.deepEqual(del.destroyed, [renamed]);
    const ec = await gus.call('Email/changes', { sinceState: s1 });
    assert.deepEqual(ec.destroyed, [note]);
  });

  it('JMAP changes are seen by IMAP too (one store): a keyword set over JMAP is a flag in IMAP', async () => {
    const [h4] = await ids('Handover 4');
    await gus.call('Email/set', { update: { [h4!]: { 'keywords/$flagged': true } } });
    const lock = await imap.getMailboxLock('INBOX');
    try {
      const msgs = [];
      for await (const m of imap.fetch({ header: { subject: 'Handover 4' } } as never, { flags: true })) msgs.push(m);
      assert.ok(msgs[0]!.flags!.has('\\Flagged'));
    } finally {
      lock.release();
    }
  });

  it('pushes a StateChange over EventSource when mail arrives, without polling', async () => {
    const ac = new AbortController();
    const res = await fetch(`${f.base}/jmap/eventsource?types=Email,Mailbox&closeafter=no&ping=0`, { headers: gus.headers(), signal: ac.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const reader = res.body!.getReader();
    let buf = '';
    const next = async (pattern: RegExp) => {
      const deadline = Date.now() + 10_000;
      while (!pattern.test(buf)) {
        if (Date.now() > deadline) throw new Error(`no event matching ${pattern} in: ${buf}`);
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buf += Buffer.from(value).toString();
      }
    };
    await next(/: connected/);
    await new Promise((r) => setTimeout(r, 200));
    const before = await state();
    await f.deliver(gus.address, { subject: 'Pushed' });
    await next(/event: state\ndata: (.*)\n\n/);
    const data = JSON.parse(/event: state\ndata: (.*)\n\n/.exec(buf)![1]!) as { '@type': string; changed: Record<string, Record<string, string>> };
    assert.equal(data['@type'], 'StateChange');
    const mine = data.changed[gus.accountId]!;
    assert.equal(mine.Email, await state());
    assert.notEqual(mine.Email, before);
    assert.ok(mine.Mailbox);
    assert.equal(mine.Thread, undefined, 'types filter honoured');
    ac.abort();
  });
});
