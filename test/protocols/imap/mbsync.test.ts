/**
 * isync (mbsync) two-way sync of a 1,000-message mailbox to a Maildir and back: every message
 * arrives with its flags; flags changed, messages added and deleted locally reach the server.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseFlags } from '../../../src/core/mail/message-service.js';
import { PASSWORD, havePeer, startImapFixture, type ImapFixture } from './helpers.js';

const N = 1000;

describe('IMAP with mbsync: two-way sync of 1,000 messages', () => {
  let f: ImapFixture;
  let user: { address: string; id: number };
  let maildir: string;
  let cfg: string;
  const missing = havePeer('/usr/bin/mbsync', 'isync');

  // Asynchronous: the server runs in this process, so the event loop must keep turning.
  const mbsync = () =>
    new Promise<string>((resolve, reject) => {
      const child = spawn('mbsync', ['-c', cfg, '-a'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve(out);
        else reject(new Error(`mbsync exited ${code}:\n${out}`));
      });
    });
  const inboxView = async () => {
    const v = await f.server.platform.services.mailboxes.find(user.id, null, 'INBOX');
    return v!;
  };
  const localFiles = (box: string) => ['cur', 'new'].flatMap((d) => readdirSync(path.join(maildir, box, d)).map((n) => path.join(maildir, box, d, n)));
  const maildirFlags = (file: string) => /:2,([A-Z]*)$/.exec(file)?.[1] ?? '';

  before(async () => {
    if (missing) return;
    f = await startImapFixture();
    user = await f.user('sync');
    for (let i = 0; i < N; i += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, j) => f.deliver(user.address, { subject: `sync ${i + j}`, body: `message ${i + j}\r\n` })));
    }
    const services = f.server.platform.services;
    const view = await inboxView();
    const uids = await services.messages.uids(view.mailbox.id);
    await services.messages.setFlags(view, uids.filter((_, i) => i % 10 === 0), 'add', ['\\Flagged']);
    await services.messages.setFlags(view, uids.filter((_, i) => i % 3 === 0), 'add', ['\\Seen']);
    maildir = path.join(f.dataDir, 'maildir');
    mkdirSync(maildir);
    cfg = path.join(f.dataDir, 'mbsyncrc');
    writeFileSync(
      cfg,
      [
        'IMAPAccount wp',
        'Host 127.0.0.1',
        `Port ${f.tlsPort}`,
        `User ${user.address}`,
        `Pass ${PASSWORD}`,
        'SSLType IMAPS',
        'SystemCertificates no',
        `CertificateFile ${f.certFile}`,
        'AuthMechs LOGIN',
        '',
        'IMAPStore remote',
        'Account wp',
        '',
        'MaildirStore local',
        `Path ${maildir}/`,
        `Inbox ${maildir}/INBOX`,
        'SubFolders Verbatim',
        '',
        'Channel wp',
        'Far :remote:',
        'Near :local:',
        'Patterns *',
        'Create Both',
        'Expunge Both',
        'SyncState *',
        '',
      ].join('\n'),
    );
  });
  after(async () => {
    if (f) await f.stop();
  });

  it('pulls every message with its flags, then pushes local changes back', { skip: missing, timeout: 300_000 }, async () => {
    const t0 = Date.now();
    await mbsync();
    const pull = Date.now() - t0;
    const files = localFiles('INBOX');
    assert.equal(files.length, N);
    assert.equal(files.filter((p) => maildirFlags(p).includes('F')).length, N / 10);
    assert.equal(files.filter((p) => maildirFlags(p).includes('S')).length, Math.ceil(N / 3));
    for (const box of ['Sent', 'Drafts', 'Trash', 'Junk', 'Archive']) assert.ok(localFiles(box).length === 0);

    // Local changes: answer 5, delete 2, add one new message and a new folder with one message.
    const plain = files.filter((p) => maildirFlags(p) === '').sort();
    for (const p of plain.slice(0, 5)) renameSync(p, p.replace(/:2,$/, ':2,R'));
    for (const p of plain.slice(5, 7)) renameSync(p, p.replace(/:2,$/, ':2,T'));
    writeFileSync(path.join(maildir, 'INBOX', 'new', `${Date.now()}.local1.host`), 'From: me@example.org\r\nSubject: written offline\r\n\r\nhello\r\n');
    for (const d of ['cur', 'new', 'tmp']) mkdirSync(path.join(maildir, 'Offline', d), { recursive: true });
    writeFileSync(path.join(maildir, 'Offline', 'new', `${Date.now()}.local2.host:2,S`), 'Subject: in a new folder\r\n\r\nx\r\n');
    const t1 = Date.now();
    await mbsync();
    const push = Date.now() - t1;

    const services = f.server.platform.services;
    const view = await inboxView();
    const rows = await services.messages.between(view.mailbox.id, 1, Number.MAX_SAFE_INTEGER);
    assert.equal(rows.length, N - 2 + 1, 'two expunged, one added');
    assert.equal(rows.filter((r) => parseFlags(r.flags).includes('\\Answered')).length, 5);
    assert.equal(rows.filter((r) => parseFlags(r.flags).includes('\\Flagged')).length, N / 10);
    const idx = await services.messages.indexes(rows.map((r) => r.blob_hash));
    assert.ok(rows.some((r) => idx.get(r.blob_hash)?.subject === 'written offline'));
    const offline = await services.mailboxes.find(user.id, null, 'Offline');
    assert.ok(offline, 'the local folder was created on the server');
    const off = await services.messages.between(offline.mailbox.id, 1, Number.MAX_SAFE_INTEGER);
    assert.equal(off.length, 1);
    assert.deepEqual(parseFlags(off[0]!.flags), ['\\Seen']);

    // A third run has nothing to do and changes nothing.
    await mbsync();
    assert.equal((await services.messages.uids(view.mailbox.id)).length, N - 1);
    assert.equal(localFiles('INBOX').length, N - 1);
    console.log(`mbsync: pull of ${N} messages ${pull} ms, push of changes ${push} ms`);
  });
});
