/** Filter evaluation (three-valued, RFC 4511 section 4.5.1.7), the filter-to-search plan, and DNs. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DirectoryEntry } from '../../../src/core/directory/types.js';
import { Dit, personEntry } from '../../../src/protocols/ldap/entries.js';
import { evaluate } from '../../../src/protocols/ldap/filter-eval.js';
import { indexWords, planFilter, withBaseScope } from '../../../src/protocols/ldap/filter-plan.js';
import { escapeDnValue, parseDn } from '../../../src/protocols/ldap/proto/dn.js';
import type { Filter } from '../../../src/protocols/ldap/proto/filter.js';

const eq = (attribute: string, value: string): Filter => ({ type: 'equality', attribute, value });
const sub = (attribute: string, initial: string | null, any: string[], final: string | null): Filter => ({ type: 'substrings', attribute, initial, any, final });
const and = (...filters: Filter[]): Filter => ({ type: 'and', filters });
const or = (...filters: Filter[]): Filter => ({ type: 'or', filters });
const not = (filter: Filter): Filter => ({ type: 'not', filter });

const dit = new Dit('wardpost.test');
const entry: DirectoryEntry = {
  id: 42,
  kind: 'person',
  accountId: 7,
  org: { id: 3, slug: 'rxh', name: 'Royal Example Hospital' },
  displayName: "Zoë  O'Neil",
  givenName: 'Zoë',
  familyName: "O'Neil",
  jobTitle: 'Consultant Cardiologist',
  role: 'Consultant',
  specialty: 'Cardiology',
  department: 'Ward 7',
  site: 'Example General',
  address: '1 High Street\nLeeds',
  phones: { desk: '0113 000-0001', mobile: '+447700900123', pager: null },
  email: 'zoe.oneil@wardpost.test',
  registration: 'GMC100',
  nationalCode: null,
  visibility: 'national',
  photo: null,
};
const e = personEntry(dit, entry);

describe('filter evaluation', () => {
  const cases: [string, Filter, boolean | undefined][] = [
    ['equality ignores case and runs of spaces', eq('cn', "zoë o'neil"), true],
    ['equality is whole-value', eq('cn', 'zoë'), false],
    ['initial', sub('cn', 'ZOË O', [], null), true],
    ['any then final in order', sub('mail', null, ['oneil'], '.test'), true],
    ['any out of order', sub('mail', null, ['test', 'zoe'], null), false],
    ['initial and final may not overlap', sub('sn', "o'n", [], "neil"), false],
    ['telephone ignores spaces and hyphens', eq('telephoneNumber', '01130000001'), true],
    ['present', { type: 'present', attribute: 'MOBILE' }, true],
    ['present, absent attribute', { type: 'present', attribute: 'pager' }, false],
    ['present, unknown attribute is FALSE', { type: 'present', attribute: 'shoeSize' }, false],
    ['unknown attribute is Undefined', eq('shoeSize', '9'), undefined],
    ['NOT Undefined is Undefined', not(eq('shoeSize', '9')), undefined],
    ['AND with FALSE beats Undefined', and(eq('shoeSize', '9'), eq('sn', 'x')), false],
    ['OR with TRUE beats Undefined', or(eq('shoeSize', '9'), eq('sn', "o'neil")), true],
    ['absolute true (&)', and(), true],
    ['absolute false (|)', or(), false],
    ['greaterOrEqual', { type: 'greaterOrEqual', attribute: 'employeeNumber', value: 'gmc1' }, true],
    ['lessOrEqual', { type: 'lessOrEqual', attribute: 'sn', value: 'a' }, false],
    ['ordering without an ordering rule is Undefined', { type: 'greaterOrEqual', attribute: 'mail', value: 'a' }, undefined],
    ['approx ignores accents and punctuation', { type: 'approx', attribute: 'cn', value: 'zoe oneil' }, true],
    ['objectClass', eq('objectclass', 'InetOrgPerson'), true],
    ['attribute aliases (surname)', eq('surname', "O'Neil"), true],
    ['o matches the slug and the name', and(eq('o', 'RXH'), eq('o', 'royal example hospital')), true],
    ['extensible without a rule is equality', { type: 'extensible', matchingRule: null, attribute: 'sn', value: "o'neil", dnAttributes: false }, true],
    ['extensible with a rule is Undefined', { type: 'extensible', matchingRule: '2.5.13.2', attribute: 'sn', value: "o'neil", dnAttributes: false }, undefined],
  ];
  for (const [what, f, want] of cases) it(what, () => assert.equal(evaluate(f, e), want));

  it('maps the entry to inetOrgPerson attributes', () => {
    assert.equal(e.dn, 'uid=42,ou=people,dc=wardpost,dc=test');
    assert.deepEqual(e.attrs.get('postaladdress')?.values, ['1 High Street$Leeds']);
    assert.deepEqual(e.attrs.get('physicaldeliveryofficename')?.values, ['Example General']);
    assert.equal(e.attrs.has('pager'), false);
  });
});

describe('filter plan (which directory searches can hold the matches)', () => {
  const tree: Record<string, string | null> = { north: null, rxh: 'north', 'rxh-gen': 'rxh', gp1: 'north' };
  const ctx = {
    orgsNamed: (v: string) => (v.toLowerCase() in tree ? [v.toLowerCase()] : v === 'Royal Example Hospital' ? ['rxh'] : []),
    within: (inner: string, outer: string) => {
      for (let n: string | null = inner; n; n = tree[n] ?? null) if (n === outer) return true;
      return false;
    },
  };
  const cases: [string, Filter, ReturnType<typeof planFilter>][] = [
    ['name words', eq('cn', 'Jane Smith'), [{ words: ['jane', 'smith'], whole: ['jane', 'smith'], starts: { display: 'jane' } }]],
    ['initial substring', sub('sn', 'smi', ['x'], 'y'), [{ words: ['smi'], starts: { family: 'smi' } }]],
    ['apostrophes split like the index', eq('sn', "O'Neil"), [{ words: ['o', 'neil'], whole: ['o', 'neil'], starts: { family: 'o' } }]],
    ['mail: local part only', eq('mail', 'jane.smith@wardpost.test'), [{ words: ['jane', 'smith'] }]],
    ['final substring scans', sub('cn', null, [], 'ith'), null],
    ['non-ASCII scans', eq('cn', 'Zoë'), null],
    ['OR of two names: two searches', or(eq('givenName', 'john'), eq('givenName', 'sian')), [{ words: ['john'], whole: ['john'] }, { words: ['sian'], whole: ['sian'] }]],
    ['OR with a scan is a scan', or(eq('givenName', 'john'), { type: 'present', attribute: 'mail' }), null],
    ['NOT scans', not(eq('sn', 'x')), null],
    ['AND narrows with the narrow side', and(eq('sn', 'smith'), not(eq('givenName', 'jane'))), [{ words: ['smith'], whole: ['smith'], starts: { family: 'smith' } }]],
    ['AND merges words and scope', and(eq('sn', 'smith'), eq('o', 'rxh')), [{ words: ['smith'], whole: ['smith'], scope: 'rxh', starts: { family: 'smith' } }]],
    ['(o=unknown) matches nothing', and(eq('sn', 'smith'), eq('o', 'nowhere')), []],
    ['org name to scope', eq('o', 'Royal Example Hospital'), [{ words: [], scope: 'rxh' }]],
    ['disjoint scopes: nothing', and(eq('o', 'rxh'), eq('o', 'gp1')), []],
    ['nested scopes: the inner one', and(eq('o', 'north'), eq('o', 'rxh-gen')), [{ words: [], scope: 'rxh-gen' }]],
    ['uid: one entry', and(eq('uid', '42'), eq('sn', 'x')), [{ words: [], id: 42 }]],
    ['unknown attribute: nothing', eq('shoeSize', '9'), []],
    ['address-book OR of one prefix: one search', or(sub('cn', 'smi', [], null), sub('sn', 'smi', [], null), sub('mail', 'smi', [], null)), [{ words: ['smi'] }]],
    ['a longer prefix is covered by a shorter one', or(eq('sn', 'smith'), sub('sn', 'smi', [], null)), [{ words: ['smi'], starts: { family: 'smi' } }]],
    ['a name-start check is covered only by a weaker one', or(eq('sn', 'smith'), sub('cn', 'smi', [], null)), [{ words: ['smith'], whole: ['smith'], starts: { family: 'smith' } }, { words: ['smi'], starts: { display: 'smi' } }]],
    ['name starts merge in AND', and(sub('cn', 'jo', [], null), eq('cn', 'John Smith'), sub('sn', 'sm', [], null)), [{ words: ['jo', 'john', 'smith', 'sm'], whole: ['john', 'smith'], starts: { display: 'john', family: 'sm' } }]],
    ['incompatible name starts: nothing', and(sub('cn', 'ja', [], null), sub('cn', 'jo', [], null)), []],
    ['a scoped search is covered by a national one, not the reverse', or(and(eq('sn', 'jo'), eq('o', 'rxh')), eq('sn', 'jo')), [{ words: ['jo'], whole: ['jo'], starts: { family: 'jo' } }]],
    ['mail: the local part without its digits, as the index holds it; never whole', eq('mail', 'j.smith42@wardpost.test'), [{ words: ['j', 'smith'] }]],
    ['a whole word is covered by the same whole word or a prefix, not by a prefix-only equal word', or(eq('sn', 'smith'), sub('sn', 'smith', [], null)), [{ words: ['smith'], starts: { family: 'smith' } }]],
    ['a prefix is not covered by a whole word', or(eq('givenName', 'sam'), sub('givenName', 'sam', [], null)), [{ words: ['sam'] }]],
    ['different words stay apart', or(eq('sn', 'jones'), eq('sn', 'smith')), [{ words: ['jones'], whole: ['jones'], starts: { family: 'jones' } }, { words: ['smith'], whole: ['smith'], starts: { family: 'smith' } }]],
  ];
  for (const [what, f, want] of cases) it(what, () => assert.deepEqual(planFilter(f, ctx), want));

  it('hands the index only the words a name-start check does not already imply (one at least)', () => {
    assert.deepEqual(indexWords({ words: ['john', 'sm'], whole: ['john'], starts: { family: 'sm' } }), { words: ['john'], whole: ['john'] });
    assert.deepEqual(indexWords({ words: ['smith'], whole: ['smith'], starts: { family: 'smith' } }), { words: ['smith'], whole: ['smith'] });
    assert.deepEqual(indexWords({ words: ['jo', 'sm'], starts: { display: 'jo', family: 'sm' } }), { words: ['jo', 'sm'], whole: [] });
    assert.deepEqual(indexWords({ words: ['jane', 'smith'] }), { words: ['jane', 'smith'], whole: [] });
  });

  it('combines with the base scope', () => {
    assert.deepEqual(withBaseScope(null, 'rxh', ctx), [{ words: [], scope: 'rxh' }]);
    assert.deepEqual(withBaseScope([{ words: ['a'], scope: 'gp1' }], 'rxh', ctx), []);
    assert.deepEqual(withBaseScope([{ words: ['a'], scope: 'rxh-gen' }], 'rxh', ctx), [{ words: ['a'], scope: 'rxh-gen' }]);
  });
});

describe('DNs (RFC 4514)', () => {
  it('parses, unescapes and lower-cases types', () => {
    assert.deepEqual(parseDn('UID=12, OU=People ,dc=wardpost,dc=test'), [
      { type: 'uid', value: '12' },
      { type: 'ou', value: 'People' },
      { type: 'dc', value: 'wardpost' },
      { type: 'dc', value: 'test' },
    ]);
    assert.deepEqual(parseDn('cn=Smith\\, John,o=a\\2Bb'), [
      { type: 'cn', value: 'Smith, John' },
      { type: 'o', value: 'a+b' },
    ]);
    assert.deepEqual(parseDn(''), []);
  });
  for (const bad of ['nonsense', 'cn=', 'cn=a+sn=b', '=x', 'cn=a\\']) it(`refuses "${bad}"`, () => assert.throws(() => parseDn(bad)));
  it('escapes values', () => {
    assert.equal(escapeDnValue('Smith, John+Co'), 'Smith\\, John\\+Co');
    assert.equal(escapeDnValue(' #x '), '\\ #x\\ ');
  });
  it('resolves base DNs against the tree', () => {
    assert.deepEqual(dit.target(''), { kind: 'root' });
    assert.deepEqual(dit.target('DC=Wardpost,DC=Test'), { kind: 'domain' });
    assert.deepEqual(dit.target('uid=5,ou=people,dc=wardpost,dc=test'), { kind: 'person', id: 5 });
    assert.deepEqual(dit.target('o=RXH,ou=Organisations,dc=wardpost,dc=test'), { kind: 'org', slug: 'rxh' });
    assert.deepEqual(dit.target('uid=x,ou=people,dc=wardpost,dc=test'), { kind: 'none', matchedDN: 'ou=people,dc=wardpost,dc=test' });
    assert.deepEqual(dit.target('dc=other,dc=org'), { kind: 'none', matchedDN: '' });
  });
});
