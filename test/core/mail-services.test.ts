/** Folder and message rules shared by IMAP, JMAP and the web, on both store engines. */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, it } from 'node:test';
import { forEachEngine } from '../helpers/engines.js';
import { ACTOR, GOOD_PASSWORD, servicesFor } from '../helpers/platform.js';
import { rfc822 } from '../helpers/messages.js';
import { isWardpostError } from '../../src/core/errors.js';
import { parseFlags } from '../../src/core/mail/message-service.js';
import type { MailboxView } from '../../src/core/mail/mailbox-service.js';
import type { DomainEvent } from '../../src/core/events/bus.js';
import type { Services } from '../../src/core/services.js';
import type { Store } from '../../src/store/types.js';

forEachEngine('mailbox and message services', (engine) => {
  let store: Store;
  let services: Services;
  let events: DomainEvent[];
  let me: number;
  let other: number;
  let inbox: MailboxView;
  const deliver = async (subject: string, body = 'hello\r\n') =>
    (await services.delivery.deliver({ source: Readable.from([rfc822({ to: 'mia@wardpost.test', subject, body })]), recipients: ['mia@wardpost.test'] })).copies[0]!.uid;

  before(async () => {
    store = await engine.open();
    ({ services, events } = servicesFor(store));
    await services.orgs.create({ slug: 'rxh', name: 'Royal Example Hospital' }, ACTOR);
    me = (await services.accounts.create({ address: 'mia@wardpost.test', orgSlug: 'rxh', name: 'Mia Mail', password: GOOD_PASSWORD }, ACTOR)).id;
    other = (await services.accounts.create({ address: 'oli@wardpost.test', orgSlug: 'rxh', name: 'Oli Other', password: GOOD_PASSWORD }, ACTOR)).id;
    for (let i = 0; i < 4; i++) await deliver(`subject ${i}`, `body text number ${i} with zebra${i}\r\n`);
    inbox = (await services.mailboxes.find(me, null, 'INBOX'))!;
  });
  after(async () => {
    await store.close();
    await engine.cleanup();
  });

  it('sets flags with one new MODSEQ, honours UNCHANGEDSINCE, publishes mail.flags', async () => {
    const before = (await services.mailboxes.refresh(inbox.mailbox.id)).highestmodseq;
    const res = await services.messages.setFlags(inbox, [1, 2], 'add', ['\\Seen', '$Work'], { origin: 's1' });
    assert.equal(res.changed.length, 2);
    assert.ok(res.changed.every((c) => c.modseq === Number(before) + 1));
    const again = await services.messages.setFlags(inbox, [1, 3], 'remove', ['$Work'], { unchangedSince: Number(before) });
    assert.deepEqual(again.failed, [1]);
    const ev = events.filter((e) => e.type === 'mail.flags');
    assert.equal(ev.length, 1);
    assert.equal((ev[0] as { origin?: string }).origin, 's1');
  });

  it('searches stored text on this engine', async () => {
    assert.deepEqual(await services.messages.searchText(inbox.mailbox.id, 'ZEBRA2', 'body'), [3]);
    assert.deepEqual(await services.messages.searchText(inbox.mailbox.id, 'subject 1', 'subject'), [2]);
    assert.deepEqual(await services.messages.searchText(inbox.mailbox.id, '100%_', 'text'), []);
  });

  it('copies and moves with quota, refcounts and expunge records; expunges \\Deleted only', async () => {
    const archive = (await services.mailboxes.find(me, null, 'Archive'))!;
    const used0 = (await store.accounts.byId(me))!.used_bytes;
    const copy = await services.messages.copy(inbox, [1, 2], archive);
    assert.deepEqual(copy.map.map(([a]) => a), [1, 2]);
    assert.ok(Number((await store.accounts.byId(me))!.used_bytes) > Number(used0));
    const row = (await services.messages.between(inbox.mailbox.id, 1, 1))[0]!;
    assert.equal(await store.blobRefs.refcount(row.blob_hash), 2);
    const moved = await services.messages.move(inbox, [4], archive, 's2');
    assert.deepEqual(moved.expunged, [4]);
    assert.deepEqual(await services.messages.uids(inbox.mailbox.id), [1, 2, 3]);
    await services.messages.setFlags(inbox, [3], 'add', ['\\Deleted']);
    assert.deepEqual(await services.messages.expunge(inbox, [1, 2, 3]), [3]);
    const modseq = Number((await services.mailboxes.refresh(inbox.mailbox.id)).highestmodseq);
    assert.deepEqual(await services.messages.expungedSince(inbox.mailbox.id, 0), [3, 4]);
    assert.deepEqual(await services.messages.expungedSince(inbox.mailbox.id, modseq), []);
    assert.equal(Number((await services.mailboxes.refresh(inbox.mailbox.id)).message_count), 2);
  });

  it('creates with parents, renames with children, deletes releasing references; refuses others', async () => {
    await services.mailboxes.create(me, 'Projects/Alpha/Notes');
    assert.ok(await services.mailboxes.find(me, null, 'Projects/Alpha'));
    const projects = (await services.mailboxes.find(me, null, 'Projects'))!;
    await services.mailboxes.rename(me, projects, 'Work');
    assert.ok(await services.mailboxes.find(me, null, 'Work/Alpha/Notes'));
    const archive = (await services.mailboxes.find(me, null, 'Archive'))!;
    const hash = (await services.messages.between(archive.mailbox.id, 1, 1))[0]!.blob_hash;
    const before = await store.blobRefs.refcount(hash);
    await services.mailboxes.delete(me, archive);
    assert.equal(await store.blobRefs.refcount(hash), before! - 1);
    assert.equal(await services.mailboxes.find(me, null, 'Archive'), null);
    const otherInbox = (await store.mailboxes.byName(other, 'INBOX'))!;
    assert.equal(await services.mailboxes.find(me, 'oli@wardpost.test', 'INBOX'), null, 'no grant: not found');
    await services.sharing.grantFolder({ owner: 'oli@wardpost.test', folder: 'INBOX', grantee: 'mia@wardpost.test', rights: 'lr' }, ACTOR);
    const view = (await services.mailboxes.find(me, 'oli@wardpost.test', 'INBOX'))!;
    assert.equal(view.mailbox.id, otherInbox.id);
    await assert.rejects(services.messages.expunge(view), (e) => isWardpostError(e, 'forbidden'));
    await assert.rejects(services.mailboxes.delete(me, view), (e) => isWardpostError(e, 'forbidden'));
    await assert.rejects(services.messages.append(view, Readable.from([Buffer.from('Subject: x\r\n\r\nx\r\n')]), {}), (e) => isWardpostError(e, 'forbidden'));
    await services.mailboxes.subscribe(me, view, true);
    assert.deepEqual(await services.mailboxes.sharedSubscriptions(me), [otherInbox.id]);
  });

  it('appends through delivery with flags and date', async () => {
    const res = await services.messages.append(inbox, Readable.from([Buffer.from('Subject: appended\r\n\r\nhi\r\n')]), { flags: ['\\Seen', '\\Draft'], internalDate: new Date('2025-01-01T00:00:00Z') });
    const row = (await services.messages.between(inbox.mailbox.id, res.uid, res.uid))[0]!;
    assert.deepEqual(parseFlags(row.flags).sort(), ['\\Draft', '\\Seen']);
    assert.equal(Number(row.internal_date), Date.parse('2025-01-01T00:00:00Z'));
  });
});
