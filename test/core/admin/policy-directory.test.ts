/** AdminPolicy.assertMayEditEntry: who may change a directory entry's own details (its photo). */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Account } from '../../../src/core/accounts/account-service.js';
import { AdminPolicy, type Principal } from '../../../src/core/admin/policy.js';
import { isWardpostError } from '../../../src/core/errors.js';
import type { OrgService } from '../../../src/core/orgs/org-service.js';
import type { Store } from '../../../src/store/types.js';

// assertMayEditEntry decides from the principal alone: no store or organisation look-ups.
const policy = new AdminPolicy({} as Store, {} as OrgService);
const principal = (id: number, role: Account['role'], scope: number[] | null, mfaOk = true): Principal => ({
  account: { id, role, org: { id: 10 } } as Account,
  scope: scope === null ? null : new Set(scope),
  mfaOk,
});
const forbidden = (e: unknown) => isWardpostError(e, 'forbidden');

it('an account may edit its own entry, whatever its role or session', () => {
  policy.assertMayEditEntry(principal(7, 'user', []), { accountId: 7, orgId: 10 });
  policy.assertMayEditEntry(principal(7, 'org-admin', [10], false), { accountId: 7, orgId: 10 });
});

it("a user may not edit another's entry", () => {
  assert.throws(() => policy.assertMayEditEntry(principal(7, 'user', []), { accountId: 8, orgId: 10 }), forbidden);
  assert.throws(() => policy.assertMayEditEntry(principal(7, 'user', []), { accountId: null, orgId: 10 }), forbidden);
});

it('an organisation administrator edits entries of its organisations, with a two-step session, not others', () => {
  policy.assertMayEditEntry(principal(1, 'org-admin', [10, 11]), { accountId: 8, orgId: 11 });
  assert.throws(() => policy.assertMayEditEntry(principal(1, 'org-admin', [10, 11], false), { accountId: 8, orgId: 11 }), forbidden);
  assert.throws(() => policy.assertMayEditEntry(principal(1, 'org-admin', [10, 11]), { accountId: 8, orgId: 12 }), forbidden);
  assert.throws(() => policy.assertMayEditEntry(principal(1, 'helpdesk', [10]), { accountId: 8, orgId: 10 }), forbidden);
  assert.throws(() => policy.assertMayEditEntry(principal(1, 'org-admin', [10]), { accountId: null, orgId: null }), forbidden);
});

it('a national administrator edits any entry, with a two-step session', () => {
  policy.assertMayEditEntry(principal(1, 'national-admin', null), { accountId: 8, orgId: 99 });
  policy.assertMayEditEntry(principal(1, 'national-admin', null), { accountId: null, orgId: null });
  assert.throws(() => policy.assertMayEditEntry(principal(1, 'national-admin', null, false), { accountId: 8, orgId: 99 }), forbidden);
});
