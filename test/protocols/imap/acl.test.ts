/**
 * The ACL matrix (RFC 4314) through IMAP: owner, read-only grantee, write grantee (in another
 * organisation), a stranger, and a user of another organisation without a grant; plus a shared
 * team mailbox under "Shared Folders". Grants are the core sharing model's, set with SETACL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SYSTEM_ACTOR } from '../../../src/core/actor.js';
import { PASSWORD, startImapFixture, type ImapFixture } from './helpers.js';
import { RawImap } from './raw-client.js';

const OK = /^t\d+ OK/m;
const NO = /^t\d+ NO/m;

describe('IMAP ACL: shared folders enforced on every command', () => {
  let f: ImapFixture;
  const u: Record<string, string> = {};
  const sessions: RawImap[] = [];
  const login = async (who: string) => {
    const c = await RawImap.connect(f.tlsPort);
    sessions.push(c);
    await c.login(u[who]!, PASSWORD);
    return c;
  };
  const shared = () => `"Other Users/${u.owner}/Team"`;

  before(async () => {
    f = await startImapFixture();
    u.owner = (await f.user('owner')).address;
    u.reader = (await f.user('reader')).address;
    u.writer = (await f.user('writer', 'rxh')).address;
    u.stranger = (await f.user('stranger')).address;
    u.foreign = (await f.user('foreign', 'north')).address;
    const o = await login('owner');
    assert.match(await o.cmd('CREATE Team'), OK);
    for (let i = 0; i < 3; i++) await f.deliver(u.owner, { subject: `team ${i}` }, 'Team');
    assert.match(await o.cmd(`SETACL Team ${u.reader} lrs`), OK);
    assert.match(await o.cmd(`SETACL Team ${u.writer} lrswite`), OK);
    assert.match(await o.cmd(`SETACL Team ${u.writer} +i`), OK);
    const acl = await o.cmd('GETACL Team');
    assert.match(acl, new RegExp(`\\* ACL Team ${u.owner} lrswipkxtea`));
    assert.match(acl, new RegExp(`${u.reader} lrs`));
    assert.match(acl, new RegExp(`${u.writer} lrswite`.replace('lrswite', 'lrswite')));
  });
  after(async () => {
    sessions.forEach((s) => s.close());
    await f.stop();
  });

  it('owner: everything, including GETACL and MYRIGHTS', async () => {
    const o = await login('owner');
    assert.match(await o.cmd('MYRIGHTS Team'), /\* MYRIGHTS Team lrswipkxtea/);
    assert.match(await o.cmd('SELECT Team'), /READ-WRITE/);
    assert.match(await o.cmd('STORE 1 +FLAGS (\\Flagged)'), OK);
  });

  it('read-only grantee: sees and reads it under Other Users, keeps \\Seen, cannot write, delete, append or administer', async () => {
    const r = await login('reader');
    const list = await r.cmd('LIST "" "*"');
    assert.match(list, new RegExp(`\\* LIST \\([^)]*\\) "/" "?Other Users/${u.owner}/Team"?`));
    assert.match(list, /\* LIST \(\\Noselect \\HasChildren\) "\/" "Other Users"/);
    assert.match(await r.cmd(`MYRIGHTS ${shared()}`), /lrs\r\n/);
    assert.match(await r.cmd(`SUBSCRIBE ${shared()}`), OK);
    assert.match(await r.cmd('LSUB "" "Other Users/*"'), new RegExp(`Other Users/${u.owner}/Team`));
    const sel = await r.cmd(`SELECT ${shared()}`);
    assert.match(sel, /\* 3 EXISTS/);
    assert.match(sel, /\[READ-WRITE\]/); // s is a write right: \Seen may be kept
    assert.match(await r.cmd('FETCH 1 (BODY[HEADER.FIELDS (SUBJECT)])'), /Subject: team 0/);
    assert.match(await r.cmd('FETCH 1 (FLAGS)'), /\\Seen/);
    assert.match(await r.cmd('STORE 2 +FLAGS (\\Flagged)'), /NO \[NOPERM\]/);
    assert.match(await r.cmd('STORE 2 +FLAGS (\\Deleted)'), /NO \[NOPERM\]/);
    assert.match(await r.cmd('EXPUNGE'), /NO \[NOPERM\]/);
    assert.match(await r.cmd(`APPEND ${shared()} {11+}\r\nSubject: x\r\n`), /NO \[NOPERM\]/);
    assert.match(await r.cmd(`COPY 1 INBOX`), OK);
    assert.match(await r.cmd(`MOVE 1 INBOX`), /NO \[NOPERM\]/);
    assert.match(await r.cmd(`GETACL ${shared()}`), /NO \[NOPERM\]/);
    assert.match(await r.cmd(`SETACL ${shared()} ${u.stranger} lr`), /NO \[NOPERM\]/);
    assert.match(await r.cmd(`DELETE ${shared()}`), /NO \[NOPERM\]/);
    assert.match(await r.cmd(`RENAME ${shared()} Mine`), /NO \[NOPERM\]/);
  });

  it('write grantee in another organisation: flags, delete, expunge, append', async () => {
    const w = await login('writer');
    assert.match(await w.cmd(`SELECT ${shared()}`), /READ-WRITE/);
    assert.match(await w.cmd('STORE 2 +FLAGS (\\Flagged $Triage)'), /\\Flagged/);
    assert.match(await w.cmd('STORE 3 +FLAGS (\\Deleted)'), OK);
    assert.match(await w.cmd('EXPUNGE'), /\* 3 EXPUNGE/);
    assert.match(await w.cmd(`APPEND ${shared()} {11+}\r\nSubject: x\r\n`), /OK \[APPENDUID/);
    assert.match(await w.cmd(`GETACL ${shared()}`), /NO \[NOPERM\]/);
    assert.match(await w.cmd(`DELETE ${shared()}`), /NO \[NOPERM\]/);
  });

  it('stranger and a user of another organisation: the folder does not exist for them', async () => {
    for (const who of ['stranger', 'foreign']) {
      const s = await login(who);
      assert.doesNotMatch(await s.cmd('LIST "" "*"'), /Other Users/);
      assert.match(await s.cmd(`SELECT ${shared()}`), /NO \[NONEXISTENT\]/);
      assert.match(await s.cmd(`STATUS ${shared()} (MESSAGES)`), /NO \[NONEXISTENT\]/);
      assert.match(await s.cmd(`MYRIGHTS ${shared()}`), /NO \[NONEXISTENT\]/);
      assert.match(await s.cmd(`APPEND ${shared()} {11+}\r\nSubject: x\r\n`), /NO \[TRYCREATE\]/);
      assert.match(await s.cmd(`GETACL ${shared()}`), /NO \[NONEXISTENT\]/);
      assert.match(await s.cmd(`SELECT "Other Users/${u.owner}/INBOX"`), /NO \[NONEXISTENT\]/);
    }
  });

  it('revoking a grant takes effect at once', async () => {
    const o = await login('owner');
    assert.match(await o.cmd(`DELETEACL Team ${u.reader}`), OK);
    const r = await login('reader');
    assert.match(await r.cmd(`SELECT ${shared()}`), /NO \[NONEXISTENT\]/);
  });

  it('a shared team mailbox appears under "Shared Folders" to those granted', async () => {
    const services = f.server.platform.services;
    await services.accounts.create({ address: 'ward7@wardpost.test', orgSlug: 'national', name: 'Ward 7 Nurses', password: null, kind: 'shared' }, SYSTEM_ACTOR);
    await services.sharing.grantFolder({ owner: 'ward7@wardpost.test', folder: 'INBOX', grantee: u.writer!, rights: 'write' }, SYSTEM_ACTOR);
    await f.deliver('ward7@wardpost.test', { subject: 'handover' });
    const w = await login('writer');
    assert.match(await w.cmd('LIST "" "Shared Folders/*"'), /"Shared Folders\/ward7@wardpost.test\/INBOX"/);
    const sel = await w.cmd('SELECT "Shared Folders/ward7@wardpost.test/INBOX"');
    assert.match(sel, /\* 1 EXISTS/);
    assert.match(await w.cmd('FETCH 1 (ENVELOPE)'), /"handover"/);
    const s = await login('stranger');
    assert.match(await s.cmd('SELECT "Shared Folders/ward7@wardpost.test/INBOX"'), NO);
  });
});
