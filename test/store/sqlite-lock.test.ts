/**
 * SQLite only: a write transaction that reads first (as a directory import batch does) waits for
 * another connection's write lock (busy_timeout) instead of failing at once with "database is
 * locked" (see statement-cache.ts: transactions begin IMMEDIATE).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { it } from 'node:test';
import { createRequire } from 'node:module';
import { withHash } from '../../src/core/directory/records.js';
import { openStore } from '../../src/store/open.js';

const betterSqlite = createRequire(import.meta.url).resolve('better-sqlite3');

it('waits for another connection holding the write lock, then commits a read-then-write transaction', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wp-sqlite-lock-'));
  const file = path.join(dir, 'w.sqlite');
  const store = await openStore({ kind: 'sqlite', file }, dir);
  try {
    const org = await store.orgs.insert({ slug: 'lock-trust', name: 'Lock Trust', parentId: null, kind: 'trust', nationalCode: null }, []);
    const rec = withHash({ sourceKey: 'csv:lock-1', kind: 'person', accountId: null, orgId: org.id, displayName: 'Ann Lee', givenName: 'Ann', familyName: 'Lee', jobTitle: null, role: null, specialty: null, department: null, site: null, address: null, phoneDesk: null, phoneMobile: null, phonePager: null, email: null, registration: null, nationalCode: null, visibility: 'national' });
    // Another process takes the write lock, says so, and lets it go a little later by itself (this
    // process's busy wait blocks its own event loop, so it could not be told to let go).
    const holder = spawn(process.execPath, ['-e', `
      const db = new (require(${JSON.stringify(betterSqlite)}))(${JSON.stringify(file)});
      db.pragma('busy_timeout = 10000');
      db.exec('begin immediate');
      process.stdout.write('locked\\n');
      setTimeout(() => { db.exec('commit'); db.close(); }, 300);
    `], { stdio: ['ignore', 'pipe', 'inherit'] });
    await once(holder.stdout!, 'data');
    const [written] = await store.transaction((tx) => tx.directory.upsertMany([rec]));
    assert.equal(written!.change, 'added');
    assert.equal((await store.directory.bySourceKey('csv:lock-1'))?.display_name, 'Ann Lee');
    if (holder.exitCode === null) await once(holder, 'exit');
    assert.equal(holder.exitCode, 0);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
