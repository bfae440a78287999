/** Two sessions on one mailbox see each other's EXPUNGE, flag changes and new mail: in IDLE and at NOOP. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PASSWORD, startImapFixture, type ImapFixture } from './helpers.js';
import { RawImap } from './raw-client.js';

describe('IMAP: updates between sessions (IDLE and NOOP, from the event bus)', () => {
  let f: ImapFixture;
  let user: string;
  before(async () => {
    f = await startImapFixture();
    user = (await f.user('carol')).address;
    for (let i = 1; i <= 5; i++) await f.deliver(user, { subject: `m${i}` });
  });
  after(async () => f.stop());

  it('IDLE sees flag changes, expunges and new mail from another session at once', async () => {
    const a = await RawImap.connect(f.tlsPort);
    const b = await RawImap.connect(f.tlsPort);
    await a.login(user, PASSWORD);
    await b.login(user, PASSWORD);
    assert.match(await a.cmd('SELECT INBOX'), /\* 5 EXISTS/);
    assert.match(await b.cmd('SELECT INBOX'), /\* 5 EXISTS/);
    a.write('i1 IDLE\r\n');
    await a.waitFor(/^\+ .*\r\n/m);

    await b.cmd('STORE 2 +FLAGS (\\Flagged)');
    // a selected first, so the five messages are \Recent for it (RFC 3501 2.3.2), not for b.
    assert.match(await a.waitFor(/\* 2 FETCH \(UID 2 FLAGS \(\\Flagged \\Recent\)\)\r\n/), /FLAGS \(\\Flagged \\Recent\)/);

    await b.cmd('STORE 3 +FLAGS.SILENT (\\Deleted)');
    await a.waitFor(/\* 3 FETCH \(UID 3 FLAGS \(\\Deleted \\Recent\)\)\r\n/);
    assert.match(await b.cmd('EXPUNGE'), /\* 3 EXPUNGE/);
    await a.waitFor(/\* 3 EXPUNGE\r\n/);

    await f.deliver(user, { subject: 'new one' });
    await a.waitFor(/\* 5 EXISTS\r\n\* 5 RECENT\r\n/);

    a.write('DONE\r\n');
    await a.waitFor(/^i1 OK .*\r\n/m);
    assert.match(await a.cmd('FETCH 5 (UID ENVELOPE)'), /\* 5 FETCH \(UID 6 ENVELOPE \("[^"]*" "new one"/);
    a.close();
    b.close();
  });

  it('NOOP reports what another session did; EXPUNGE is held back during FETCH', async () => {
    const a = await RawImap.connect(f.tlsPort);
    const b = await RawImap.connect(f.tlsPort);
    await a.login(user, PASSWORD);
    await b.login(user, PASSWORD);
    const sel = await a.cmd('SELECT INBOX');
    const exists = Number(/\* (\d+) EXISTS/.exec(sel)![1]);
    await b.cmd('SELECT INBOX');
    await b.cmd(`STORE 1 +FLAGS (\\Deleted \\Seen)`);
    await b.cmd('EXPUNGE');
    // FETCH (not UID FETCH) must not shift sequence numbers: no EXPUNGE in its answer.
    const fetched = await a.cmd('FETCH 1:* (FLAGS)');
    assert.doesNotMatch(fetched, /EXPUNGE/);
    const noop = await a.cmd('NOOP');
    assert.match(noop, /\* 1 EXPUNGE\r\n/);
    assert.match(await a.cmd('FETCH 1:* (UID)'), new RegExp(`\\* ${exists - 1} FETCH`));
    await b.cmd('STORE 1 -FLAGS (\\Flagged)');
    assert.match(await a.cmd('NOOP'), /\* 1 FETCH \(UID \d+ FLAGS \(\)\)/);
    a.close();
    b.close();
  });

  it('QRESYNC: VANISHED to a selected session, and a resync after reconnecting (RFC 7162)', async () => {
    const a = await RawImap.connect(f.tlsPort);
    const b = await RawImap.connect(f.tlsPort);
    await a.login(user, PASSWORD);
    await b.login(user, PASSWORD);
    assert.match(await a.cmd('ENABLE QRESYNC'), /\* ENABLED QRESYNC/);
    const sel = await a.cmd('SELECT INBOX');
    const validity = /UIDVALIDITY (\d+)/.exec(sel)![1];
    const modseq = Number(/HIGHESTMODSEQ (\d+)/.exec(sel)![1]);
    await b.cmd('SELECT INBOX');
    const uids = /\* SEARCH ([\d ]+)/.exec(await b.cmd('UID SEARCH ALL'))![1]!.split(' ').map(Number);
    await b.cmd(`UID STORE ${uids[0]} +FLAGS (\\Deleted)`);
    await b.cmd('EXPUNGE');
    await b.cmd(`UID STORE ${uids[1]} +FLAGS (\\Answered)`);
    const noop = await a.cmd('NOOP');
    assert.match(noop, new RegExp(`\\* VANISHED ${uids[0]}\\r\\n`));
    assert.match(noop, new RegExp(`FETCH \\(UID ${uids[1]} FLAGS \\(\\\\Answered\\) MODSEQ \\(\\d+\\)\\)`));
    a.close();

    const c = await RawImap.connect(f.tlsPort);
    await c.login(user, PASSWORD);
    await c.cmd('ENABLE QRESYNC');
    const resync = await c.cmd(`SELECT INBOX (QRESYNC (${validity} ${modseq} 1:1000))`);
    assert.match(resync, new RegExp(`\\* VANISHED \\(EARLIER\\) ${uids[0]}\\r\\n`));
    assert.match(resync, new RegExp(`FETCH \\(UID ${uids[1]} FLAGS \\(\\\\Answered\\) MODSEQ`));
    const changed = await c.cmd(`UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${modseq} VANISHED)`);
    assert.match(changed, new RegExp(`\\* VANISHED \\(EARLIER\\) ${uids[0]}\\r\\n`));
    assert.match(changed, new RegExp(`UID ${uids[1]} FLAGS \\(\\\\Answered\\) MODSEQ`));
    assert.match(await c.cmd('SELECT Sent'), /\* OK \[CLOSED\]/);
    c.close();
    b.close();
  });
});
