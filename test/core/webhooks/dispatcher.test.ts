/**
 * The webhook dispatcher over a real store of each engine and a real HTTP receiver on loopback:
 * backoff doubles, a delivery gives up after the last attempt, two dispatchers (two cluster nodes)
 * never post the same delivery twice, and deliveries left pending by a stopped node are sent by
 * the next one to start.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, it } from 'node:test';
import { InProcessEventBus } from '../../../src/core/events/bus.js';
import { createServices } from '../../../src/core/services.js';
import { backoffMs, WebhookDispatcher } from '../../../src/core/webhooks/dispatcher.js';
import { GuardedWebhookPoster, webhookTargetCheck } from '../../../src/gateways/http/webhook-poster.js';
import { WebhookTargetPolicy } from '../../../src/core/webhooks/target-policy.js';

// The receiver is on loopback, which only an operator's allow-list lets webhooks reach.
const loopbackAllowed = new WebhookTargetPolicy(['127.0.0.1']);
import type { Store } from '../../../src/store/types.js';
import { forEachEngine } from '../../helpers/engines.js';
import { ACTOR, GOOD_PASSWORD, NATIONAL } from '../../helpers/platform.js';

it('waits base, 2 x base, 4 x base ... capped at an hour', () => {
  assert.deepEqual([1, 2, 3, 4].map((n) => backoffMs(n, 100)), [100, 200, 400, 800]);
  assert.equal(backoffMs(30, 1000), 3_600_000);
});

forEachEngine('webhook dispatcher', (engine) => {
  let store: Store;
  let status = 500;
  const posts: { id: string; at: number }[] = [];
  const rx = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      posts.push({ id: String(req.headers['wardpost-delivery']), at: Date.now() });
      res.writeHead(status).end();
    });
  });
  let url = '';
  before(async () => {
    store = await engine.open();
    await new Promise<void>((r) => rx.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(rx.address() as { port: number }).port}/hook`;
  });
  after(async () => {
    await store.close();
    await engine.cleanup();
    await new Promise((r) => rx.close(r));
  });

  it('retries with doubling waits, gives up after the last attempt, and one delivery is posted once by two nodes', async () => {
    const bus = new InProcessEventBus();
    const services = createServices(store, bus, { nationalDomain: NATIONAL });
    const org = await services.orgs.create({ slug: 'hooks', name: 'Hooks Trust', kind: 'trust' }, ACTOR);
    const { webhook } = await services.webhooks.register({ orgId: org.id, url, events: ['account.created'] }, ACTOR);
    const node = () => new WebhookDispatcher({ store, bus, orgs: services.orgs, poster: new GuardedWebhookPoster(loopbackAllowed), limits: { retryBaseMs: 150, maxAttempts: 3, timeoutMs: 2000 } });
    // Two nodes drain the same queue; one of them enqueues the event.
    const a = node();
    const b = node();
    a.start();
    b.start({ enqueue: false });
    await services.accounts.create({ address: `hooked@${NATIONAL}`, orgSlug: 'hooks', name: 'Hana Hook', password: GOOD_PASSWORD }, ACTOR);
    const deadline = Date.now() + 10_000;
    let d;
    while (Date.now() < deadline) {
      d = (await store.webhooks.deliveries(webhook.id, 10))[0];
      if (d?.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await a.stop();
    await b.stop();
    assert.equal(d?.status, 'failed');
    assert.equal(Number(d?.attempts), 3);
    assert.equal(d?.last_status, 500);
    assert.equal(posts.length, 3, 'each attempt posted once, though two nodes were draining');
    const gaps = [posts[1]!.at - posts[0]!.at, posts[2]!.at - posts[1]!.at];
    assert.ok(gaps[0]! >= 140 && gaps[1]! >= 290, `waits double: ${gaps.join(', ')} ms`);
  });

  it('sends at start what a stopped node left pending', async () => {
    const bus = new InProcessEventBus();
    const services = createServices(store, bus, { nationalDomain: NATIONAL });
    const org = await services.orgs.get('hooks');
    await services.webhooks.register({ orgId: org.id, url, events: ['account.suspended'] }, ACTOR);
    posts.length = 0;
    status = 204;
    const first = new WebhookDispatcher({ store, bus, orgs: services.orgs, poster: { post: () => Promise.reject(new Error('node going down')) }, limits: { retryBaseMs: 100 } });
    first.start();
    await services.accounts.setStatus(`hooked@${NATIONAL}`, 'suspended', ACTOR);
    await first.idle();
    await first.stop();
    assert.equal(posts.length, 0);
    const second = new WebhookDispatcher({ store, bus: new InProcessEventBus(), orgs: services.orgs, poster: new GuardedWebhookPoster(loopbackAllowed), limits: { retryBaseMs: 100 } });
    second.start();
    const deadline = Date.now() + 5000;
    while (!posts.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await second.stop();
    assert.equal(posts.length, 1);
  });

  it('posts to public addresses only, unless allowed, checked at registration and again at delivery', async () => {
    const strict = new WebhookTargetPolicy();
    for (const a of ['127.0.0.1', '10.1.2.3', '172.20.0.5', '192.168.1.1', '169.254.169.254', '100.64.0.1', '::1', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1', '0.0.0.0']) {
      assert.match(strict.refusal('receiver.example', a) ?? 'allowed', /private, loopback or reserved/, a);
    }
    for (const a of ['81.2.69.160', '2a00:1450:4009:81f::200e']) assert.equal(strict.refusal('receiver.example', a), null, a);
    const lan = new WebhookTargetPolicy(['10.20.0.0/16', 'tie.trust.example']);
    assert.equal(lan.refusal('engine.lan', '10.20.4.5'), null);
    assert.match(lan.refusal('engine.lan', '10.21.4.5') ?? '', /private/);
    assert.equal(lan.refusal('tie.trust.example', '192.168.0.9'), null);

    // Delivery: the poster refuses before connecting (the receiver sees nothing).
    const before = posts.length;
    await assert.rejects(new GuardedWebhookPoster(strict).post(url, '{}', {}, 2000), /127\.0\.0\.1, a private, loopback or reserved address/);
    await assert.rejects(new GuardedWebhookPoster(strict).post(url.replace('127.0.0.1', 'localhost'), '{}', {}, 2000), /localhost is at .*(127\.0\.0\.1|::1)/);
    assert.equal(posts.length, before);

    // Registration: refused with the field named, nothing stored.
    const services = createServices(store, new InProcessEventBus(), { nationalDomain: NATIONAL });
    services.webhooks.useTargetCheck(webhookTargetCheck(strict));
    const org = await services.orgs.get('hooks');
    const count = (await store.webhooks.list([org.id])).length;
    await assert.rejects(services.webhooks.register({ orgId: org.id, url: 'http://169.254.169.254/latest/meta-data/', events: ['account.created'] }, ACTOR), (e: Error & { detail?: { field?: string } }) => /private, loopback or reserved/.test(e.message) && e.detail?.field === 'url');
    assert.equal((await store.webhooks.list([org.id])).length, count);
  });
});
