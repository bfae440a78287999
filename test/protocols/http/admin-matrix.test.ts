/**
 * The authorisation matrix for every administration endpoint added after the first slice:
 * aliases, delegation, shared mailboxes and members, distribution lists, deletion and restore,
 * account changes, webhooks, statistics and bulk import. An administrator of one organisation
 * reaches its own things and nothing of the other; helpdesk reads but does not change; a plain
 * user administers nothing. Each change that succeeds is undone by the national administrator
 * so the next actor meets the same state.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachEngine } from '../../helpers/engines.js';
import type { Session } from '../../helpers/admin-api.js';
import { D, startAdminFixture, type AdminFixture } from './admin-fixture.js';

type Side = 'a' | 'b';
interface Op {
  name: string;
  kind: 'read' | 'write';
  /** Makes the state the operation needs (as the national administrator). */
  prepare?: (f: AdminFixture, x: Side) => Promise<void>;
  run: (f: AdminFixture, s: Session, x: Side, n: number) => Promise<number>;
  /** Puts things back after a success. */
  undo?: (f: AdminFixture, x: Side, n: number) => Promise<void>;
  /** Puts things back whatever happened. */
  always?: (f: AdminFixture, x: Side) => Promise<void>;
}

const st = async (p: Promise<{ status: number }>) => (await p).status;
const hooks: Record<Side, number> = { a: 0, b: 0 };

