import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachEngine } from '../helpers/engines.js';
import { ACTOR, GOOD_PASSWORD, servicesFor } from '../helpers/platform.js';
import type { Services } from '../../src/core/services.js';
import type { Store } from '../../src/store/types.js';
import { isWardpostError, type ErrorCode } from '../../src/core/errors.js';
import { checkPasswordPolicy } from '../../src/core/accounts/password.js';
import { parseSize } from '../../src/core/accounts/quota.js';

const code = (c: ErrorCode) => (e: unknown) => isWardpostError(e, c);

forEachEngine('organisations and accounts', (engine) => {
  let store: Store;
  let services: Services;

  before(async () => {
    store = await engine.open();
    services = servicesFor(store).services;
    await services.orgs.create({ slug: 'north', name: 'North Region', kind: 'region' }, ACTOR);
    await services.orgs.create({ slug: 'rxh', name: 'Royal Example Hospital', parent: 'north', kind: 'trust', domains: ['rxh.nhs.example'] }, ACTOR);
  });
  after(async () => {
    await store.close();
    await engine.cleanup();
  });

  it('builds the organisation tree', async () => {
    const rxh = await services.orgs.get('rxh');
    assert.equal(rxh.parentSlug, 'north');
    assert.deepEqual(rxh.domains, ['rxh.nhs.example']);
    await services.orgs.create({ slug: 'rxh-ward-7', name: 'Ward 7', parent: 'rxh', kind: 'department' }, ACTOR);
    const north = await services.orgs.get('north');
    const subtree = await services.orgs.subtreeIds(north.id);
    assert.equal(subtree.length, 3);
  });

  it('refuses bad organisations and changes nothing', async () => {
    const before = (await services.orgs.list()).length;
    await assert.rejects(services.orgs.create({ slug: 'Bad Slug', name: 'x' }, ACTOR), code('invalid_input'));
    await assert.rejects(services.orgs.create({ slug: 'rxh', name: 'again' }, ACTOR), code('conflict'));
    await assert.rejects(services.orgs.create({ slug: 'orphan', name: 'x', parent: 'nope' }, ACTOR), code('not_found'));
    await assert.rejects(services.orgs.create({ slug: 'dup-dom', name: 'x', domains: ['rxh.nhs.example'] }, ACTOR), code('conflict'));
    await assert.rejects(services.orgs.create({ slug: 'nat-dom', name: 'x', domains: ['wardpost.test'] }, ACTOR), code('invalid_input'));
    await assert.rejects(services.orgs.create({ slug: 'bad-dom', name: 'x', domains: ['not a domain'] }, ACTOR), code('invalid_input'));
    assert.equal((await services.orgs.list()).length, before);
  });

  it('creates an account with default folders, audit entry and a national alias for an org domain', async () => {
    const a = await services.accounts.create(
      { address: 'Jane.Smith@rxh.nhs.example', orgSlug: 'rxh', name: 'Jane Smith', password: GOOD_PASSWORD, mobile: '+44 7700 900123', quota: '1G', jobTitle: 'Consultant' },
      ACTOR,
    );
    assert.equal(a.address, 'jane.smith@rxh.nhs.example');
    assert.deepEqual(a.aliases, ['jane.smith@wardpost.test']);
    assert.equal(a.mobile, '+447700900123');
    assert.equal(a.quotaBytes, 1024 ** 3);
    const boxes = await store.mailboxes.list(a.id);
    assert.deepEqual(boxes.map((b) => b.name).sort(), ['Archive', 'Drafts', 'INBOX', 'Junk', 'Sent', 'Trash']);
    assert.equal(boxes.find((b) => b.name === 'Sent')?.special_use, '\\Sent');
    const audit = await store.audit.list({ orgId: a.org.id });
    assert.ok(audit.some((r) => r.action === 'account.create' && r.target === 'jane.smith@rxh.nhs.example'));
    assert.equal((await services.accounts.authenticate('jane.smith@wardpost.test', GOOD_PASSWORD)).id, a.id);
  });

  it('refuses every bad account input and writes nothing', async () => {
    const count = async () => (await services.accounts.list()).length;
    const n = await count();
    const base = { orgSlug: 'rxh', name: 'Sam Jones', password: GOOD_PASSWORD };
    await assert.rejects(services.accounts.create({ ...base, address: 'not-an-address' }, ACTOR), code('invalid_input'));
    await assert.rejects(services.accounts.create({ ...base, address: 'sam@wardpost.test', orgSlug: 'nope' }, ACTOR), code('not_found'));
    await assert.rejects(services.accounts.create({ ...base, address: 'jane.smith@wardpost.test' }, ACTOR), code('conflict'));
    await assert.rejects(services.accounts.create({ ...base, address: 'sam@wardpost.test', password: 'short' }, ACTOR), code('weak_password'));
    await assert.rejects(services.accounts.create({ ...base, address: 'sam@other.example' }, ACTOR), code('invalid_input'));
    await assert.rejects(services.accounts.create({ ...base, address: 'sam@wardpost.test', role: 'god' }, ACTOR), code('invalid_input'));
    await assert.rejects(services.accounts.create({ ...base, address: 'sam@wardpost.test', mobile: '12345' }, ACTOR), code('invalid_input'));
    await assert.rejects(services.accounts.create({ ...base, address: 'sam@wardpost.test', name: 'Sam' }, ACTOR), code('invalid_input'));
    await assert.rejects(services.accounts.create({ ...base, address: 'sam@wardpost.test', quota: 'lots' }, ACTOR), code('invalid_input'));
    assert.equal(await count(), n);
    assert.equal(await store.accounts.resolve('sam@wardpost.test'), undefined);
  });

  it('signs in, refuses wrong passwords and suspended accounts', async () => {
    await services.accounts.create({ address: 'li.wei@wardpost.test', orgSlug: 'rxh', name: 'Li Wei', password: GOOD_PASSWORD }, ACTOR);
    await assert.rejects(services.accounts.authenticate('li.wei@wardpost.test', 'Wrong-Password-123'), code('unauthenticated'));
    await assert.rejects(services.accounts.authenticate('nobody@wardpost.test', GOOD_PASSWORD), code('unauthenticated'));
    await services.accounts.setStatus('li.wei@wardpost.test', 'suspended', ACTOR);
    await assert.rejects(services.accounts.authenticate('li.wei@wardpost.test', GOOD_PASSWORD), code('account_suspended'));
    await services.accounts.setStatus('li.wei@wardpost.test', 'active', ACTOR);
    await services.accounts.setPassword('li.wei@wardpost.test', 'Another-Good-Phrase-77', ACTOR);
    assert.ok(await services.accounts.authenticate('li.wei@wardpost.test', 'Another-Good-Phrase-77'));
    await assert.rejects(services.accounts.setPassword('li.wei@wardpost.test', 'weak', ACTOR), code('weak_password'));
  });
});

it('password policy explains what is wrong', () => {
  assert.throws(() => checkPasswordPolicy('short'), /at least 12/);
  assert.throws(() => checkPasswordPolicy('aaaaaaaaaaaaaaaa'), /too few different/);
  assert.throws(() => checkPasswordPolicy('alllowercase1'), /mix upper case/);
  assert.throws(() => checkPasswordPolicy('Smith-Surgery-2026', { names: ['Smith'] }), /name or address/);
  assert.doesNotThrow(() => checkPasswordPolicy('correct horse battery staple'));
});

it('parses quota sizes', () => {
  assert.equal(parseSize('2G'), 2 * 1024 ** 3);
  assert.equal(parseSize('500 MB'), 500 * 1024 ** 2);
  assert.equal(parseSize('0'), 0);
  assert.throws(() => parseSize('2 potatoes'), /not a size/);
});
