/** The persistent text index (migration 0012_imap_search) on both engines: substring semantics, background indexing, restart. */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, it } from 'node:test';
import { forEachEngine } from '../helpers/engines.js';
import { ACTOR, GOOD_PASSWORD, servicesFor } from '../helpers/platform.js';
import { rfc822 } from '../helpers/messages.js';
import type { MailboxView } from '../../src/core/mail/mailbox-service.js';
import type { Services } from '../../src/core/services.js';
import type { Store } from '../../src/store/types.js';

forEachEngine('persistent text index', (engine) => {
  let store: Store;
  let services: Services;
  let inbox: MailboxView;
  let archive: MailboxView;
  let me: number;
  const deliver = async (subject: string, body: string, from?: string) =>
    (await services.delivery.deliver({ source: Readable.from([rfc822({ to: 'tia@wardpost.test', subject, body, from })]), recipients: ['tia@wardpost.test'] })).copies[0]!.uid;
  const search = (box: MailboxView, needle: string, scope: 'body' | 'text' = 'body') => services.messages.searchText(box.mailbox.id, needle, scope);

  before(async () => {
    store = await engine.open();
    ({ services } = servicesFor(store));
    await services.orgs.create({ slug: 'txt', name: 'Text Trust' }, ACTOR);
    me = (await services.accounts.create({ address: 'tia@wardpost.test', orgSlug: 'txt', name: 'Tia Text', password: GOOD_PASSWORD }, ACTOR)).id;
    await deliver('Ward round', 'The ZebraCrossing near ward 7 is closed.\r\n');
    await deliver('École notes', 'Réunion à l’école demain; bring 100%_ of the forms.\r\n');
    await deliver('Handover', 'patient stable, handover at 0800\r\n', '"Dr Quentin Quill" <quill@example.org>');
    await deliver('Short', 'ab cd\r\n');
    inbox = (await services.mailboxes.find(me, null, 'INBOX'))!;
    archive = (await services.mailboxes.find(me, null, 'Archive'))!;
  });
  after(async () => {
    await services.messages.close();
    await store.close();
    await engine.cleanup();
  });

  it('finds substrings inside words, case-insensitively, Unicode included', async () => {
    assert.deepEqual(await search(inbox, 'zebracross'), [1]);
    assert.deepEqual(await search(inbox, 'BRACROSSING NEAR'), [1]);
    assert.deepEqual(await search(inbox, 'ÉCOLE'), [2]);
    assert.deepEqual(await search(inbox, 'réunion à'), [2]);
    assert.deepEqual(await search(inbox, '100%_'), [2]);
    assert.deepEqual(await search(inbox, '100%x'), []);
    // Every trigram present, but not as one substring.
    assert.deepEqual(await search(inbox, 'zebrastable'), []);
  });

  it('checks needles too short for trigrams against every message', async () => {
    assert.deepEqual(await search(inbox, 'cd'), [4]);
    assert.deepEqual(await search(inbox, 'b'), [1, 2, 3, 4]);
  });

  it('TEXT also looks in the header text (subject, addresses), BODY does not', async () => {
    assert.deepEqual(await search(inbox, 'quentin quill', 'text'), [3]);
    assert.deepEqual(await search(inbox, 'quill@example', 'text'), [3]);
    assert.deepEqual(await search(inbox, 'quentin', 'body'), []);
    assert.deepEqual(await search(inbox, 'ward round', 'text'), [1]);
  });

  it('a copy in another folder is found there; an expunged message is not', async () => {
    await services.messages.copy(inbox, [1], archive);
    assert.deepEqual(await search(archive, 'zebracrossing'), [1]);
    await services.messages.setFlags(inbox, [1], 'add', ['\\Deleted']);
    await services.messages.expunge(inbox);
    assert.deepEqual(await search(inbox, 'zebracrossing'), []);
    assert.deepEqual(await search(archive, 'zebracrossing'), [1]);
  });

  it('indexes new deliveries in the background, off the delivery path', async () => {
    // With this process's indexer stopped, a delivery leaves its body queued: delivery itself indexes nothing.
    await services.messages.close();
    await deliver('Later', 'a quokka appeared\r\n');
    assert.equal(await store.textSearch.pending(), 1, 'delivery only queued the body');
    // A new indexer takes up what is queued on its own, without any search.
    ({ services } = servicesFor(store));
    for (let i = 0; i < 100 && (await store.textSearch.pending()) > 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await store.textSearch.pending(), 0, 'the background indexer emptied the queue');
    assert.deepEqual(await search(inbox, 'QUOKKA'), [5]);
  });

  it('survives a restart: the index is read, not rebuilt', async () => {
    await services.messages.close();
    await deliver('Unindexed', 'a narwhal surfaced\r\n');
    await store.close();
    store = await engine.reopen();
    assert.equal(await store.textSearch.pending(), 1, 'the delivery made before the restart is still queued');
    ({ services } = servicesFor(store));
    assert.deepEqual(await search(inbox, 'narwhal'), [6]);
    assert.deepEqual(await search(inbox, 'quokka'), [5]);
    assert.equal(await store.textSearch.pending(), 0);
  });
});