const OPS: Op[] = [
  { name: 'GET delegates', kind: 'read', run: (f, s, x) => st(f.api.call('GET', `/api/v1/accounts/user.${x}@${D}/delegates`, { session: s })) },
  { name: 'GET shared members', kind: 'read', run: (f, s, x) => st(f.api.call('GET', `/api/v1/shared-mailboxes/team.${x}@${D}/members`, { session: s })) },
  { name: 'GET list', kind: 'read', run: (f, s, x) => st(f.api.call('GET', `/api/v1/lists/list.${x}@${D}`, { session: s })) },
  { name: 'GET webhook deliveries', kind: 'read', run: (f, s, x) => st(f.api.call('GET', `/api/v1/webhooks/${hooks[x]}/deliveries`, { session: s })) },
  { name: 'PATCH account', kind: 'write', run: (f, s, x) => st(f.api.call('PATCH', `/api/v1/accounts/user.${x}@${D}`, { session: s, body: { jobTitle: 'Ward clerk' } })) },
  {
    name: 'PUT room booking',
    kind: 'write',
    run: (f, s, x) => st(f.api.call('PUT', `/api/v1/calendar/resources/team.${x}@${D}/booking`, { session: s, body: { booking: 'auto' } })),
    undo: async (f, x) => void (await f.api.call('PUT', `/api/v1/calendar/resources/team.${x}@${D}/booking`, { session: f.S.nat!, body: { booking: 'none' } })),
  },
  {
    name: 'POST alias',
    kind: 'write',
    run: (f, s, x, n) => st(f.api.call('POST', `/api/v1/accounts/user.${x}@${D}/aliases`, { session: s, body: { alias: `al${n}.${x}@${D}` } })),
    undo: async (f, x, n) => void (await f.api.call('DELETE', `/api/v1/accounts/user.${x}@${D}/aliases/al${n}.${x}@${D}`, { session: f.S.nat! })),
  },
  {
    name: 'DELETE alias',
    kind: 'write',
    run: (f, s, x) => st(f.api.call('DELETE', `/api/v1/accounts/user.${x}@${D}/aliases/fixed.${x}@${D}`, { session: s })),
    undo: async (f, x) => void (await f.api.call('POST', `/api/v1/accounts/user.${x}@${D}/aliases`, { session: f.S.nat!, body: { alias: `fixed.${x}@${D}` } })),
  },
  {
    name: 'PUT delegate',
    kind: 'write',
    run: (f, s, x) => st(f.api.call('PUT', `/api/v1/accounts/user.${x}@${D}/delegates/user.${x}2@${D}`, { session: s, body: { mailbox: 'read', calendar: 'read', sendOnBehalf: true } })),
    undo: async (f, x) => void (await f.api.call('DELETE', `/api/v1/accounts/user.${x}@${D}/delegates/user.${x}2@${D}`, { session: f.S.nat! })),
  },
  {
    name: 'DELETE delegate',
    kind: 'write',
    prepare: async (f, x) => void (await f.api.call('PUT', `/api/v1/accounts/user.${x}@${D}/delegates/user.${x}2@${D}`, { session: f.S.nat!, body: { sendAs: true } })),
    run: (f, s, x) => st(f.api.call('DELETE', `/api/v1/accounts/user.${x}@${D}/delegates/user.${x}2@${D}`, { session: s })),
  },
  {
    name: 'PUT shared member',
    kind: 'write',
    run: (f, s, x) => st(f.api.call('PUT', `/api/v1/shared-mailboxes/team.${x}@${D}/members/user.${x}@${D}`, { session: s, body: { mailbox: 'write', sendAs: true } })),
    undo: async (f, x) => void (await f.api.call('DELETE', `/api/v1/shared-mailboxes/team.${x}@${D}/members/user.${x}@${D}`, { session: f.S.nat! })),
  },
  {
    name: 'DELETE shared member',
    kind: 'write',
    prepare: async (f, x) => void (await f.api.call('PUT', `/api/v1/shared-mailboxes/team.${x}@${D}/members/user.${x}2@${D}`, { session: f.S.nat!, body: { mailbox: 'read' } })),
    run: (f, s, x) => st(f.api.call('DELETE', `/api/v1/shared-mailboxes/team.${x}@${D}/members/user.${x}2@${D}`, { session: s })),
  },
  { name: 'POST shared mailbox', kind: 'write', run: (f, s, x, n) => st(f.api.call('POST', '/api/v1/shared-mailboxes', { session: s, body: { address: `tm${n}.${x}@${D}`, org: `trust-${x}`, name: `Team ${n}` } })) },
  {
    name: 'POST list',
    kind: 'write',
    run: (f, s, x, n) => st(f.api.call('POST', '/api/v1/lists', { session: s, body: { address: `l${n}.${x}@${D}`, org: `trust-${x}`, name: `List ${n}` } })),
    undo: async (f, x, n) => void (await f.api.call('DELETE', `/api/v1/lists/l${n}.${x}@${D}`, { session: f.S.nat! })),
  },
  {
    name: 'PUT list member',
    kind: 'write',
    run: (f, s, x) => st(f.api.call('PUT', `/api/v1/lists/list.${x}@${D}/members/outside@example.org`, { session: s })),
    undo: async (f, x) => void (await f.api.call('DELETE', `/api/v1/lists/list.${x}@${D}/members/outside@example.org`, { session: f.S.nat! })),
  },
  {
    name: 'DELETE list member',
    kind: 'write',
    run: (f, s, x) => st(f.api.call('DELETE', `/api/v1/lists/list.${x}@${D}/members/user.${x}@${D}`, { session: s })),
    undo: async (f, x) => void (await f.api.call('PUT', `/api/v1/lists/list.${x}@${D}/members/user.${x}@${D}`, { session: f.S.nat! })),
  },
  {
    name: 'DELETE list',
    kind: 'write',
    prepare: async (f, x) => void (await f.api.call('POST', '/api/v1/lists', { session: f.S.nat!, body: { address: `gone.${x}@${D}`, org: `trust-${x}`, name: 'Short-lived' } })),
    run: (f, s, x) => st(f.api.call('DELETE', `/api/v1/lists/gone.${x}@${D}`, { session: s })),
  },
  {
    name: 'DELETE account',
    kind: 'write',
    run: (f, s, x) => st(f.api.call('DELETE', `/api/v1/accounts/user.${x}2@${D}?retentionDays=7`, { session: s })),
    undo: async (f, x) => void (await f.api.call('POST', `/api/v1/accounts/user.${x}2@${D}/restore`, { session: f.S.nat! })),
  },
  {
    name: 'POST restore (deleted)',
    kind: 'write',
    prepare: async (f, x) => void (await f.api.call('DELETE', `/api/v1/accounts/user.${x}2@${D}?retentionDays=7`, { session: f.S.nat! })),
    run: (f, s, x) => st(f.api.call('POST', `/api/v1/accounts/user.${x}2@${D}/restore`, { session: s })),
    always: async (f, x) => void (await f.api.call('POST', `/api/v1/accounts/user.${x}2@${D}/restore`, { session: f.S.nat! })),
  },
  {
    name: 'POST webhook',
    kind: 'write',
    run: (f, s, x) => st(f.api.call('POST', '/api/v1/webhooks', { session: s, body: { org: `trust-${x}`, url: 'http://127.0.0.1:9/hook', events: ['account.created'] } })),
  },
  {
    name: 'DELETE webhook',
    kind: 'write',
    run: async (f, s, x) => {
      const made = await f.api.call('POST', '/api/v1/webhooks', { session: f.S.nat!, body: { org: `trust-${x}`, url: 'http://127.0.0.1:9/gone', events: ['account.deleted'] } });
      return st(f.api.call('DELETE', `/api/v1/webhooks/${(made.body.webhook as { id: number }).id}`, { session: s }));
    },
  },
];

/**
 * What each actor should get on its own side and on the other. The plain user is user.a itself,
 * so the delegation of its own mailbox is the one thing it may do (self-service).
 */
const SELF = { 'GET delegates': [200, 403], 'PUT delegate': [200, 403], 'DELETE delegate': [200, 403] } as Record<string, [number, number]>;
const ACTORS: [string, Side, { read: [number, number]; write: [number, number]; except?: Record<string, [number, number]> }][] = [
  ['admin.a', 'a', { read: [200, 404], write: [200, 403] }],
  ['admin.b', 'b', { read: [200, 404], write: [200, 403] }],
  ['help.a', 'a', { read: [200, 404], write: [403, 403] }],
  ['user.a', 'a', { read: [403, 403], write: [403, 403], except: SELF }],
];

