/** The one sharing model: folder grants, shared team mailboxes and send grants. */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachEngine } from '../helpers/engines.js';
import { ACTOR, GOOD_PASSWORD, servicesFor } from '../helpers/platform.js';
import { isWardpostError } from '../../src/core/errors.js';
import { modifyRights, parseRights } from '../../src/core/sharing/rights.js';
import type { Services } from '../../src/core/services.js';
import type { Store } from '../../src/store/types.js';

forEachEngine('sharing', (engine) => {
  let store: Store;
  let services: Services;
  const id: Record<string, number> = {};

  before(async () => {
    store = await engine.open();
    services = servicesFor(store).services;
    await services.orgs.create({ slug: 'rxh', name: 'Royal Example Hospital' }, ACTOR);
    await services.orgs.create({ slug: 'gp1', name: 'Example Surgery', kind: 'practice' }, ACTOR);
    for (const [addr, org, name] of [
      ['owner@wardpost.test', 'rxh', 'Olu Owner'],
      ['colleague@wardpost.test', 'gp1', 'Cat Colleague'],
      ['other@wardpost.test', 'rxh', 'Oz Other'],
    ] as const) {
      id[addr] = (await services.accounts.create({ address: addr, orgSlug: org, name, password: GOOD_PASSWORD }, ACTOR)).id;
    }
    id['ward7@wardpost.test'] = (await services.accounts.create({ address: 'ward7@wardpost.test', orgSlug: 'rxh', name: 'Ward 7 Nurses', password: null, kind: 'shared' }, ACTOR)).id;
  });
  after(async () => {
    await store.close();
    await engine.cleanup();
  });

  it('grants a folder to a colleague in another organisation and enforces rights', async () => {
    const rights = await services.sharing.grantFolder({ owner: 'owner@wardpost.test', folder: 'INBOX', grantee: 'colleague@wardpost.test', rights: 'read' }, ACTOR);
    assert.equal(rights, 'lrs');
    const inbox = (await store.mailboxes.byName(id['owner@wardpost.test']!, 'INBOX'))!;
    assert.equal(await services.sharing.rightsOn(id['colleague@wardpost.test']!, inbox), 'lrs');
    assert.equal(await services.sharing.rightsOn(id['other@wardpost.test']!, inbox), '');
    assert.equal(await services.sharing.rightsOn(id['owner@wardpost.test']!, inbox), 'lrswipkxtea');
    const visible = await services.sharing.sharedWith(id['colleague@wardpost.test']!);
    assert.deepEqual(visible.map((v) => `${v.owner.address}/${v.mailbox.name}:${v.rights}`), ['owner@wardpost.test/INBOX:lrs']);
    await services.sharing.grantFolder({ owner: 'owner@wardpost.test', folder: 'INBOX', grantee: 'colleague@wardpost.test', rights: '' }, ACTOR);
    assert.deepEqual(await services.sharing.sharedWith(id['colleague@wardpost.test']!), []);
  });

  it('shares a team mailbox that has no password of its own', async () => {
    await assert.rejects(services.accounts.authenticate('ward7@wardpost.test', GOOD_PASSWORD), (e) => isWardpostError(e, 'unauthenticated'));
    await services.sharing.grantFolder({ owner: 'ward7@wardpost.test', folder: 'INBOX', grantee: 'other@wardpost.test', rights: 'write' }, ACTOR);
    const [shared] = await services.sharing.sharedWith(id['other@wardpost.test']!);
    assert.equal(shared?.owner.kind, 'shared');
    assert.equal(shared?.rights, 'lrswite');
    await assert.rejects(
      services.accounts.create({ address: 'ward8@wardpost.test', orgSlug: 'rxh', name: 'Ward 8', password: GOOD_PASSWORD, kind: 'shared' }, ACTOR),
      (e) => isWardpostError(e, 'invalid_input'),
    );
  });

  it('decides who may send as whom', async () => {
    const sp = services.sharing;
    assert.deepEqual(await sp.senderPermission(id['owner@wardpost.test']!, 'owner@wardpost.test'), { via: 'own', ownerAccountId: id['owner@wardpost.test'] });
    assert.equal(await sp.senderPermission(id['other@wardpost.test']!, 'ward7@wardpost.test'), null);
    await sp.grantSend({ owner: 'ward7@wardpost.test', grantee: 'other@wardpost.test', mode: 'send-on-behalf' }, ACTOR);
    assert.equal((await sp.senderPermission(id['other@wardpost.test']!, 'ward7@wardpost.test'))?.via, 'send-on-behalf');
    await sp.grantSend({ owner: 'ward7@wardpost.test', grantee: 'other@wardpost.test', mode: 'send-as' }, ACTOR);
    assert.equal((await sp.senderPermission(id['other@wardpost.test']!, 'ward7@wardpost.test'))?.via, 'send-as');
    await sp.revokeSend({ owner: 'ward7@wardpost.test', grantee: 'other@wardpost.test', mode: 'send-as' }, ACTOR);
    await sp.revokeSend({ owner: 'ward7@wardpost.test', grantee: 'other@wardpost.test', mode: 'send-on-behalf' }, ACTOR);
    assert.equal(await sp.senderPermission(id['other@wardpost.test']!, 'ward7@wardpost.test'), null);
    assert.equal(await sp.senderPermission(id['other@wardpost.test']!, 'nobody@elsewhere.example'), null);
    const audit = await store.audit.list({});
    assert.ok(audit.some((a) => a.action === 'sharing.send.grant'));
  });

  it('refuses bad grants', async () => {
    await assert.rejects(services.sharing.grantFolder({ owner: 'owner@wardpost.test', folder: 'Nope', grantee: 'other@wardpost.test', rights: 'lr' }, ACTOR), (e) => isWardpostError(e, 'not_found'));
    await assert.rejects(services.sharing.grantFolder({ owner: 'owner@wardpost.test', folder: 'INBOX', grantee: 'other@wardpost.test', rights: 'lrz' }, ACTOR), (e) => isWardpostError(e, 'invalid_input'));
    await assert.rejects(services.sharing.grantFolder({ owner: 'owner@wardpost.test', folder: 'INBOX', grantee: 'ghost@wardpost.test', rights: 'lr' }, ACTOR), (e) => isWardpostError(e, 'not_found'));
    await assert.rejects(services.sharing.grantSend({ owner: 'owner@wardpost.test', grantee: 'owner@wardpost.test', mode: 'send-as' }, ACTOR), (e) => isWardpostError(e, 'invalid_input'));
  });
});

it('parses and modifies RFC 4314 rights', () => {
  assert.equal(parseRights('rl'), 'lr');
  assert.equal(parseRights('c'), 'kx');
  assert.equal(parseRights('d'), 'xte');
  assert.equal(parseRights('full'), 'lrswipkxtea');
  assert.equal(modifyRights('lr', '+sw'), 'lrsw');
  assert.equal(modifyRights('lrsw', '-w'), 'lrs');
  assert.equal(modifyRights('lrsw', 'l'), 'l');
  assert.throws(() => parseRights('q'), /not a folder right/);
});
