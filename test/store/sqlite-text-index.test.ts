/**
 * SQLite only: the text index is a file of its own beside the database, kept by a worker thread
 * (store/sqlite/text-index-file.ts). It is derived data: lost, damaged or older than the database,
 * it is rebuilt from the stored bodies, and searches never miss a message meanwhile.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, it } from 'node:test';
import Database from 'better-sqlite3';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/types.js';
import type { Services } from '../../src/core/services.js';
import { ACTOR, GOOD_PASSWORD, servicesFor } from '../helpers/platform.js';
import { rfc822 } from '../helpers/messages.js';

const dir = mkdtempSync(path.join(tmpdir(), 'wp-text-index-'));
const file = path.join(dir, 'wardpost.sqlite');
const textFile = path.join(dir, 'wardpost.text.sqlite');
let store: Store;
let services: Services;
let inboxId = 0;

async function reopen(damage?: () => void): Promise<void> {
  await services.messages.close();
  await store.close();
  damage?.();
  store = await openStore({ kind: 'sqlite', file }, dir);
  ({ services } = servicesFor(store));
}

const deliver = (body: string) => services.delivery.deliver({ source: Readable.from([rfc822({ to: 'ida@wardpost.test', subject: 'Index', body })]), recipients: ['ida@wardpost.test'] });
const search = (needle: string) => services.messages.searchText(inboxId, needle, 'body');

before(async () => {
  store = await openStore({ kind: 'sqlite', file }, dir);
  ({ services } = servicesFor(store));
  await services.orgs.create({ slug: 'idx', name: 'Index Trust' }, ACTOR);
  const me = (await services.accounts.create({ address: 'ida@wardpost.test', orgSlug: 'idx', name: 'Ida Index', password: GOOD_PASSWORD }, ACTOR)).id;
  inboxId = (await services.mailboxes.find(me, null, 'INBOX'))!.mailbox.id;
  await deliver('the pelican landed\r\n');
  await deliver('a cormorant dived\r\n');
});
after(async () => {
  await services.messages.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

it('keeps the index in its own file, not in the database a delivery commits to', async () => {
  assert.deepEqual(await search('pelican'), [1]);
  assert.ok(existsSync(textFile), 'the index file sits beside the database');
  const main = new Database(file, { readonly: true });
  try {
    const tables = main.prepare("select name from sqlite_master where name in ('message_text', 'message_meta_text_queue')").pluck().all();
    assert.deepEqual(tables, [], 'no index table or queue trigger left in the database');
  } finally {
    main.close();
  }
  const text = new Database(textFile, { readonly: true });
  try {
    assert.equal(text.prepare('select count(*) from message_text').pluck().get(), 2);
  } finally {
    text.close();
  }
});

it('rebuilds a lost index file from the stored bodies', async () => {
  await reopen(() => {
    for (const f of [textFile, `${textFile}-wal`, `${textFile}-shm`]) rmSync(f, { force: true });
  });
  assert.equal(await store.textSearch.pending(), 2, 'nothing indexed in the new file yet');
  assert.deepEqual(await search('cormorant'), [2]);
  assert.equal(await store.textSearch.pending(), 0);
});

it('replaces an index file that is not a database', async () => {
  await reopen(() => {
    for (const f of [`${textFile}-wal`, `${textFile}-shm`]) rmSync(f, { force: true });
    writeFileSync(textFile, Buffer.alloc(8192, 0x5a));
  });
  assert.deepEqual(await search('pelican'), [1]);
  await deliver('a heron waited\r\n');
  assert.deepEqual(await search('heron'), [3]);
});

it('starts over when the index is newer than the database (a database restored from a copy)', async () => {
  await reopen(() => {
    const text = new Database(textFile);
    // As if the database had been restored to a copy holding fewer bodies than the index has seen.
    text.prepare('update text_progress set last_rowid = 1000000 where id = 1').run();
    text.close();
  });
  await deliver('an osprey circled\r\n');
  assert.deepEqual(await search('osprey'), [4], 'a body past the stale mark is still found');
  assert.deepEqual(await search('heron'), [3]);
});

it('closes while its worker is still answering, and starts no worker once closed', async () => {
  // In a process of its own, where nothing else keeps the event loop alive: close() must hold the
  // worker until it has exited, even when a drain's answer arrives meanwhile (it had let go of it,
  // and the process ended with close() still pending).
  const dir2 = mkdtempSync(path.join(tmpdir(), 'wp-text-close-'));
  const url = (p: string) => JSON.stringify(new URL(p, import.meta.url).href);
  const script = `
    const { openStore } = await import(${url('../../src/store/open.js')});
    const { headerText } = await import(${url('../../src/core/mail/header-text.js')});
    const store = await openStore({ kind: 'sqlite', file: ${JSON.stringify(path.join(dir2, 'wardpost.sqlite'))} }, ${JSON.stringify(dir2)});
    const inFlight = store.textSearch.drain(16, headerText);
    await store.close();
    console.log('closed', await inFlight);
    await store.textSearch.drain(16, headerText).catch((e) => console.log(e.message));
  `;
  const file = path.join(dir2, 'close.mjs');
  writeFileSync(file, script);
  try {
    for (let i = 0; i < 3; i++) {
      const out = await new Promise<string>((resolve, reject) =>
        execFile(process.execPath, [file], { timeout: 20_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}: ${stderr}`)) : resolve(stdout))),
      );
      assert.equal(out, 'closed 0\ntext index: the store is closed\n');
    }
  } finally {
    rmSync(dir2, { recursive: true, force: true });
  }
});