forEachEngine('administration authorisation matrix (new endpoints)', (engine) => {
  let f: AdminFixture;
  before(async () => {
    f = await startAdminFixture(engine);
    for (const x of ['a', 'b'] as const) {
      const h = await f.api.call('POST', '/api/v1/webhooks', { session: f.S.nat!, body: { org: `trust-${x}`, url: 'http://127.0.0.1:9/fixed', events: ['account.updated'] } });
      assert.equal(h.status, 200, JSON.stringify(h.body));
      hooks[x] = (h.body.webhook as { id: number }).id;
    }
  });
  after(() => f?.stop());

  let n = 0;
  for (const [actor, own, expect] of ACTORS) {
    it(`${actor}: own organisation ${JSON.stringify(expect)}, the other refused, through every new endpoint`, async () => {
      const got: Record<string, number[]> = {};
      const want: Record<string, number[]> = {};
      for (const op of OPS) {
        for (const [i, x] of (own === 'a' ? ['a', 'b'] : ['b', 'a']).entries() as IterableIterator<[number, Side]>) {
          n++;
          await op.prepare?.(f, x);
          const status = await op.run(f, f.S[actor]!, x, n);
          (got[op.name] ??= []).push(status);
          (want[op.name] ??= []).push((expect.except?.[op.name] ?? expect[op.kind])[i]!);
          if (status === 200) await op.undo?.(f, x, n);
          await op.always?.(f, x);
        }
      }
      assert.deepEqual(got, want);
    });
  }

  it('lists only what the caller administers (shared mailboxes, lists, webhooks, statistics)', async () => {
    const s = f.S['admin.a']!;
    const shared = (await f.api.call('GET', '/api/v1/shared-mailboxes', { session: s })).body.items as { address: string }[];
    assert.ok(shared.some((a) => a.address === `team.a@${D}`));
    assert.ok(!shared.some((a) => a.address === `team.b@${D}`));
    const lists = (await f.api.call('GET', '/api/v1/lists', { session: s })).body.items as { address: string }[];
    assert.deepEqual(lists.map((l) => l.address).filter((a) => a.startsWith('list.')), [`list.a@${D}`]);
    const hooksSeen = (await f.api.call('GET', '/api/v1/webhooks', { session: s })).body.items as { id: number }[];
    assert.ok(hooksSeen.some((h) => h.id === hooks.a) && !hooksSeen.some((h) => h.id === hooks.b));
    const stats = (await f.api.call('GET', '/api/v1/stats', { session: s })).body as { byOrg: { org: { slug: string } }[] };
    assert.deepEqual(stats.byOrg.map((o) => o.org.slug).sort(), ['site-a1', 'trust-a']);
    assert.equal((await f.api.call('GET', '/api/v1/stats', { session: f.S['user.a']! })).status, 403);
  });

  it('lets people delegate their own mailbox without being administrators', async () => {
    const s = f.S['user.b']!;
    const put = await f.api.call('PUT', `/api/v1/accounts/user.b@${D}/delegates/user.a@${D}`, { session: s, body: { calendar: 'write', sendOnBehalf: true } });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal((await f.api.call('GET', `/api/v1/accounts/user.b@${D}/delegates`, { session: s })).status, 200);
    assert.equal((await f.api.call('DELETE', `/api/v1/accounts/user.b@${D}/delegates/user.a@${D}`, { session: s })).status, 200);
    assert.equal((await f.api.call('PUT', `/api/v1/accounts/user.b2@${D}/delegates/user.b@${D}`, { session: s, body: { sendAs: true } })).status, 403, 'not a colleague\'s');
  });

  it('imports only rows of organisations the caller administers', async () => {
    const csv = `address,name,org\nimp.a@${D},Ima Import,site-a1\nimp.b@${D},Ivo Import,trust-b\n`;
    const res = await f.api.raw('POST', '/api/v1/accounts/import', { session: f.S['admin.a']!, rawBody: csv, contentType: 'text/csv' });
    assert.equal(res.status, 200);
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(lines.filter((l) => l.type === 'row').map((l) => [l.address, l.ok]), [[`imp.a@${D}`, true], [`imp.b@${D}`, false]]);
    assert.match(String(lines[1]!.error), /organisation you do not administer/);
    assert.equal((await f.api.call('GET', `/api/v1/accounts/imp.b@${D}`, { session: f.S.nat! })).status, 404, 'the refused row created nothing');
    const help = await f.api.raw('POST', '/api/v1/accounts/import', { session: f.S['help.a']!, rawBody: csv, contentType: 'text/csv' });
    assert.equal(help.status, 403);
  });
});
