/**
 * The administration resources over real HTTP, on both store engines: bulk CSV import (good rows
 * in, bad rows reported with reasons, nothing half-made), aliases, delegation and shared-mailbox
 * members as the grants IMAP and SMTP read, distribution lists as SMTP expands them, deletion
 * with a retention period then purge by the sweeper, webhooks delivered signed to a real HTTP
 * receiver on loopback with retries, and the dashboard's figures.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, it } from 'node:test';
import { SYSTEM_ACTOR } from '../../../src/core/actor.js';
import { verifySignature } from '../../../src/core/webhooks/signature.js';
import { forEachEngine } from '../../helpers/engines.js';
import { chunked, rfc822 } from '../../helpers/messages.js';
import { RawSmtp } from '../smtp/helpers.js';
import { D, PW, startAdminFixture, type AdminFixture } from './admin-fixture.js';

interface Received {
  at: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A webhook receiver on loopback that answers 500 to the first `failFirst` posts of each delivery. */
async function receiver(failFirst: number): Promise<{ url: string; got: Received[]; firstSeen: Map<string, number>; close: () => Promise<void> }> {
  const got: Received[] = [];
  const seen = new Map<string, number>();
  const firstSeen = new Map<string, number>();
  const srv: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const id = String(req.headers['wardpost-delivery']);
      seen.set(id, (seen.get(id) ?? 0) + 1);
      if (!firstSeen.has(id)) firstSeen.set(id, Date.now());
      if (seen.get(id)! <= failFirst) return void res.writeHead(500).end('not now');
      got.push({ at: Date.now(), body, headers: req.headers });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(srv.address() as { port: number }).port}/hooks/wardpost`, got, firstSeen, close: () => new Promise((r) => srv.close(() => r())) };
}

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const ndjson = async (res: Response) => (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

forEachEngine('administration resources', (engine) => {
  let f: AdminFixture;
  before(async () => {
    f = await startAdminFixture(engine, { WARDPOST_WEBHOOK_RETRY_MS: '200' });
  });
  after(() => f?.stop());
  const s = () => f.S['admin.a']!;
  const importCsv = (csv: string, session = s(), contentType = 'text/csv') => f.api.raw('POST', '/api/v1/accounts/import', { session, rawBody: csv, contentType });

  it('imports a CSV: good rows created with one-time passwords, bad rows reported with line and reason', async () => {
    const csv = [
      'Address,Name,Org,Role,Quota,Job Title',
      `csv.one@${D},Carla One,site-a1,user,1G,Staff nurse`,
      `csv.two@${D},Colin Two,trust-a,,,`,
      `not-an-address,Bad Row,trust-a,,,`,
      `csv.three@${D},Single,trust-a,,,`,
      `csv.one@${D},Carla Again,site-a1,,,`,
      `csv.four@${D},Cara Four,trust-a,emperor,,`,
      `csv.five@${D},Cato Five,trust-a,,lots,`,
      `csv.six@trust-a.example,Cleo Six,trust-a,,,`,
    ].join('\r\n');
    const res = await importCsv(csv);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /ndjson/);
    const lines = await ndjson(res);
    const rows = lines.filter((l) => l.type === 'row');
    assert.deepEqual(rows.map((r) => [r.line, r.ok]), [[2, true], [3, true], [4, false], [5, false], [6, false], [7, false], [8, false], [9, true]]);
    assert.match(String(rows[2]!.error), /address/);
    assert.match(String(rows[3]!.error), /given and a family name/);
    assert.match(String(rows[4]!.error), /already in use/);
    assert.match(String(rows[5]!.error), /role/);
    assert.match(String(rows[6]!.error), /not a size/);
    assert.deepEqual(lines.at(-1), { type: 'summary', rows: 8, created: 3, failed: 5 });
    const one = await f.api.call('GET', `/api/v1/accounts/csv.one@${D}`, { session: s() });
    assert.equal(one.status, 200);
    assert.equal(one.body.quotaBytes, 1024 ** 3);
    assert.equal(one.body.jobTitle, 'Staff nurse');
    assert.equal(one.body.mustChangePassword, true);
    const six = await f.api.call('GET', `/api/v1/accounts/csv.six@trust-a.example`, { session: s() });
    assert.deepEqual(six.body.aliases, [`csv.six@${D}`]);
    // The one-time password of a row signs in, and must be changed.
    const otp = String(rows[0]!.oneTimePassword);
    const me = await f.api.call('GET', '/api/v1/auth/me', { headers: { authorization: `Basic ${Buffer.from(`csv.one@${D}:${otp}`).toString('base64')}` } });
    assert.equal((me.body.account as { mustChangePassword: boolean }).mustChangePassword, true);
    // Nothing of the refused rows exists (no half-made account, no stray directory entry).
    for (const a of [`csv.three@${D}`, `csv.four@${D}`, `csv.five@${D}`]) assert.equal((await f.api.call('GET', `/api/v1/accounts/${a}`, { session: f.S.nat! })).status, 404, a);
  });

  it('refuses a CSV with a wrong header row or the wrong content type with a 400 naming the field', async () => {
    const bad = await importCsv(`email,fullname\nx@${D},X Y\n`);
    assert.equal(bad.status, 400);
    const body = (await bad.json()) as { field: string; message: string };
    assert.equal(body.field, 'header');
    assert.match(body.message, /address, org, name/);
    const json = await f.api.call('POST', '/api/v1/accounts/import', { session: s(), body: { rows: [] } });
    assert.equal(json.status, 400);
    assert.equal(json.body.field, 'content-type');
    const empty = await ndjson(await importCsv('address,name,org\n'));
    assert.deepEqual(empty, [{ type: 'summary', rows: 0, created: 0, failed: 0 }]);
  });

  it('manages aliases within the national and organisation domains', async () => {
    const add = await f.api.call('POST', `/api/v1/accounts/user.a@${D}/aliases`, { session: s(), body: { alias: 'ula@trust-a.example' } });
    assert.equal(add.status, 200, JSON.stringify(add.body));
    assert.ok((add.body.aliases as string[]).includes('ula@trust-a.example'));
    assert.equal((await f.server.platform.store.accounts.resolve('ula@trust-a.example'))?.address, `user.a@${D}`, 'mail to the alias reaches the account');
    const foreign = await f.api.call('POST', `/api/v1/accounts/user.a@${D}/aliases`, { session: s(), body: { alias: 'ula@elsewhere.example' } });
    assert.equal(foreign.status, 400);
    assert.equal(foreign.body.field, 'alias');
    assert.equal((await f.api.call('POST', `/api/v1/accounts/user.a@${D}/aliases`, { session: s(), body: { alias: `list.a@${D}` } })).status, 409, 'a list holds it');
    assert.equal((await f.api.call('DELETE', `/api/v1/accounts/user.a@${D}/aliases/ula@trust-a.example`, { session: s() })).status, 200);
    assert.equal(await f.server.platform.store.accounts.resolve('ula@trust-a.example'), undefined);
    assert.equal((await f.api.call('DELETE', `/api/v1/accounts/user.a@${D}/aliases/ula@trust-a.example`, { session: s() })).status, 404);
  });

  it('sets delegation as the grants IMAP ACL and SMTP sender checks read', async () => {
    const { store, services } = f.server.platform;
    const owner = (await store.accounts.resolve(`user.a@${D}`))!;
    const grantee = (await store.accounts.resolve(`user.a2@${D}`))!;
    const put = await f.api.call('PUT', `/api/v1/accounts/user.a@${D}/delegates/user.a2@${D}`, { session: s(), body: { mailbox: 'read', calendar: 'write', sendOnBehalf: true } });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.mailbox, 'lrs');
    const inbox = (await store.mailboxes.byName(owner.id, 'INBOX'))!;
    assert.equal(await services.sharing.rightsOn(grantee.id, inbox), 'lrs', 'IMAP MYRIGHTS of the delegate');
    const sent = (await store.mailboxes.byName(owner.id, 'Sent'))!;
    assert.equal(await services.sharing.rightsOn(grantee.id, sent), 'lrs', 'every folder, not only INBOX');
    assert.deepEqual(await services.sharing.senderPermission(grantee.id, `user.a@${D}`), { via: 'send-on-behalf', ownerAccountId: owner.id });
    const calendar = (await store.calendar.list(owner.id)).find((c) => c.kind === 'calendar')!;
    assert.equal(await store.calendar.aclFor(calendar.id, grantee.id), 'lrswite', 'CalDAV sees the same grant');
    assert.equal(put.body.calendar, 'lrswite');
    // A grant made through IMAP SETACL (the sharing service) shows up in the same list.
    await services.sharing.grantFolder({ owner: `user.a@${D}`, folder: 'Drafts', grantee: `user.a2@${D}`, rights: 'lrswi' }, SYSTEM_ACTOR);
    const list = await f.api.call('GET', `/api/v1/accounts/user.a@${D}/delegates`, { session: s() });
    const d = (list.body.items as { grantee: { address: string }; folders: { name: string; rights: string }[]; sendOnBehalf: boolean }[])[0]!;
    assert.equal(d.grantee.address, `user.a2@${D}`);
    assert.deepEqual(d.folders.find((x) => x.name === 'Drafts'), { name: 'Drafts', rights: 'lrswi' });
    const bad = await f.api.call('PUT', `/api/v1/accounts/user.a@${D}/delegates/user.a2@${D}`, { session: s(), body: { mailbox: 'lrz' } });
    assert.equal(bad.status, 400);
    assert.equal((await f.api.call('PUT', `/api/v1/accounts/user.a@${D}/delegates/user.a@${D}`, { session: s(), body: { sendAs: true } })).status, 400);
    assert.equal((await f.api.call('DELETE', `/api/v1/accounts/user.a@${D}/delegates/user.a2@${D}`, { session: s() })).status, 200);
    assert.equal(await services.sharing.rightsOn(grantee.id, inbox), '');
    assert.equal(await services.sharing.senderPermission(grantee.id, `user.a@${D}`), null);
    assert.equal(await store.calendar.aclFor(calendar.id, grantee.id), undefined);
  });

  it('creates shared mailboxes and gives members rights and send-as', async () => {
    const made = await f.api.call('POST', '/api/v1/shared-mailboxes', { session: s(), body: { address: `ward7@${D}`, org: 'site-a1', name: 'Ward 7 Nurses' } });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    assert.equal((made.body.account as { kind: string }).kind, 'shared');
    const m = await f.api.call('PUT', `/api/v1/shared-mailboxes/ward7@${D}/members/user.a@${D}`, { session: s(), body: { mailbox: 'write', sendAs: true } });
    assert.equal(m.status, 200, JSON.stringify(m.body));
    const { store, services } = f.server.platform;
    const member = (await store.accounts.resolve(`user.a@${D}`))!;
    const shared = await services.sharing.sharedWith(member.id);
    assert.ok(shared.some((x) => x.owner.address === `ward7@${D}` && x.mailbox.name === 'INBOX' && x.rights === 'lrswite'));
    assert.equal((await services.sharing.senderPermission(member.id, `ward7@${D}`))?.via, 'send-as');
    const members = await f.api.call('GET', `/api/v1/shared-mailboxes/ward7@${D}/members`, { session: s() });
    assert.deepEqual((members.body.items as { grantee: { address: string } }[]).map((x) => x.grantee.address), [`user.a@${D}`]);
    assert.equal((await f.api.call('GET', `/api/v1/shared-mailboxes/user.a@${D}/members`, { session: s() })).status, 404, 'a person is not a shared mailbox');
  });

  it('makes a shared account a bookable room that accepts a free slot and declines a clash', async () => {
    const made = await f.api.call('POST', '/api/v1/shared-mailboxes', { session: s(), body: { address: `room3@${D}`, org: 'site-a1', name: 'Meeting Room 3' } });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    const set = await f.api.call('PUT', `/api/v1/calendar/resources/room3@${D}/booking`, { session: s(), body: { booking: 'auto' } });
    assert.deepEqual([set.status, set.body.booking], [200, 'auto']);
    assert.equal((await f.api.call('PUT', `/api/v1/calendar/resources/room3@${D}/booking`, { session: s(), body: { booking: 'sometimes' } })).body.field, 'booking');
    const { services, store } = f.server.platform;
    const organiser = await services.accounts.show(`user.a@${D}`);
    const ref = await services.calendar.service.open(organiser, `user.a@${D}`, 'default', 'write');
    const invite = (uid: string, start: string) =>
      ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20261101T090000Z', `DTSTART:${start}`, 'DURATION:PT1H', 'SUMMARY:Ward round review', `ORGANIZER:mailto:user.a@${D}`, `ATTENDEE;PARTSTAT=ACCEPTED:mailto:user.a@${D}`, `ATTENDEE;CUTYPE=ROOM;RSVP=TRUE:mailto:room3@${D}`, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
    await services.calendar.service.put(organiser, ref, 'first.ics', invite('room-first', '20261201T100000Z'));
    await services.calendar.service.put(organiser, ref, 'clash.ics', invite('room-clash', '20261201T103000Z'));
    const partstat = async (name: string) => /ATTENDEE[^\r\n]*PARTSTAT=(\w+)[^\r\n]*room3@/.exec((await services.calendar.service.getObject(ref, name)).data.replace(/\r\n /g, ''))?.[1];
    assert.equal(await partstat('first.ics'), 'ACCEPTED');
    assert.equal(await partstat('clash.ics'), 'DECLINED');
    const log = await store.audit.list({ action: 'calendar.booking' });
    assert.ok(log.some((e) => e.target === `room3@${D}/default`));
  });

  it('manages distribution lists that SMTP delivery expands', async () => {
    const made = await f.api.call('POST', '/api/v1/lists', { session: s(), body: { address: `theatre@${D}`, org: 'trust-a', name: 'Theatre staff', members: [`user.a@${D}`, 'locum@example.org'] } });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    const expand = async () => (await f.server.platform.transport.recipients.classify(`theatre@${D}`)).map((r) => r.address).sort();
    assert.deepEqual(await expand(), ['locum@example.org', `user.a@${D}`]);
    assert.equal((await f.api.call('PUT', `/api/v1/lists/theatre@${D}/members/user.a2@${D}`, { session: s() })).status, 200);
    assert.equal((await f.api.call('DELETE', `/api/v1/lists/theatre@${D}/members/locum@example.org`, { session: s() })).status, 200);
    assert.deepEqual(await expand(), [`user.a2@${D}`, `user.a@${D}`]);
    assert.equal((await f.api.call('DELETE', `/api/v1/lists/theatre@${D}/members/locum@example.org`, { session: s() })).status, 404);
    assert.equal((await f.api.call('POST', '/api/v1/lists', { session: s(), body: { address: 'x@elsewhere.example', org: 'trust-a', name: 'X' } })).status, 400);
    assert.equal((await f.api.call('DELETE', `/api/v1/lists/theatre@${D}`, { session: s() })).status, 200);
    await assert.rejects(f.server.platform.transport.recipients.classify(`theatre@${D}`), /no mailbox/);
  });

  it('deletes with a retention period: sign-in stops, mail stays, restore works; then the sweeper purges', async () => {
    const { store, services } = f.server.platform;
    await services.accounts.create({ address: `leaver@${D}`, orgSlug: 'trust-a', name: 'Lee Leaver', password: PW }, SYSTEM_ACTOR);
    await services.delivery.deliver({ source: chunked(rfc822({ to: `leaver@${D}`, bytes: 5000 })), recipients: [`leaver@${D}`] });
    const acct = (await store.accounts.resolve(`leaver@${D}`))!;
    const del = await f.api.call('DELETE', `/api/v1/accounts/leaver@${D}?retentionDays=30`, { session: s() });
    assert.equal(del.status, 200, JSON.stringify(del.body));
    assert.equal(del.body.status, 'deleted');
    const purgeAfter = Date.parse(String(del.body.purgeAfter));
    assert.ok(Math.abs(purgeAfter - (Date.now() + 30 * 86_400_000)) < 60_000);
    assert.equal((await f.api.call('POST', '/api/v1/auth/login', { body: { address: `leaver@${D}`, password: PW } })).status, 401);
    assert.equal((await f.api.call('POST', `/api/v1/accounts/leaver@${D}/suspend`, { session: s() })).status, 409);
    assert.equal((await f.api.call('DELETE', `/api/v1/accounts/leaver@${D}?retentionDays=-1`, { session: s() })).status, 400);
    assert.deepEqual(await services.deletion.purgeDue(), [], 'within retention nothing is purged');
    const inbox = (await store.mailboxes.byName(acct.id, 'INBOX'))!;
    assert.equal(await store.messages.count(inbox.id), 1, 'mail is kept while deleted');
    // New mail is refused while deleted: at RCPT over SMTP (550 5.1.1), and by the one delivery function.
    const smtp = await RawSmtp.connect(Number(/:(\d+) \(MX\)/.exec(f.server.urls.smtp!)![1]));
    await smtp.reply();
    await smtp.command('EHLO client.example.org');
    assert.match(await smtp.command('MAIL FROM:<someone@example.org>'), /^250/);
    assert.match(await smtp.command(`RCPT TO:<leaver@${D}>`), /^550 5\.1\.1 /);
    await smtp.command('QUIT');
    smtp.close();
    await assert.rejects(services.delivery.deliver({ source: chunked(rfc822({ to: `leaver@${D}` })), recipients: [`leaver@${D}`] }), /no longer receives mail/);
    assert.equal(await store.messages.count(inbox.id), 1, 'nothing new was written');
    const back = await f.api.call('POST', `/api/v1/accounts/leaver@${D}/restore`, { session: s() });
    assert.equal(back.body.status, 'active');
    assert.equal((await f.api.call('POST', '/api/v1/auth/login', { body: { address: `leaver@${D}`, password: PW } })).status, 200);
    assert.equal((await f.server.platform.transport.recipients.classify(`leaver@${D}`))[0]?.kind, 'local', 'restored: mail is accepted again');

    await f.api.call('DELETE', `/api/v1/accounts/leaver@${D}?retentionDays=1`, { session: s() });
    const blob = (await store.messages.list(inbox.id))[0]!.blob_hash;
    const refsBefore = (await store.blobRefs.refcount(blob))!;
    assert.deepEqual(await services.deletion.purgeDue(Date.now() + 2 * 86_400_000), [`leaver@${D}`]);
    assert.equal(await store.mailboxes.byName(acct.id, 'INBOX'), undefined, 'folders and mail are gone');
    assert.equal(await store.blobRefs.refcount(blob), refsBefore - 1, 'the body reference is released for the blob sweeper');
    assert.equal((await f.api.call('GET', `/api/v1/accounts/leaver@${D}`, { session: s() })).status, 404);
    assert.equal((await f.api.call('POST', `/api/v1/accounts/leaver@${D}/restore`, { session: s() })).status, 404);
    const again = await f.api.call('POST', '/api/v1/accounts', { session: s(), body: { address: `leaver@${D}`, org: 'trust-a', name: 'Lena Newcomer' } });
    assert.equal(again.status, 200, 'the address is free again');
    const audit = await f.api.call('GET', '/api/v1/audit?org=trust-a', { session: s() });
    const actions = (audit.body.items as { action: string; target: string }[]).filter((x) => x.target === `leaver@${D}`).map((x) => x.action);
    for (const a of ['account.delete', 'account.undelete', 'account.purge']) assert.ok(actions.includes(a), a);
  });

  it('delivers signed webhooks for account events of the organisation and beneath it, retrying with backoff', async () => {
    const rx = await receiver(2);
    try {
      const reg = await f.api.call('POST', '/api/v1/webhooks', { session: s(), body: { org: 'trust-a', url: rx.url, events: ['account.created', 'account.updated', 'account.suspended', 'account.deleted', 'account.password_reset'] } });
      assert.equal(reg.status, 200, JSON.stringify(reg.body));
      const secret = reg.body.secret as string;
      const id = (reg.body.webhook as { id: number }).id;
      assert.equal((await f.api.call('GET', '/api/v1/webhooks', { session: s() })).body.items && JSON.stringify((await f.api.call('GET', '/api/v1/webhooks', { session: s() })).body).includes(secret), false, 'the secret is shown once');
      assert.equal((await f.api.call('POST', '/api/v1/accounts', { session: s(), body: { address: `hooked@${D}`, org: 'site-a1', name: 'Hugo Hooked' } })).status, 200);
      await f.api.call('POST', '/api/v1/accounts', { session: f.S['admin.b']!, body: { address: `unhooked@${D}`, org: 'trust-b', name: 'Una Hooked' } });
      await f.api.call('PATCH', `/api/v1/accounts/hooked@${D}`, { session: s(), body: { jobTitle: 'Porter' } });
      await f.api.call('POST', `/api/v1/accounts/hooked@${D}/suspend`, { session: s() });
      await f.api.call('POST', `/api/v1/accounts/hooked@${D}/reset-password`, { session: s() });
      await f.api.call('DELETE', `/api/v1/accounts/hooked@${D}?retentionDays=3`, { session: s() });
      const got = await until('five deliveries', () => (rx.got.length >= 5 ? rx.got : undefined), 15_000);
      const events = got.map((g) => JSON.parse(g.body) as { event: string; account: { address: string; org: { slug: string } } });
      assert.deepEqual(events.map((e) => e.event).sort(), ['account.created', 'account.deleted', 'account.password_reset', 'account.suspended', 'account.updated']);
      assert.ok(events.every((e) => e.account.address === `hooked@${D}` && e.account.org.slug === 'site-a1'), 'nothing of trust-b');
      for (const g of got) {
        assert.ok(verifySignature(secret, g.body, String(g.headers['wardpost-signature']), Math.floor(Date.now() / 1000)), 'HMAC signature verifies');
        assert.equal(verifySignature('whsec_wrong', g.body, String(g.headers['wardpost-signature']), Math.floor(Date.now() / 1000)), false);
      }
      // The receiver refused the first two posts of each: every delivery took three attempts, 200 then 400 ms apart.
      const deliveries = await until('all delivered', async () => {
        const items = (await f.api.call('GET', `/api/v1/webhooks/${id}/deliveries`, { session: s() })).body.items as { event: string; status: string; attempts: number; lastStatus: number }[];
        return items.length === 5 && items.every((x) => x.status === 'delivered') ? items : undefined;
      });
      assert.deepEqual(deliveries.map((x) => x.attempts), [3, 3, 3, 3, 3]);
      for (const g of got) {
        const waited = g.at - rx.firstSeen.get(String(g.headers['wardpost-delivery']))!;
        assert.ok(waited >= 550, `success after two backoffs (${waited} ms)`);
      }
    } finally {
      await rx.close();
    }
  });

  it('records why a webhook attempt failed and keeps it for a retry; refuses bad URLs and events', async () => {
    const { services } = f.server.platform;
    const reg = await f.api.call('POST', '/api/v1/webhooks', { session: s(), body: { org: 'trust-a', url: 'http://127.0.0.1:9/closed', events: ['account.created'] } });
    const id = (reg.body.webhook as { id: number }).id;
    await services.accounts.create({ address: `nohook@${D}`, orgSlug: 'trust-a', name: 'Nora Nohook', password: PW }, SYSTEM_ACTOR);
    const d = await until('a failed attempt', async () => {
      const items = (await f.api.call('GET', `/api/v1/webhooks/${id}/deliveries`, { session: s() })).body.items as { status: string; attempts: number; lastError: string | null }[];
      return items[0]?.lastError ? items[0] : undefined;
    });
    assert.equal(d.status, 'pending');
    assert.match(String(d.lastError), /fetch failed|ECONNREFUSED/);
    assert.equal((await f.api.call('POST', '/api/v1/webhooks', { session: s(), body: { org: 'trust-a', url: 'ftp://x/y', events: ['account.created'] } })).status, 400);
    assert.equal((await f.api.call('POST', '/api/v1/webhooks', { session: s(), body: { org: 'trust-a', url: 'https://x.example/y', events: ['mail.delivered'] } })).body.field, 'events.0');
    assert.equal((await f.api.call('DELETE', `/api/v1/webhooks/${id}`, { session: s() })).status, 200);
  });

  it('reports accounts by status and organisation, mail per day and storage against quota', async () => {
    const { services } = f.server.platform;
    for (let i = 0; i < 3; i++) await services.delivery.deliver({ source: chunked(rfc822({ to: `user.a@${D}`, bytes: 2000 })), recipients: [`user.a@${D}`, `user.b@${D}`] });
    const a = await f.api.call('GET', '/api/v1/stats?days=7', { session: s() });
    assert.equal(a.status, 200, JSON.stringify(a.body));
    const stats = a.body as { accountsByStatus: Record<string, number>; byOrg: { org: { slug: string }; accounts: Record<string, number>; usedBytes: number; quotaBytes: number }[]; mailPerDay: { day: string; messages: number }[] };
    assert.equal(stats.mailPerDay.length, 7);
    assert.equal(stats.mailPerDay.at(-1)!.day, new Date().toISOString().slice(0, 10));
    assert.ok(stats.mailPerDay.at(-1)!.messages >= 3, 'today holds the messages of trust-a');
    const nat = (await f.api.call('GET', '/api/v1/stats?days=7', { session: f.S.nat! })).body as typeof stats;
    assert.equal(nat.mailPerDay.at(-1)!.messages - stats.mailPerDay.at(-1)!.messages, 3, 'the copies to trust-b count only for whoever administers it');
    const site = stats.byOrg.find((o) => o.org.slug === 'site-a1')!;
    assert.ok(site.usedBytes >= 6000 && site.quotaBytes > site.usedBytes);
    assert.ok((stats.accountsByStatus.active ?? 0) >= 5);
    assert.equal((await f.api.call('GET', '/api/v1/stats?days=500', { session: s() })).status, 400);
  });

  it('filters the audit log by action, target and time, and exports it as CSV, within scope', async () => {
    const r = await f.api.call('GET', `/api/v1/audit?action=account.alias&target=user.a@${D}&since=2020-01-01T00:00:00Z`, { session: s() });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const items = r.body.items as { action: string; target: string }[];
    assert.ok(items.length >= 2, 'the fixture alias and the alias test');
    assert.ok(items.every((e) => e.action.startsWith('account.alias') && e.target === `user.a@${D}`));
    assert.deepEqual((await f.api.call('GET', `/api/v1/audit?action=account.&until=2020-01-01T00:00:00Z`, { session: s() })).body.items, []);
    const bad = await f.api.call('GET', '/api/v1/audit?action=DROP%25', { session: s() });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'action');
    const exp = await f.api.raw('GET', '/api/v1/audit/export?action=account.', { session: s() });
    assert.equal(exp.status, 200);
    assert.match(exp.headers.get('content-type')!, /text\/csv/);
    assert.match(exp.headers.get('content-disposition')!, /attachment/);
    const csv = await exp.text();
    assert.match(csv, /^at,actor,org_id,action,target,ip,detail\r\n/);
    assert.match(csv, new RegExp(`"user\\.a@${D.replace('.', '\\.')}"`));
    assert.doesNotMatch(csv, /user\.b@/, 'nothing of another organisation');
    const other = await (await f.api.raw('GET', '/api/v1/audit/export', { session: f.S['admin.b']! })).text();
    assert.doesNotMatch(other, /"user\.a@/);
    assert.equal((await f.api.raw('GET', '/api/v1/audit/export?org=trust-b', { session: s() })).status, 403);
  });

  it('sees a new organisation at once (the cached tree is refreshed on change)', async () => {
    const org = await f.api.call('POST', '/api/v1/orgs', { session: s(), body: { slug: 'site-a2', name: 'Site A2', parent: 'trust-a', kind: 'site' } });
    assert.equal(org.status, 200, JSON.stringify(org.body));
    const made = await f.api.call('POST', '/api/v1/accounts', { session: s(), body: { address: `new.site@${D}`, org: 'site-a2', name: 'Nell Site' } });
    assert.equal(made.status, 200, JSON.stringify(made.body));
  });
});
