/** imapflow (a real Node IMAP client) against the real listeners: STARTTLS and implicit TLS. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ImapFlow } from 'imapflow';
import { PASSWORD, startImapFixture, type ImapFixture } from './helpers.js';

describe('IMAP with imapflow', () => {
  let f: ImapFixture;
  let user: string;
  const clients: ImapFlow[] = [];
  const client = async (starttls = false) => {
    const c = new ImapFlow({
      host: '127.0.0.1',
      port: starttls ? f.port : f.tlsPort,
      secure: !starttls,
      doSTARTTLS: starttls ? true : undefined,
      tls: { rejectUnauthorized: false },
      auth: { user, pass: PASSWORD },
      logger: false,
    });
    clients.push(c);
    await c.connect();
    return c;
  };
  before(async () => {
    f = await startImapFixture();
    user = (await f.user('flow')).address;
    for (let i = 0; i < 10; i++) await f.deliver(user, { subject: `flow ${i}`, body: `line for message ${i}\r\n`, bytes: i === 9 ? 600_000 : 0 });
  });
  after(async () => {
    for (const c of clients) await c.logout().catch(() => undefined);
    await f.stop();
  });

  it('connects with STARTTLS and lists folders with special-use', async () => {
    const c = await client(true);
    const list = await c.list();
    const byUse = Object.fromEntries(list.filter((m) => m.specialUse).map((m) => [m.specialUse, m.path]));
    assert.deepEqual(byUse, { '\\Inbox': 'INBOX', '\\Archive': 'Archive', '\\Drafts': 'Drafts', '\\Junk': 'Junk', '\\Sent': 'Sent', '\\Trash': 'Trash' });
    const st = (await c.status('INBOX', { messages: true, uidNext: true, unseen: true, highestModseq: true })) as { messages: number; unseen: number };
    assert.equal(st.messages, 10);
    assert.equal(st.unseen, 10);
  });

  it('fetches envelopes, structure and a large body streamed in full; searches; flags; copies, moves, deletes', async () => {
    const c = await client();
    const lock = await c.getMailboxLock('INBOX');
    try {
      const subjects: string[] = [];
      for await (const m of c.fetch('1:*', { envelope: true, bodyStructure: true, flags: true, size: true })) subjects.push(m.envelope!.subject!);
      assert.equal(subjects.length, 10);
      assert.equal(subjects[3], 'flow 3');
      // imapflow negotiates COMPRESS=DEFLATE when offered: this large fetch ran compressed.
      assert.ok((c as unknown as { _deflate?: unknown })._deflate, 'COMPRESS=DEFLATE is active');
      const big = await c.fetchOne('10', { source: true, size: true });
      assert.ok(big && big.source!.length === big.size && big.size > 600_000, `size ${big && big.size}`);
      assert.ok(big.source!.toString('latin1').endsWith('\r\n'));
      const { content } = (await c.download('10', '1', { uid: false })) as { content: AsyncIterable<Buffer> };
      let n = 0;
      for await (const chunk of content) n += chunk.length;
      assert.ok(n > 590_000, `downloaded ${n}`);
      assert.deepEqual(await c.search({ body: 'message 4' }), [5]);
      assert.deepEqual(await c.search({ subject: 'flow 7' }, { uid: true }), [8]);
      await c.messageFlagsAdd('1:2', ['\\Flagged', '$Work']);
      assert.deepEqual(await c.search({ flagged: true }), [1, 2]);
      assert.deepEqual(await c.search({ keyword: '$Work' }), [1, 2]);
      const copied = (await c.messageCopy('1:3', 'Archive')) as { uidMap?: Map<number, number> };
      assert.equal(copied.uidMap?.size, 3);
      const moved = (await c.messageMove('4', 'Trash')) as { uidMap?: Map<number, number> };
      assert.equal(moved.uidMap?.size, 1);
      assert.equal((c.mailbox as { exists: number }).exists, 9);
      await c.messageDelete('1');
      assert.equal((c.mailbox as { exists: number }).exists, 8);
    } finally {
      lock.release();
    }
  });

  it('appends with flags and date, creates, renames and deletes folders, reads quota', async () => {
    const c = await client();
    const res = await c.append('Drafts', 'Subject: draft\r\n\r\nnot yet\r\n', ['\\Draft', '\\Seen'], new Date('2025-01-02T03:04:05Z'));
    assert.ok(res && res.uid && res.uidValidity);
    await c.mailboxCreate(['Projects', 'Alpha']);
    await c.mailboxRename('Projects', 'Work');
    const paths = (await c.list()).map((m) => m.path);
    assert.ok(paths.includes('Work/Alpha'), paths.join(','));
    await c.mailboxDelete('Work/Alpha');
    const q = await c.getQuota('INBOX');
    assert.ok(q && q.storage && (q.storage.limit ?? 0) > 0);
  });

  it('IDLE wakes on new mail delivered by another door', async () => {
    const c = await client();
    await c.mailboxOpen('INBOX');
    const before = (c.mailbox as { exists: number }).exists;
    const seen = new Promise<number>((resolve) => c.on('exists', (d: { count: number }) => resolve(d.count)));
    const idle = c.idle();
    await new Promise((r) => setTimeout(r, 100));
    await f.deliver(user, { subject: 'wake up' });
    assert.equal(await seen, before + 1);
    void idle;
  });
});
