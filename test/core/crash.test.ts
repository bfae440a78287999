/**
 * Durability: a process killed with SIGKILL in the middle of a stream of deliveries loses none
 * that it had reported as done, and the database passes its integrity check afterwards.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, it } from 'node:test';
import { forEachEngine } from '../helpers/engines.js';
import { readAll } from '../helpers/messages.js';
import { ACTOR, GOOD_PASSWORD, servicesFor } from '../helpers/platform.js';

const LOOP = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/delivery-loop.js');

forEachEngine('kill -9 during deliveries', (engine) => {
  after(() => engine.cleanup());

  it('keeps every delivery that returned success', async () => {
    const store = await engine.open();
    const { services } = servicesFor(store);
    await services.orgs.create({ slug: 'crash', name: 'Crash Test Trust' }, ACTOR);
    const acct = await services.accounts.create({ address: 'victim@wardpost.test', orgSlug: 'crash', name: 'Crash Victim', password: GOOD_PASSWORD }, ACTOR);
    await store.close();

    const child = spawn(process.execPath, [LOOP], {
      env: { ...process.env, WARDPOST_CRASH_SETTING: JSON.stringify({ ...engine.setting(), recipient: 'victim@wardpost.test', concurrency: 8 }) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    const acknowledged = await new Promise<string[]>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const lines = out.split('\n').filter((l) => l.startsWith('ok '));
        if (lines.length >= 150) child.kill('SIGKILL');
      });
      // A safety stop in case deliveries are very slow on this disk.
      const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.on('exit', () => {
        clearTimeout(t);
        resolve(out.split('\n').filter((l) => l.startsWith('ok ')));
      });
    });
    assert.ok(acknowledged.length >= 20, `only ${acknowledged.length} deliveries were acknowledged before the kill`);

    const reopened = await engine.reopen();
    try {
      assert.deepEqual(await reopened.integrityCheck(), []);
      const inbox = (await reopened.mailboxes.byName(acct.id, 'INBOX'))!;
      const rows = await reopened.messages.list(inbox.id);
      const byUid = new Map(rows.map((r) => [Number(r.uid), r]));
      for (const line of acknowledged) {
        const [, uid, hash] = line.split(' ');
        const row = byUid.get(Number(uid));
        assert.ok(row, `acknowledged delivery uid ${uid} is missing after the crash`);
        assert.equal(row.blob_hash, hash);
        const body = await readAll(reopened.blobs.get(hash!));
        assert.equal(createHash('sha256').update(body).digest('hex'), hash, `body of uid ${uid} is damaged`);
        assert.ok(await reopened.messageMeta.get(hash!), `parsed form of uid ${uid} is missing`);
      }
      // Counters agree with the rows that exist (nothing half-written).
      assert.equal(Number(inbox.message_count), rows.length);
      assert.ok(Number(inbox.uidnext) > Math.max(...rows.map((r) => Number(r.uid))));
      const acctRow = (await reopened.accounts.byId(acct.id))!;
      assert.equal(Number(acctRow.used_bytes), rows.reduce((s, r) => s + Number(r.size), 0));
    } finally {
      await reopened.close();
    }
  });
});
