/**
 * The transport store and the outbound queue on both engines: queue rows, lease by
 * compare-and-set, DKIM keys (first writer wins), lists; expiry of undeliverable mail with a DSN.
 * The outbound SMTP gateway is a stand-in here (the end-to-end suite uses a real sink server).
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { dkimVerify } from 'mailauth';
import { after, before, it } from 'node:test';
import { forEachEngine } from '../../helpers/engines.js';
import { readAll, rfc822 } from '../../helpers/messages.js';
import { ACTOR, GOOD_PASSWORD, servicesFor } from '../../helpers/platform.js';
import { TransportService } from '../../../src/core/transport/transport-service.js';
import { isWardpostError } from '../../../src/core/errors.js';
import type { MailDns, OutboundRequest, OutboundSmtp } from '../../../src/gateways/types.js';
import type { Services } from '../../../src/core/services.js';
import type { Store } from '../../../src/store/types.js';
import { SMTP_LIMITS } from '../../../src/protocols/smtp/limits.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

forEachEngine('mail transport store and queue', (engine) => {
  let store: Store;
  let services: Services;
  let transport: TransportService;
  const attempts: OutboundRequest[] = [];
  const dns: MailDns = { routes: async (d) => [{ host: `mx.${d}`, port: 25 }], lookup: async () => [] };
  const smtp: OutboundSmtp = {
    async send(req) {
      attempts.push(req);
      await readAll(req.message());
      return { remoteHost: req.route.host, tls: false, outcomes: req.recipients.map((address) => ({ address, status: 'defer' as const, response: '421 4.4.2 busy' })) };
    },
  };

  before(async () => {
    store = await engine.open();
    services = servicesFor(store).services;
    await services.orgs.create({ slug: 'rxh', name: 'Royal Example Hospital', domains: ['rxh.nhs.example'] }, ACTOR);
    await services.accounts.create({ address: 'ann@rxh.nhs.example', orgSlug: 'rxh', name: 'Ann Lee', password: GOOD_PASSWORD }, ACTOR);
    transport = new TransportService({
      store,
      services,
      dns,
      smtp,
      hostname: 'mx.test',
      spoolDir: mkdtempSync(path.join(tmpdir(), 'wp-spool-')),
      limits: { ...SMTP_LIMITS.transport, retryBaseMs: 50, retryMaxMs: 100, expiryMs: 600 },
      hooks: [],
    });
  });
  after(async () => {
    await transport.queue.stop();
    await store.close();
    await engine.cleanup();
  });

  it('queue rows: due, lease by compare-and-set, attempts recorded, retry now', async () => {
    const now = Date.now();
    const [id] = await store.transport.enqueue([{ messageKey: 'k1', blobHash: 'h', size: 1, sender: 'a@x', senderAccountId: null, recipient: 'b@y.org', domain: 'y.org', dkimDomain: null, nextAttemptAt: now, expiresAt: now + 1000 }]);
    const due = await store.transport.due(now, 10);
    assert.equal(due.length, 1);
    assert.equal(due[0]!.id, id);
    assert.equal(await store.transport.claim(id!, now, now + 5000), true);
    assert.equal(await store.transport.claim(id!, now, now + 5000), false, 'a second node cannot take the same row');
    assert.equal((await store.transport.due(now, 10)).length, 0);
    assert.equal(await store.transport.retryNow(id!, now), true);
    await store.transport.recordAttempt(id!, { status: 'sent', attempts: 1, nextAttemptAt: now, lastAttemptAt: now, lastError: null, remoteHost: 'mx', finishedAt: now });
    assert.equal((await store.transport.queueItem(id!))!.status, 'sent');
    assert.equal(await store.transport.retryNow(id!, now), false, 'only queued rows can be retried');
  });

  it('DKIM keys: one per domain, first writer wins, DNS record printable', async () => {
    const [a, b] = await Promise.all([transport.dkim.keyFor('rxh.nhs.example'), transport.dkim.keyFor('rxh.nhs.example')]);
    assert.equal(a.private_key, b.private_key);
    const rec = await transport.dkim.dnsRecord('rxh.nhs.example');
    assert.match(rec.name, /^wp\d{4}\._domainkey\.rxh\.nhs\.example$/);
    assert.match(rec.value, /^v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]{300,}$/);
  });

  it('DKIM signatures verify even when the clock moves on while signing', async () => {
    await transport.dkim.keyFor('rxh.nhs.example');
    const rec = await transport.dkim.dnsRecord('rxh.nhs.example');
    const message = rfc822({ from: 'ann@rxh.nhs.example', to: 'friend@elsewhere.example', subject: 'clock' });
    // Every read of the clock moves it 600 ms on, so a signer that reads it twice writes one t= in
    // the header it hashes and another in the header it returns (about 1 in 1,000 real signatures).
    const realNow = Date.now;
    let fake = realNow();
    Date.now = () => (fake += 600);
    let header: string;
    try {
      header = await transport.dkim.sign('rxh.nhs.example', Readable.from([message]));
    } finally {
      Date.now = realNow;
    }
    const res = await dkimVerify(Buffer.concat([Buffer.from(header), message]), {
      resolver: async (name: string, type: string) => {
        if (type === 'TXT' && name === rec.name) return [[rec.value]];
        throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
      },
    });
    assert.equal(res.results[0]?.status.result, 'pass', JSON.stringify(res.results[0]?.status));
  });

  it('distribution lists expand to members; unknown local addresses are refused', async () => {
    await transport.lists.create({ address: 'team@rxh.nhs.example', orgSlug: 'rxh', name: 'Team' }, ACTOR);
    await transport.lists.addMember('team@rxh.nhs.example', 'ann@rxh.nhs.example', ACTOR);
    await transport.lists.addMember('team@rxh.nhs.example', 'partner@elsewhere.org', ACTOR);
    // Local recipients carry the account row classification read (for the RCPT-time room check).
    const classified = (await transport.recipients.classify('team@rxh.nhs.example')).map((r) => (r.kind === 'local' ? (assert.equal(r.account?.address, r.address), { kind: r.kind, address: r.address }) : r));
    assert.deepEqual(classified, [
      { kind: 'local', address: 'ann@rxh.nhs.example' },
      { kind: 'foreign', address: 'partner@elsewhere.org', domain: 'elsewhere.org' },
    ]);
    await assert.rejects(transport.recipients.classify('nobody@rxh.nhs.example'), /no mailbox here/);
    await assert.rejects(transport.lists.create({ address: 'ann@rxh.nhs.example', orgSlug: 'rxh', name: 'x' }, ACTOR), /already in use/);
  });

  it('per-account message rate: once used up, MAIL FROM is refused with rate_limited', async () => {
    const limited = new TransportService({
      store,
      services,
      dns,
      smtp,
      hostname: 'mx.test',
      spoolDir: mkdtempSync(path.join(tmpdir(), 'wp-spool-')),
      limits: { ...SMTP_LIMITS.transport, messagesPerAccount: { max: 1, windowMs: 60_000 } },
      hooks: [],
    });
    const account = await services.accounts.show('ann@rxh.nhs.example');
    const session = { id: 'rate-1', kind: 'submission' as const, remoteAddress: '10.0.0.1', clientHostname: '', helo: 'client', secure: true, account };
    await limited.checkSender(session, 'ann@rxh.nhs.example');
    await assert.rejects(limited.checkSender(session, 'someone.else@rxh.nhs.example'), (e: unknown) => isWardpostError(e, 'forbidden'));
    const ok = await limited.receive(session, { mailFrom: 'ann@rxh.nhs.example', rcptTo: ['ann@rxh.nhs.example'] }, Readable.from([rfc822({ from: 'ann@rxh.nhs.example', to: 'ann@rxh.nhs.example', subject: 'to myself' })]));
    assert.equal(ok.delivered, 1);
    await assert.rejects(limited.checkSender(session, 'ann@rxh.nhs.example'), (e: unknown) => isWardpostError(e, 'rate_limited') && /try again in \d+ seconds/.test(e.message));
  });

  it('retries with backoff, then expires with a DSN to the local sender', async () => {
    const sender = await store.accounts.resolve('ann@rxh.nhs.example');
    await transport.queue.enqueue({
      source: () => Readable.from([rfc822({ from: 'ann@rxh.nhs.example', to: 'far@away.org', subject: 'never arrives' })]),
      sender: 'ann@rxh.nhs.example',
      senderAccountId: sender!.id,
      recipients: [{ address: 'far@away.org', domain: 'away.org' }],
      dkimDomain: 'rxh.nhs.example',
    });
    transport.queue.start(50);
    const deadline = Date.now() + 10_000;
    let item;
    while (Date.now() < deadline) {
      item = (await transport.queue.list()).find((i) => i.recipient === 'far@away.org');
      if (item?.status === 'expired') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(item?.status, 'expired');
    assert.ok(item!.attempts >= 2, `attempts ${item!.attempts}`);
    assert.ok(attempts.some((a) => a.route.host === 'mx.away.org'));
    const first = await readAll(attempts.find((a) => a.route.host === 'mx.away.org')!.message());
    assert.match(first.toString(), /^DKIM-Signature: .*d=rxh\.nhs\.example/);
    const inbox = (await store.mailboxes.byName(sender!.id, 'INBOX'))!;
    const msgs = await store.messages.list(inbox.id);
    const dsn = (await readAll(store.blobs.get(msgs[msgs.length - 1]!.blob_hash))).toString();
    assert.match(dsn, /Subject: Undelivered mail returned to sender: never arrives/);
    assert.match(dsn, /Action: failed\r\nStatus: 5\.4\.2/);
  });
});
