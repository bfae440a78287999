/**
 * kill -9 during an SMTP load run: every message that got a 250 (from the MX to a local mailbox,
 * or from submission into the outbound queue) is there after restart, and none twice.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import nodemailer from 'nodemailer';
import { openStore } from '../../../src/store/open.js';
import { runCli } from '../../helpers/cli.js';
import { readAll } from '../../helpers/messages.js';
import { startServe } from '../../helpers/server.js';
import { PASSWORD } from './helpers.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'wp-smtp-crash-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

const env = {
  WARDPOST_DATA_DIR: dataDir,
  // Outbound mail goes nowhere (port 1 refuses), so queued rows stay queued; retries are slow.
  WARDPOST_SMTP_ROUTES: 'far.test=127.0.0.1:1',
  WARDPOST_QUEUE_RETRY_MS: '600000',
};

describe('SMTP under kill -9', () => {
  it('keeps every acknowledged message, delivered or queued, exactly once', async () => {
    let srv = await startServe(env);
    const created = await runCli(['user', 'create', 'bob@wardpost.test', '--org', 'national', '--name', 'Bob Ray', '--password-stdin'], { env, input: PASSWORD });
    assert.equal(created.code, 0, created.stderr);
    const port = (name: string) => Number(new RegExp(`${name}\\s+smtps?://[^:]+:(\\d+)`).exec(srv.output())![1]);
    const mx = nodemailer.createTransport({ host: '127.0.0.1', port: port('smtp'), secure: false, ignoreTLS: true, pool: true, maxConnections: 6 });
    const sub = nodemailer.createTransport({ host: '127.0.0.1', port: port('submission'), secure: false, requireTLS: true, pool: true, maxConnections: 2, auth: { user: 'bob@wardpost.test', pass: PASSWORD }, tls: { rejectUnauthorized: false } });

    const acked = { local: new Set<string>(), queued: new Set<string>() };
    let killed = false;
    let n = 0;
    const body = 'Load test line of about sixty characters, repeated for size.\r\n'.repeat(40);
    const sendOne = async (): Promise<void> => {
      const i = n++;
      const queued = i % 4 === 3;
      const subject = `load-${i}`;
      try {
        if (queued) await sub.sendMail({ from: 'bob@wardpost.test', to: `r${i}@far.test`, subject, text: body });
        else await mx.sendMail({ from: 'load@example.org', to: 'bob@wardpost.test', subject, text: body });
        (queued ? acked.queued : acked.local).add(subject);
      } catch {
        // Refused or cut off by the kill: not acknowledged, so it may or may not be there.
      }
    };
    const workers = Array.from({ length: 8 }, async () => {
      while (!killed) await sendOne();
    });
    const deadline = Date.now() + 20_000;
    while (acked.local.size + acked.queued.size < 120 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await srv.stop('SIGKILL');
    killed = true;
    await Promise.all(workers);
    mx.close();
    sub.close();
    assert.ok(acked.local.size >= 20 && acked.queued.size >= 5, `load ran (${acked.local.size} local, ${acked.queued.size} queued acknowledged)`);

    const store = await openStore({ kind: 'sqlite', file: path.join(dataDir, 'wardpost.sqlite') }, dataDir);
    try {
      assert.deepEqual(await store.integrityCheck(), []);
      const bob = (await store.accounts.resolve('bob@wardpost.test'))!;
      const inbox = (await store.mailboxes.byName(bob.id, 'INBOX'))!;
      const seen = new Map<string, number>();
      for (const m of await store.messages.list(inbox.id)) {
        const subject = (await store.messageMeta.get(m.blob_hash))!.subject;
        seen.set(subject, (seen.get(subject) ?? 0) + 1);
      }
      for (const s of acked.local) assert.equal(seen.get(s), 1, `${s} delivered exactly once`);
      for (const [s, count] of seen) assert.equal(count, 1, `${s} is not delivered twice`);
      const queuedSubjects = new Map<string, number>();
      for (const row of await store.transport.listQueue({})) {
        const text = (await readAll(store.blobs.get(row.blob_hash))).toString();
        const subject = /^Subject: (.*)$/m.exec(text)![1]!.trim();
        queuedSubjects.set(subject, (queuedSubjects.get(subject) ?? 0) + 1);
      }
      for (const s of acked.queued) assert.equal(queuedSubjects.get(s), 1, `${s} queued exactly once`);
    } finally {
      await store.close();
    }

    // The server starts again on the same data and its queue picks the rows up.
    srv = await startServe(env);
    assert.equal(await srv.stop('SIGTERM'), 0);
  });
});
