/**
 * The LDAP door as an address book uses it: Debian's ldapsearch against the real listener, on both
 * store engines. Root DSE, binds, anonymous refusal, filters, limits, paging, visibility, scoping.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { forEachEngine } from '../../helpers/engines.js';
import { ADMIN, BASE, GARETH, HAVE_LDAPSEARCH, JANE, PASSWORD, REQUIRE_PEERS, ldapsearch, names, startLdapFixture, type LdapFixture } from './helpers.js';

if (!HAVE_LDAPSEARCH && REQUIRE_PEERS) throw new Error('ldapsearch (apt-get install ldap-utils) is missing and WARDPOST_REQUIRE_PEERS=1');

const PEOPLE = `ou=people,${BASE}`;
const ORGS = `ou=organisations,${BASE}`;

forEachEngine('LDAP door through ldapsearch', (engine) => {
  if (!HAVE_LDAPSEARCH) {
    it.skip('ldapsearch is not installed (apt-get install ldap-utils)');
    return;
  }
  let fx: LdapFixture;
  before(async () => {
    fx = await startLdapFixture(engine);
  });
  after(async () => fx.stop());

  describe('root DSE and binds', () => {
    it('publishes the root DSE to anyone: naming context, LDAPv3, paged results', async () => {
      const r = await ldapsearch(fx, { base: '', scope: 'base' });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.entries.length, 1);
      const dse = r.entries[0]!;
      assert.equal(dse.dn, '');
      assert.deepEqual(dse.attrs.namingContexts, [BASE]);
      assert.deepEqual(dse.attrs.supportedLDAPVersion, ['3']);
      assert.ok(dse.attrs.supportedControl?.includes('1.2.840.113556.1.4.319'));
    });

    it('binds with the address and password', async () => {
      const r = await ldapsearch(fx, { bind: JANE, filter: '(sn=Smith)' });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(names(r), ['Jane Smith', 'John Smith']);
    });

    it('binds with a DN naming the address (mail=, uid=address, uid=entry id)', async () => {
      for (const dn of [`mail=jane.smith@wardpost.test,${PEOPLE}`, `uid=jane.smith@wardpost.test,${PEOPLE}`, `uid=${fx.ids.jane},${PEOPLE}`]) {
        const r = await ldapsearch(fx, { bind: [dn, PASSWORD], filter: '(givenName=Sian)' });
        assert.equal(r.code, 0, `${dn}: ${r.stderr}`);
        assert.deepEqual(names(r), ['Sian Jones']);
      }
    });

    it('refuses a wrong password and an unknown address with invalidCredentials (49)', async () => {
      for (const bind of [[JANE[0], 'Wrong-Password-123'], ['nobody@wardpost.test', PASSWORD]] as [string, string][]) {
        const r = await ldapsearch(fx, { bind, filter: '(sn=Smith)' });
        assert.equal(r.code, 49, r.stderr);
        assert.match(r.stderr, /Invalid credentials \(49\)/);
        assert.equal(r.entries.length, 0);
      }
    });

    it('gives anonymous searches nothing (insufficientAccessRights, 50)', async () => {
      const r = await ldapsearch(fx, { filter: '(objectClass=*)' });
      assert.equal(r.code, 50, r.stderr);
      assert.match(r.stderr, /Insufficient access \(50\)/);
      assert.equal(r.entries.length, 0);
    });
  });

  describe('filters (exact LDAP semantics)', () => {
    const cases: [string, string, string[]][] = [
      ['equality on sn', '(sn=smith)', ['Jane Smith', 'John Smith']],
      ['initial substring on cn (cn=smi*: the cn starts with it)', '(cn=smi*)', ['Smita Patel']],
      ['initial substring on sn', '(sn=smi*)', ['Jane Smith', 'Joanna Smithers', 'John Smith']],
      ['final substring (needs a scan)', '(cn=*ith)', ['Jane Smith', 'John Smith']],
      ['any substring', '(cn=*o*n*)', ['Aoife O\'Brien', 'John Smith', 'Sian Jones', 'Olive Only', 'Joanna Smithers'].sort()],
      ['OR of two names', '(|(givenName=john)(givenName=sian))', ['John Smith', 'Sian Jones']],
      ['AND with NOT', '(&(sn=smith)(!(givenName=jane)))', ['John Smith']],
      ['present', '(&(objectClass=inetOrgPerson)(mail=*))', ['Bed Bureau', 'Jane Smith', 'John Smith', 'Sian Jones', 'Smita Patel', 'Gareth Price', 'Nadia Admin'].sort()],
      ['mail equality', '(mail=JOHN.SMITH@rxh.nhs.example)', ['John Smith']],
      ['mail prefix', '(mail=smita*)', ['Smita Patel']],
      ['mail prefix unlike the name', '(mail=ops.de*)', ['Bed Bureau']],
      ['mail prefix reaching into its digits', '(mail=ops.desk4*)', ['Bed Bureau']],
      ['mail equality unlike the name', '(mail=OPS.DESK42@rxh.nhs.example)', ['Bed Bureau']],
      ['given name equality is the whole name, not its start (Smita is not Smith)', '(givenName=smit)', []],
      ['given name and family name start', '(&(givenName=john)(sn=sm*))', ['John Smith']],
      ['title substring', '(title=consultant*)', ['Jane Smith', 'John Smith']],
      ['telephone number ignoring spaces', '(telephoneNumber=01130000001)', ['John Smith']],
      ['specialty (businessCategory) and role (employeeType)', '(&(businessCategory=cardiology)(employeeType=registrar))', ["Aoife O'Brien"]],
      ['ordering on employeeNumber', '(employeeNumber>=GMC1)', ['John Smith']],
      ['approximate match ignores punctuation', "(sn~=obrien)", ["Aoife O'Brien"]],
      ['unknown attribute is Undefined, and so is its NOT', '(|(favouriteColour=red)(!(favouriteColour=red)))', []],
      ['site (l)', '(&(l=Example General)(objectClass=person))', ['Joanna Smithers', 'John Smith']],
      ['department (ou)', '(ou=ward 7)', ['Joanna Smithers']],
    ];
    for (const [what, filter, want] of cases) {
      it(`${what}: ${filter}`, async () => {
        const r = await ldapsearch(fx, { bind: JANE, base: PEOPLE, filter, attrs: ['cn'] });
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(names(r), want);
      });
    }

    it('returns the inetOrgPerson attributes', async () => {
      const r = await ldapsearch(fx, { bind: JANE, filter: '(givenName=john)' });
      assert.equal(r.code, 0, r.stderr);
      const e = r.entries[0]!;
      assert.equal(e.dn, `uid=${fx.ids.p1},${PEOPLE}`);
      assert.deepEqual(e.attrs.objectClass, ['top', 'person', 'organizationalPerson', 'inetOrgPerson']);
      assert.deepEqual(
        { cn: e.attrs.cn, sn: e.attrs.sn, givenName: e.attrs.givenName, mail: e.attrs.mail, title: e.attrs.title, telephoneNumber: e.attrs.telephoneNumber, pager: e.attrs.pager, o: e.attrs.o, ou: e.attrs.ou, l: e.attrs.l, employeeNumber: e.attrs.employeeNumber },
        { cn: ['John Smith'], sn: ['Smith'], givenName: ['John'], mail: ['john.smith@rxh.nhs.example'], title: ['Consultant Cardiologist'], telephoneNumber: ['0113 000 0001'], pager: ['1234'], o: ['Example General', 'rxh-gen'], ou: ['Cardiology'], l: ['Example General'], employeeNumber: ['GMC7654321'] },
      );
      const only = await ldapsearch(fx, { bind: JANE, filter: '(givenName=john)', attrs: ['mail', 'CN'] });
      assert.deepEqual(Object.keys(only.entries[0]!.attrs).sort(), ['cn', 'mail']);
      const none = await ldapsearch(fx, { bind: JANE, filter: '(givenName=john)', attrs: ['1.1'] });
      assert.deepEqual(none.entries[0]!.attrs, {});
    });
  });

  describe('limits and paging', () => {
    it('stops at -z with sizeLimitExceeded (4)', async () => {
      const r = await ldapsearch(fx, { bind: JANE, base: PEOPLE, filter: '(sn=smi*)', extra: ['-z', '2'] });
      assert.equal(r.code, 4, r.stderr);
      assert.match(r.stderr, /Size limit exceeded \(4\)/);
      assert.equal(r.entries.length, 2);
    });

    it('pages with the paged results control (-E pr=2/noprompt) through every entry once', async () => {
      const all = await ldapsearch(fx, { bind: JANE, base: PEOPLE, filter: '(objectClass=inetOrgPerson)', attrs: ['cn'] });
      assert.equal(all.code, 0, all.stderr);
      const r = await ldapsearch(fx, { bind: JANE, base: PEOPLE, filter: '(objectClass=inetOrgPerson)', attrs: ['cn'], extra: ['-E', 'pr=2/noprompt'] });
      assert.equal(r.code, 0, r.stderr);
      const dns = r.entries.map((e) => e.dn);
      assert.equal(new Set(dns).size, dns.length, 'no entry twice');
      assert.deepEqual(dns.sort(), all.entries.map((e) => e.dn).sort());
      assert.ok(all.entries.length >= 9, `expected the whole directory, got ${all.entries.length}`);
    });
  });

  describe('visibility', () => {
    it('never returns a hidden (ex-directory) entry, by filter or by DN', async () => {
      for (const who of [JANE, GARETH, ADMIN]) {
        const r = await ldapsearch(fx, { bind: who, filter: '(|(sn=agent)(mail=secret*)(objectClass=*))' });
        assert.equal(r.code, 0, r.stderr);
        assert.ok(!r.entries.some((e) => e.attrs.sn?.includes('Agent')), 'hidden entry returned');
        const byDn = await ldapsearch(fx, { bind: who, base: `uid=${fx.ids.p4},${PEOPLE}`, scope: 'base' });
        assert.equal(byDn.code, 32, byDn.stderr);
      }
    });

    it('shows an organisation-only entry to its organisation only', async () => {
      const mine = await ldapsearch(fx, { bind: JANE, filter: '(sn=only)' });
      assert.deepEqual(names(mine), ['Olive Only']);
      const other = await ldapsearch(fx, { bind: GARETH, filter: '(sn=only)' });
      assert.equal(other.code, 0, other.stderr);
      assert.deepEqual(names(other), []);
      const byDn = await ldapsearch(fx, { bind: GARETH, base: `uid=${fx.ids.p5},${PEOPLE}`, scope: 'base' });
      assert.equal(byDn.code, 32);
    });
  });

  describe('the tree and scoping', () => {
    it('browses the tree: base, one level, organisations', async () => {
      const top = await ldapsearch(fx, { bind: JANE, scope: 'one' });
      assert.deepEqual(top.entries.map((e) => e.dn).sort(), [ORGS, PEOPLE].sort());
      const orgs = await ldapsearch(fx, { bind: JANE, base: ORGS, scope: 'one', attrs: ['o', 'seeAlso'] });
      assert.deepEqual(orgs.entries.map((e) => e.dn).sort(), ['gp1', 'national', 'north', 'rxh', 'rxh-gen'].map((s) => `o=${s},${ORGS}`).sort());
      const site = orgs.entries.find((e) => e.dn.startsWith('o=rxh-gen'))!;
      assert.deepEqual(site.attrs.seeAlso, [`o=rxh,${ORGS}`]);
    });

    it('scopes a search by an organisation\'s DN (its whole subtree)', async () => {
      const r = await ldapsearch(fx, { bind: JANE, base: `o=rxh,${ORGS}`, filter: '(objectClass=inetOrgPerson)', attrs: ['cn'] });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(names(r), ['Bed Bureau', 'Jane Smith', 'Joanna Smithers', 'John Smith', 'Olive Only', 'Smita Patel']);
      const one = await ldapsearch(fx, { bind: JANE, base: `o=rxh,${ORGS}`, scope: 'one', attrs: ['cn', 'o'] });
      assert.deepEqual(names(one), ['Bed Bureau', 'Jane Smith', 'Joanna Smithers', 'Smita Patel', 'rxh-gen']);
      const gp = await ldapsearch(fx, { bind: GARETH, base: `o=gp1,${ORGS}`, filter: '(sn=*)', attrs: ['cn'] });
      assert.deepEqual(names(gp), ["Aoife O'Brien", 'Gareth Price', 'Sian Jones']);
    });

    it('filters on o (an organisation\'s slug or name) exactly', async () => {
      const r = await ldapsearch(fx, { bind: JANE, filter: '(&(objectClass=person)(o=rxh))', attrs: ['cn'] });
      assert.deepEqual(names(r), ['Bed Bureau', 'Jane Smith', 'Joanna Smithers', 'Smita Patel']);
      const byName = await ldapsearch(fx, { bind: JANE, filter: '(&(objectClass=person)(o=Example Surgery))', attrs: ['cn'] });
      assert.deepEqual(names(byName), ["Aoife O'Brien", 'Gareth Price', 'Sian Jones']);
    });

    it('answers noSuchObject (32) for a base outside the tree', async () => {
      for (const base of ['dc=example,dc=org', `o=nope,${ORGS}`, `ou=elsewhere,${BASE}`, `uid=99999999,${PEOPLE}`]) {
        const r = await ldapsearch(fx, { bind: JANE, base });
        assert.equal(r.code, 32, `${base}: ${r.stderr}`);
      }
    });
  });
});
