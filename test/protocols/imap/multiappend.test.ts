/** MULTIAPPEND (RFC 3502): one APPEND with several messages stores all of them or none; quota counts the whole set. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SYSTEM_ACTOR } from '../../../src/core/actor.js';
import { PASSWORD, startImapFixture, type ImapFixture } from './helpers.js';
import { RawImap } from './raw-client.js';

function message(n: number, bytes: number): string {
  const head = `From: a@example.org\r\nSubject: part ${n}\r\nMessage-ID: <multi-${n}@example.org>\r\n\r\n`;
  return head + 'x'.repeat(Math.max(0, bytes - head.length - 2)) + '\r\n';
}

/** Sends one APPEND with every message as a synchronising literal, answering each continuation. */
async function multiAppend(c: RawImap, tag: string, mailbox: string, messages: string[]): Promise<string> {
  c.write(`${tag} APPEND ${mailbox}`);
  for (const [i, m] of messages.entries()) {
    c.write(` (\\Seen) {${Buffer.byteLength(m)}}\r\n`);
    await c.waitFor(/^\+ [^\r\n]*\r\n/m);
    c.write(m + (i === messages.length - 1 ? '\r\n' : ''));
  }
  return c.waitFor(new RegExp(`^${tag} (OK|NO|BAD)[^\\r\\n]*\\r\\n`, 'm'));
}

describe('IMAP MULTIAPPEND', () => {
  let f: ImapFixture;
  let user: string;
  let c: RawImap;
  before(async () => {
    f = await startImapFixture();
    user = (await f.user('multi')).address;
    await f.server.platform.services.accounts.setQuota(user, 20_000, SYSTEM_ACTOR);
    c = await RawImap.connect(f.tlsPort);
    await c.login(user, PASSWORD);
  });
  after(async () => {
    c.close();
    await f.stop();
  });

  it('stores every message of one APPEND, with consecutive UIDs', async () => {
    const r = await multiAppend(c, 'm1', 'INBOX', [message(1, 1000), message(2, 1000), message(3, 1000)]);
    assert.match(r, /^m1 OK \[APPENDUID \d+ 1,2,3\]/m);
    assert.match(await c.cmd('STATUS INBOX (MESSAGES UIDNEXT)'), /\(MESSAGES 3 UIDNEXT 4\)/);
  });

  it('stores none when the set does not fit the quota, though each message alone would', async () => {
    const r = await multiAppend(c, 'm2', 'INBOX', [message(4, 6000), message(5, 6000), message(6, 6000)]);
    assert.match(r, /^m2 NO \[OVERQUOTA\]/m);
    assert.match(await c.cmd('STATUS INBOX (MESSAGES UIDNEXT)'), /\(MESSAGES 3 UIDNEXT 4\)/, 'nothing stored, no UID used');
    const q = await c.cmd('GETQUOTAROOT INBOX');
    const used = Number(/STORAGE (\d+)/.exec(q)![1]);
    assert.ok(used <= 4, `quota usage is that of the first three only (${used} KiB)`);
    assert.match(await multiAppend(c, 'm3', 'INBOX', [message(7, 6000)]), /^m3 OK \[APPENDUID \d+ 4\]/m, 'one of them alone fits');
  });

  it('refuses the whole set when the folder does not exist', async () => {
    assert.match(await multiAppend(c, 'm4', 'Nowhere', [message(8, 500), message(9, 500)]), /^m4 NO \[TRYCREATE\]/m);
  });
});
