/** Local delivery: atomic over recipients, quota-enforcing, durable, with the parsed form stored. */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachEngine } from '../helpers/engines.js';
import { chunked, readAll, rfc822 } from '../helpers/messages.js';
import { ACTOR, GOOD_PASSWORD, servicesFor } from '../helpers/platform.js';
import { isWardpostError } from '../../src/core/errors.js';
import type { DomainEvent } from '../../src/core/events/bus.js';
import { sweepBlobs } from '../../src/core/mail/blob-sweeper.js';
import type { Services } from '../../src/core/services.js';
import type { Store } from '../../src/store/types.js';

forEachEngine('local delivery', (engine) => {
  let store: Store;
  let services: Services;
  let events: DomainEvent[];
  const ids: Record<string, number> = {};

  before(async () => {
    store = await engine.open({ blobGraceMs: 0 });
    ({ services, events } = servicesFor(store));
    await services.orgs.create({ slug: 'rxh', name: 'Royal Example Hospital', domains: ['rxh.nhs.example'] }, ACTOR);
    for (const [addr, name, quota] of [
      ['ann@wardpost.test', 'Ann Lee', '0'],
      ['bob@rxh.nhs.example', 'Bob Ray', '0'],
      ['full@wardpost.test', 'Fay Full', '30K'],
    ] as const) {
      ids[addr] = (await services.accounts.create({ address: addr, orgSlug: 'rxh', name, password: GOOD_PASSWORD, quota }, ACTOR)).id;
    }
  });
  after(async () => {
    await store.close();
    await engine.cleanup();
  });

  const inbox = async (address: string) => (await store.mailboxes.byName(ids[address]!, 'INBOX'))!;

  it('delivers one body to several recipients, once per account, with UIDs and counters', async () => {
    const raw = rfc822({ subject: 'Ward round at 9', body: 'Please bring the patient list.\r\n' });
    const r = await services.delivery.deliver({ source: chunked(raw, 7), recipients: ['ann@wardpost.test', 'bob@rxh.nhs.example', 'bob@wardpost.test'] });
    assert.equal(r.copies.length, 2, 'an alias and the primary address of one account give one copy');
    assert.equal(r.size, raw.length);
    for (const addr of ['ann@wardpost.test', 'bob@rxh.nhs.example']) {
      const box = await inbox(addr);
      assert.equal(Number(box.uidnext), 2);
      assert.equal(Number(box.message_count), 1);
      const msg = (await store.messages.byUid(box.id, 1))!;
      assert.equal(msg.blob_hash, r.blobHash);
      assert.ok((await readAll(store.blobs.get(msg.blob_hash))).equals(raw));
    }
    assert.equal(await store.blobRefs.refcount(r.blobHash), 2);
    const meta = (await store.messageMeta.get(r.blobHash))!;
    assert.equal(meta.subject, 'Ward round at 9');
    assert.match(meta.searchText, /patient list/);
    const index = JSON.parse(meta.indexJson);
    assert.equal(index.structure.type, 'text');
    assert.equal(index.envelope.subject, 'Ward round at 9');
    assert.equal(Number((await store.accounts.byId(ids['ann@wardpost.test']!))!.used_bytes), raw.length);
    assert.ok(events.some((e) => e.type === 'mail.delivered' && e.accountId === ids['bob@rxh.nhs.example']));
  });

  it('files into a named folder with flags', async () => {
    const r = await services.delivery.deliver({ source: chunked(rfc822()), recipients: ['ann@wardpost.test'], folder: 'Sent', flags: ['\\seen', '$Forwarded'] });
    const sent = (await store.mailboxes.byName(ids['ann@wardpost.test']!, 'Sent'))!;
    const row = (await store.messages.byUid(sent.id, r.copies[0]!.uid))!;
    assert.equal(row.flags, '\\Seen $Forwarded');
  });

  it('refuses an unknown recipient before writing anything', async () => {
    const before = await inbox('ann@wardpost.test');
    await assert.rejects(
      services.delivery.deliver({ source: chunked(rfc822()), recipients: ['ann@wardpost.test', 'nobody@wardpost.test'] }),
      (e) => isWardpostError(e, 'not_found') && /nobody@wardpost.test/.test(e.message),
    );
    assert.equal(Number((await inbox('ann@wardpost.test')).uidnext), Number(before.uidnext));
  });

  it('is all or nothing when one recipient is over quota', async () => {
    const annBefore = await inbox('ann@wardpost.test');
    const annUsed = Number((await store.accounts.byId(ids['ann@wardpost.test']!))!.used_bytes);
    const big = rfc822({ bytes: 40 * 1024 });
    await assert.rejects(
      services.delivery.deliver({ source: chunked(big), recipients: ['ann@wardpost.test', 'full@wardpost.test'] }),
      (e) => isWardpostError(e, 'quota_exceeded') && /full@wardpost.test/.test(e.message),
    );
    const annAfter = await inbox('ann@wardpost.test');
    assert.equal(Number(annAfter.uidnext), Number(annBefore.uidnext), 'no UID taken for the other recipient');
    assert.equal(Number(annAfter.message_count), Number(annBefore.message_count));
    assert.equal(Number((await store.accounts.byId(ids['ann@wardpost.test']!))!.used_bytes), annUsed);
    assert.equal(Number((await inbox('full@wardpost.test')).message_count), 0);
    // A message that fits is accepted; the next one that would overflow is refused.
    await services.delivery.deliver({ source: chunked(rfc822({ bytes: 20 * 1024 })), recipients: ['full@wardpost.test'] });
    await assert.rejects(services.delivery.deliver({ source: chunked(rfc822({ bytes: 20 * 1024 })), recipients: ['full@wardpost.test'] }), (e) => isWardpostError(e, 'quota_exceeded'));
    assert.equal(Number((await inbox('full@wardpost.test')).message_count), 1);
  });

  it("with overQuota 'skip' delivers to the others and reports the full mailbox per recipient", async () => {
    // full@ holds 20 KB of its 30 KB now: a 40 KB message cannot fit, a 1 KB one could.
    const fullBefore = await inbox('full@wardpost.test');
    const annBefore = await inbox('ann@wardpost.test');
    const r = await services.delivery.deliver({ source: chunked(rfc822({ bytes: 40 * 1024 })), recipients: ['ann@wardpost.test', 'full@wardpost.test'], overQuota: 'skip' });
    assert.deepEqual(r.copies.map((c) => c.recipient), ['ann@wardpost.test']);
    assert.deepEqual(r.refused.map((x) => [x.recipient, x.error.code]), [['full@wardpost.test', 'quota_exceeded']]);
    assert.equal(Number((await inbox('ann@wardpost.test')).message_count), Number(annBefore.message_count) + 1);
    const fullAfter = await inbox('full@wardpost.test');
    assert.equal(Number(fullAfter.uidnext), Number(fullBefore.uidnext), 'no UID taken in the full mailbox');
    assert.equal(await store.blobRefs.refcount(r.blobHash), 1, 'one reference: the one copy made');
    // When nobody can take it, it is refused as before, and nothing is written.
    await assert.rejects(
      services.delivery.deliver({ source: chunked(rfc822({ bytes: 40 * 1024, subject: 'alone' })), recipients: ['full@wardpost.test'], overQuota: 'skip' }),
      (e) => isWardpostError(e, 'quota_exceeded'),
    );
    assert.equal(Number((await inbox('full@wardpost.test')).uidnext), Number(fullBefore.uidnext));
  });

  it('gives concurrent deliveries distinct ascending UIDs (group commit)', async () => {
    const start = Number((await inbox('bob@rxh.nhs.example')).uidnext);
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => services.delivery.deliver({ source: chunked(rfc822({ subject: `n${i}` })), recipients: ['bob@rxh.nhs.example', 'ann@wardpost.test'] })),
    );
    const uids = results.map((r) => r.copies.find((c) => c.recipient === 'bob@rxh.nhs.example')!.uid).sort((a, b) => a - b);
    assert.deepEqual(uids, Array.from({ length: 40 }, (_, i) => start + i));
    const rows = await store.messages.list((await inbox('bob@rxh.nhs.example')).id);
    assert.equal(new Set(rows.map((r) => Number(r.modseq))).size, rows.length, 'MODSEQs are unique');
  });

  it('streams a 5 MB body without holding it whole', async () => {
    const raw = rfc822({ bytes: 5 * 1024 * 1024 });
    const r = await services.delivery.deliver({ source: chunked(raw, 64 * 1024), recipients: ['bob@rxh.nhs.example'] });
    assert.equal(r.size, raw.length);
    assert.ok((await readAll(store.blobs.get(r.blobHash, { start: 1000, end: 2000 }))).equals(raw.subarray(1000, 2000)));
  });

  it('sweeps bodies nothing refers to, and keeps referenced ones', async () => {
    // Large bodies live in the byte store: one written by a delivery that never committed...
    const orphan = await store.blobs.put(chunked(rfc822({ subject: 'never committed', bytes: 100 * 1024 })));
    assert.equal(orphan.inline, null);
    const kept = (await services.delivery.deliver({ source: chunked(rfc822({ subject: 'keep me', bytes: 100 * 1024 })), recipients: ['ann@wardpost.test'] })).blobHash;
    // ...one whose last message went away, and a small inline one likewise.
    const dropped = await store.blobs.put(chunked(rfc822({ subject: 'expunged', bytes: 100 * 1024 })));
    const small = await store.blobs.put(chunked(Buffer.from('small and expunged')));
    await store.transaction(async (tx) => {
      await tx.blobRefs.addRefs(dropped.hash, dropped.size, 1, dropped.inline);
      await tx.blobRefs.addRefs(small.hash, small.size, 1, small.inline);
      await tx.blobRefs.removeRefs(dropped.hash, 1);
      await tx.blobRefs.removeRefs(small.hash, 1);
    });
    await new Promise((r) => setTimeout(r, 20));
    // This store's grace period is 0; a cutoff slightly in the future makes every write "old".
    const res = await sweepBlobs(store, { graceMs: -1000 });
    assert.ok(await store.blobs.has(kept), 'a referenced body is kept');
    assert.equal(await store.blobs.has(orphan.hash), false, 'an orphan body is removed');
    assert.equal(await store.blobs.has(dropped.hash), false, 'an unreferenced body is removed');
    assert.equal(await store.blobs.has(small.hash), false, 'an unreferenced inline body is removed');
    assert.equal(await store.blobRefs.refcount(dropped.hash), undefined);
    assert.ok(res.orphans >= 1 && res.unreferenced >= 2);
  });
});
