/** The one store suite, run against every engine (SQLite and PostgreSQL). */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, it } from 'node:test';
import { forEachEngine } from '../helpers/engines.js';
import { chunked, readAll } from '../helpers/messages.js';
import type { Store } from '../../src/store/types.js';
import { withHash } from '../../src/core/directory/records.js';

forEachEngine('store conformance', (engine) => {
  let store: Store;
  let orgId: number;

  before(async () => {
    store = await engine.open();
    orgId = (await store.orgs.insert({ slug: 'trust-a', name: 'Trust A', parentId: null, kind: 'trust', nationalCode: 'RA1' }, ['trust-a.example'])).id;
  });
  after(async () => {
    await store.close();
    await engine.cleanup();
  });

  const newAccount = (address: string, quotaBytes = 0) =>
    store.accounts.insert({ orgId, address, displayName: 'A B', givenName: 'A', familyName: 'B', jobTitle: null, mobile: null, role: 'user', quotaBytes, passwordHash: null, mustChangePassword: false });

  it('keeps organisations, their domains and parents', async () => {
    const child = await store.orgs.insert({ slug: 'site-a1', name: 'Site A1', parentId: orgId, kind: 'site', nationalCode: null }, []);
    assert.equal(child.parent_id, orgId);
    assert.equal((await store.orgs.bySlug('trust-a'))?.national_code, 'RA1');
    assert.deepEqual(await store.orgs.domains(orgId), ['trust-a.example']);
    assert.equal(await store.orgs.domainOwner('trust-a.example'), orgId);
    assert.equal(await store.orgs.domainOwner('nowhere.example'), undefined);
    assert.deepEqual((await store.orgs.list()).map((o) => o.slug), ['site-a1', 'trust-a']);
  });

  it('refuses a duplicate organisation slug at the database', async () => {
    await assert.rejects(store.orgs.insert({ slug: 'trust-a', name: 'again', parentId: null, kind: 'trust', nationalCode: null }, []));
  });

  it('resolves accounts by address and alias', async () => {
    const a = await newAccount('ann.lee@wardpost.test');
    await store.accounts.addAlias(a.id, 'ann@trust-a.example');
    assert.equal((await store.accounts.resolve('ann@trust-a.example'))?.id, a.id);
    assert.equal((await store.accounts.resolve('ann.lee@wardpost.test'))?.id, a.id);
    assert.equal(await store.accounts.resolve('nobody@wardpost.test'), undefined);
    assert.deepEqual(await store.accounts.aliases(a.id), ['ann@trust-a.example']);
    await store.accounts.update(a.id, { status: 'suspended', jobTitle: 'Ward sister' });
    const again = await store.accounts.byId(a.id);
    assert.equal(again?.status, 'suspended');
    assert.equal(again?.job_title, 'Ward sister');
  });

  it('reserves quota only within the limit (0 = unlimited)', async () => {
    const a = await newAccount('quota@wardpost.test', 1000);
    assert.equal(await store.accounts.reserveQuota(a.id, 600), true);
    assert.equal(await store.accounts.reserveQuota(a.id, 600), false);
    assert.equal(await store.accounts.reserveQuota(a.id, 400), true);
    assert.equal(Number((await store.accounts.byId(a.id))?.used_bytes), 1000);
    const u = await newAccount('unlimited@wardpost.test', 0);
    assert.equal(await store.accounts.reserveQuota(u.id, 10 ** 12), true);
  });

  it('allocates strictly ascending UIDs and MODSEQs per mailbox', async () => {
    const a = await newAccount('uids@wardpost.test');
    const mb = await store.mailboxes.create({ accountId: a.id, name: 'INBOX', specialUse: null, uidvalidity: 1234, subscribed: true });
    const got = await Promise.all(Array.from({ length: 20 }, () => store.transaction((tx) => tx.mailboxes.allocate(mb.id, 10))));
    assert.deepEqual(got.map((g) => g.uid).sort((x, y) => x - y), Array.from({ length: 20 }, (_, i) => i + 1));
    const after = await store.mailboxes.byId(mb.id);
    assert.equal(Number(after?.uidnext), 21);
    assert.equal(Number(after?.highestmodseq), 21);
    assert.equal(Number(after?.message_count), 20);
    assert.equal(Number(after?.uidvalidity), 1234);
  });

  it('reads message rows by UID list: ascending, repeats once, absent UIDs and other folders left out, past one chunk', async () => {
    const a = await newAccount('byuids@wardpost.test');
    const mb = await store.mailboxes.create({ accountId: a.id, name: 'INBOX', specialUse: null, uidvalidity: 1, subscribed: true });
    const other = await store.mailboxes.create({ accountId: a.id, name: 'Other', specialUse: null, uidvalidity: 2, subscribed: true });
    await store.transaction(async (tx) => {
      for (const box of [mb.id, other.id]) {
        for (let i = 0; i < 700; i++) {
          const { uid, modseq } = await tx.mailboxes.allocate(box, 1);
          await tx.messages.insert({ mailboxId: box, uid, modseq, blobHash: `h${box}-${uid}`, size: 1, internalDate: 0, flags: [] });
        }
      }
    });
    const wanted = [650, 3, 3, 999_999, 1, 600, 700];
    const rows = await store.mailState.messagesByUids(mb.id, wanted);
    assert.deepEqual(rows.map((r) => Number(r.uid)), [1, 3, 600, 650, 700]);
    assert.ok(rows.every((r) => Number(r.mailbox_id) === mb.id && r.blob_hash === `h${mb.id}-${Number(r.uid)}`));
    // More UIDs than one statement takes (500), asked for in descending order.
    const all = await store.mailState.messagesByUids(mb.id, Array.from({ length: 700 }, (_, i) => 700 - i));
    assert.deepEqual(all.map((r) => Number(r.uid)), Array.from({ length: 700 }, (_, i) => i + 1));
    assert.deepEqual(await store.mailState.messagesByUids(mb.id, []), []);
  });

  it('rolls back every write of a failed transaction', async () => {
    await assert.rejects(
      store.transaction(async (tx) => {
        await tx.orgs.insert({ slug: 'ghost', name: 'Ghost', parentId: null, kind: 'trust', nationalCode: null }, ['ghost.example']);
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(await store.orgs.bySlug('ghost'), undefined);
    assert.equal(await store.orgs.domainOwner('ghost.example'), undefined);
  });

  it('group commit isolates a failing caller from the others in its batch', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        store.grouped(async (tx) => {
          await tx.orgs.insert({ slug: `grp-${i}`, name: `G${i}`, parentId: null, kind: 'trust', nationalCode: null }, []);
          if (i === 3) throw new Error('caller 3 fails');
          return i;
        }),
      ),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 9);
    assert.equal((results[3] as PromiseRejectedResult).reason.message, 'caller 3 fails');
    assert.equal(await store.orgs.bySlug('grp-3'), undefined);
    assert.ok(await store.orgs.bySlug('grp-9'));
  });

  it('stores blobs by content, streams them back whole and by range', async () => {
    const data = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31) & 0xff;
    const seen: number[] = [];
    const put = await store.blobs.put(chunked(data, 65536), (c) => seen.push(c.length));
    assert.equal(put.hash, createHash('sha256').update(data).digest('hex'));
    assert.equal(put.size, data.length);
    assert.equal(seen.reduce((a, b) => a + b, 0), data.length);
    assert.ok(await store.blobs.has(put.hash));
    assert.ok((await readAll(store.blobs.get(put.hash))).equals(data));
    assert.ok((await readAll(store.blobs.get(put.hash, { start: 262140, end: 262150 }))).equals(data.subarray(262140, 262150)));
    assert.ok((await readAll(store.blobs.get(put.hash, { start: data.length - 5 }))).equals(data.subarray(data.length - 5)));
    const again = await store.blobs.put(chunked(data, 1000));
    assert.equal(again.hash, put.hash);
  });

  it('reports a missing blob as ENOENT when read', async () => {
    await assert.rejects(readAll(store.blobs.get('0'.repeat(64))), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
    assert.equal(await store.blobs.has('0'.repeat(64)), false);
  });

  it('keeps small blobs inline, written by the transaction that references them', async () => {
    const body = Buffer.from('a short clinic letter');
    const staged = await store.blobs.put(chunked(body, 5));
    assert.ok(staged.inline?.equals(body));
    assert.equal(staged.hash, createHash('sha256').update(body).digest('hex'));
    assert.equal(await store.blobs.has(staged.hash), false, 'nothing is stored before a transaction references it');
    await store.transaction((tx) => tx.blobRefs.addRefs(staged.hash, staged.size, 1, staged.inline));
    assert.ok((await readAll(store.blobs.get(staged.hash))).equals(body));
    assert.ok((await readAll(store.blobs.get(staged.hash, { start: 2, end: 7 }))).equals(body.subarray(2, 7)));
    const big = await store.blobs.put(chunked(Buffer.alloc(70 * 1024, 1)));
    assert.equal(big.inline, null, 'a body over the inline limit goes to the byte store');
  });

  it('counts blob references', async () => {
    const { hash, size, inline } = await store.blobs.put(chunked(Buffer.from('counted body')));
    await store.blobRefs.addRefs(hash, size, 2, inline);
    await store.blobRefs.addRefs(hash, size, 1);
    assert.equal(await store.blobRefs.refcount(hash), 3);
    await store.blobRefs.removeRefs(hash, 3);
    assert.equal(await store.blobRefs.refcount(hash), 0);
    assert.deepEqual(await store.blobRefs.unreferenced(Date.now() + 1, 10), [{ hash, inline: true }]);
    await store.blobRefs.forget(hash);
    assert.equal(await store.blobRefs.refcount(hash), undefined);
  });

  it('appends and filters the audit log', async () => {
    await store.audit.append({ at: Date.now(), actor: 'cli:test', actorAccountId: null, orgId, action: 'test.one', target: 'x', ip: '192.0.2.1', detail: { a: 1 } });
    const rows = await store.audit.list({ orgId });
    assert.equal(rows[0]?.action, 'test.one');
    assert.deepEqual(JSON.parse(rows[0]!.detail), { a: 1 });
  });

  it('pages directory entries changed since a time by (updated_at, id), equal timestamps included', async () => {
    const rec = (key: string) => withHash({ sourceKey: `csv:${key}`, kind: 'person', accountId: null, orgId, displayName: key, givenName: key, familyName: key, jobTitle: null, role: null, specialty: null, department: null, site: null, address: null, phoneDesk: null, phoneMobile: null, phonePager: null, email: null, registration: null, nationalCode: null, visibility: 'national' });
    const since = Date.now();
    // One call writes one timestamp for all its rows: a page boundary falls between equal timestamps.
    const first = await store.transaction((tx) => tx.directory.upsertMany(['c1', 'c2', 'c3', 'c4', 'c5'].map(rec)));
    const stamp = Number(first[0]!.row.updated_at);
    while (Date.now() <= stamp) await new Promise((r) => setImmediate(r)); // the next write gets a later time
    const second = await store.transaction((tx) => tx.directory.upsertMany(['c6', 'c7'].map(rec)));
    const want = [...first, ...second].map((r) => r.id);
    const got: number[] = [];
    let at = since - 1;
    let afterId = Number.MAX_SAFE_INTEGER;
    for (let guard = 0; guard < 10; guard++) {
      const rows = await store.directory.changedSince(at, afterId, 2);
      got.push(...rows.map((r) => Number(r.id)));
      if (rows.length < 2) break;
      at = Number(rows[rows.length - 1]!.updated_at);
      afterId = Number(rows[rows.length - 1]!.id);
    }
    assert.deepEqual(got, want);
    assert.deepEqual(await store.directory.changedSince(Date.now() + 60_000, 0, 10), []);
  });

  it('re-opens with the schema already current, and passes its integrity check', async () => {
    const again = await engine.reopen();
    try {
      assert.ok(await again.orgs.bySlug('trust-a'));
      assert.deepEqual(await again.integrityCheck(), []);
    } finally {
      await again.close();
    }
  });
});
