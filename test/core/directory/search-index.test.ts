/** The search index's fast paths (ranked short-prefix lists) against its general ranking. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DirectorySearchIndex, type IndexQuery } from '../../../src/core/directory/search-index.js';
import type { Visibility } from '../../../src/core/directory/types.js';

const GIVEN = ['John', 'Joanna', 'Sian', 'Aoife', 'Amir', 'Ann', 'Smita', 'Jo', 'Oliver', 'Olu', 'Zara', 'Annette'];
const FAMILY = ['Smith', 'Smithers', 'Jones', "O'Brien", 'Ahmed', 'Sm', 'Anderson', 'Okafor', 'Quill', 'Jo-Smith'];
const TITLES = ['Staff Nurse', 'Consultant Smoker Cessation', 'GP', 'Ward Clerk', 'Junior Doctor', 'Sister', 'Angiographer'];
const VIS: Visibility[] = ['national', 'national', 'national', 'organisation', 'hidden'];

function entries(n: number, seed: number, orgs = 6) {
  // mulberry32: an LCG in floating point loses its low bits (one seed gave three given names in 3,000 entries).
  let x = seed >>> 0;
  const r = (k: number) => {
    x = (x + 0x6d2b79f5) >>> 0;
    let t = Math.imul(x ^ (x >>> 15), 1 | x);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % k;
  };
  return Array.from({ length: n }, (_, i) => {
    const g = GIVEN[r(GIVEN.length)]!;
    const f = FAMILY[r(FAMILY.length)]!;
    const t = TITLES[r(TITLES.length)]!;
    return {
      id: i + 1,
      kind: 'person' as const,
      orgId: 1 + r(orgs),
      visibility: VIS[r(VIS.length)]!,
      names: `${g} ${f} ${g} ${f}`,
      other: `${t} ${t.split(' ')[0]}`,
      role: t.split(' ')[0]!,
      specialty: null,
      site: null,
    };
  });
}

function both(n: number, seed: number, orgs = 6): [DirectorySearchIndex, DirectorySearchIndex] {
  const fast = new DirectorySearchIndex();
  const plain = new DirectorySearchIndex({ shortPrefix: 0 });
  for (const e of entries(n, seed, orgs)) {
    fast.put(e);
    plain.put(e);
  }
  fast.warmShortPrefixes();
  return [fast, plain];
}

const queries = (text: string): IndexQuery[] => {
  const out: IndexQuery[] = [];
  for (const own of [new Set<number>(), new Set([2]), new Set([3, 4])]) {
    for (const orgs of [undefined, new Set([2, 3])]) {
      for (const [offset, limit] of [[0, 5], [0, 50], [3, 7], [40, 20]] as const) {
        for (const role of [undefined, 'Staff']) {
          out.push({ text, ownOrgs: own, ...(orgs ? { orgs } : {}), ...(role ? { role } : {}), mayViewOrg: (o) => o === 2 || o === 4, offset, limit });
        }
      }
    }
  }
  return out;
};

it('answers short prefixes from ranked lists exactly as the general ranking does', () => {
  const [fast, plain] = both(600, 7);
  for (const text of ['s', 'sm', 'jo', 'o', 'ob', 'a', 'an', 'z', 'q', 'x', 'st', 'gp', 'j', 'smi', 'jos', 'ann', 'sis']) {
    for (const q of queries(text)) {
      const what = `${text} ${JSON.stringify({ ...q, ownOrgs: [...q.ownOrgs], orgs: q.orgs && [...q.orgs] })}`;
      const want = plain.search(q);
      assert.deepEqual(fast.search(q), want, what);
      // Without an exact total: the same page, and a total that tells whether more follow.
      const quick = fast.search({ ...q, exactTotal: false });
      assert.deepEqual(quick.ids, want.ids, what);
      assert.ok(quick.total <= want.total, what);
      assert.equal(quick.total > q.offset + quick.ids.length, want.total > q.offset + want.ids.length, what);
    }
  }
});

it('answers short prefixes within a small scope from its entries exactly as the general ranking does', () => {
  const [fast, plain] = both(3000, 5, 90);
  for (const text of ['s', 'sm', 'jo', 'o', 'a', 'an', 'z', 'q', 'x', 'st', 'gp', 'j', '9', 'smi', 'job', 'jon', 'sta', 'ang', 'obr', 'oka', 'ann', 'con', 'zzz', 'sm9']) {
    for (const q of queries(text)) assert.deepEqual(fast.search(q), plain.search(q), `${text} ${JSON.stringify({ ...q, ownOrgs: [...q.ownOrgs], orgs: q.orgs && [...q.orgs] })}`);
  }
});

it('keeps ranked prefix lists current when entries are added, changed and removed', () => {
  const [fast, plain] = both(300, 3);
  const q = (text: string): IndexQuery => ({ text, ownOrgs: new Set([1]), mayViewOrg: () => true, offset: 0, limit: 400 });
  for (const t of ['sm', 'zz', 'a']) assert.deepEqual(fast.search(q(t)), plain.search(q(t)));
  // Counted once, then a removal must be seen.
  const nat = (text: string): IndexQuery => ({ text, ownOrgs: new Set(), mayViewOrg: () => false, offset: 0, limit: 10 });
  const before = fast.search(nat('sm'));
  assert.deepEqual(before, plain.search(nat('sm')));
  for (const idx of [fast, plain]) idx.remove(before.ids[0]!);
  assert.deepEqual(fast.search(nat('sm')), plain.search(nat('sm')));
  assert.equal(fast.search(nat('sm')).total, before.total - 1);
  const change = { id: 5, kind: 'person' as const, orgId: 1, visibility: 'national' as const, names: 'Zzyzx Aaronson Zzyzx Aaronson', other: 'Smoker', role: null, specialty: null, site: null };
  for (const idx of [fast, plain]) {
    idx.put(change);
    idx.put({ ...change, id: 100_000, names: 'Smythe Zed Smythe Zed' });
    idx.remove(7);
  }
  const national = (text: string): IndexQuery => ({ ...q(text), ownOrgs: new Set(), mayViewOrg: (o) => o === 2 });
  for (const t of ['sm', 'zz', 'a', 'z', 'ze']) {
    assert.deepEqual(fast.search(q(t)), plain.search(q(t)), t);
    assert.deepEqual(fast.search(national(t)), plain.search(national(t)), t);
  }
  for (const idx of [fast, plain]) for (let id = 20; id < 60; id++) idx.remove(id);
  for (const t of ['sm', 'a', 's', 'jo']) assert.deepEqual(fast.search(national(t)), plain.search(national(t)), t);
  assert.ok(fast.search(q('zz')).ids.includes(5));
  assert.ok(fast.search(q('sm')).ids.includes(100_000));
  assert.ok(!fast.search(q('sm')).ids.includes(7));
});

it('pre-checks the start of display and family names (nameStarts) without changing the ranking', () => {
  const list = entries(500, 11).map((e, i) => ({ ...e, display: e.names.split(' ').slice(0, 2).join(' '), family: i % 7 ? e.names.split(' ')[1]! : '' }));
  const idx = new DirectorySearchIndex();
  for (const e of list) idx.put(e);
  const byId = new Map(list.map((e) => [e.id, e]));
  const fold = (t: string) => t.toLowerCase();
  const q = (text: string, nameStarts?: IndexQuery['nameStarts']): IndexQuery => ({ text, ownOrgs: new Set([2]), mayViewOrg: () => true, ...(nameStarts ? { nameStarts } : {}), offset: 0, limit: 1000 });
  const cases: [string, NonNullable<IndexQuery['nameStarts']>, (e: (typeof list)[number]) => boolean][] = [
    ['jo', { display: 'jo' }, (e) => fold(e.display).startsWith('jo')],
    ['sm', { family: 'sm' }, (e) => fold(e.family || e.display).startsWith('sm')],
    ['s', { family: 'smithers' }, (e) => fold(e.family || e.display).startsWith('smithers')],
    ['o', { family: "o'brien" }, (e) => fold(e.family || e.display).startsWith('o')],
    ['jo sm', { display: 'jo', family: 'smi' }, (e) => fold(e.display).startsWith('jo') && fold(e.family || e.display).startsWith('smi')],
    ['a', { display: '' }, () => true],
  ];
  for (const [text, starts, pred] of cases) {
    const all = idx.search(q(text));
    const want = all.ids.filter((id) => pred(byId.get(id)!));
    const got = idx.search(q(text, starts));
    assert.deepEqual(got.ids, want, `${text} ${JSON.stringify(starts)}`);
    assert.equal(got.total, want.length);
    assert.ok(text === 'a' || want.length < all.ids.length, `${text} narrows`);
  }
});

it('matches whole words only where asked (wholeWords): "jo" is Jo, not John or Joanna', () => {
  const list = entries(800, 5);
  const idx = new DirectorySearchIndex();
  for (const e of list) idx.put(e);
  const q = (text: string, wholeWords?: string[]): IndexQuery => ({ text, ...(wholeWords ? { wholeWords } : {}), ownOrgs: new Set(), mayViewOrg: () => true, offset: 0, limit: 1000 });
  const words = (e: (typeof list)[number]) => `${e.names} ${e.other}`.toLowerCase().split(/[^a-z]+/);
  for (const [text, whole] of [['jo', ['jo']], ['ann', ['ann']], ['sm', ['sm']], ['jo sm', ['jo']], ['smith', ['smith']]] as const) {
    const got = new Set(idx.search(q(text, [...whole])).ids);
    const want = list.filter((e) => e.visibility !== 'hidden' && text.split(' ').every((w) => (whole.includes(w as never) ? words(e).includes(w) : words(e).some((x) => x.startsWith(w)))));
    assert.deepEqual([...got].sort((a, b) => a - b), want.map((e) => e.id), `${text} whole ${whole.join(',')}`);
    assert.ok(idx.search(q(text)).ids.length > got.size || text === 'smith', `${text}: the prefix search finds more`);
  }
});

it('finds a whole word within a name start from its start-ordered postings, current after puts and removals, page by page', () => {
  const list = entries(3000, 23).map((e) => ({ ...e, display: e.names.split(' ').slice(0, 2).join(' '), family: e.names.split(' ')[1]! }));
  const idx = new DirectorySearchIndex();
  for (const e of list) idx.put(e);
  const live = new Map(list.map((e) => [e.id, e]));
  const fold = (t: string) => t.toLowerCase().replace(/[^a-z0-9]/g, '');
  const unranked = (word: string, nameStarts: NonNullable<IndexQuery['nameStarts']>) => {
    // Walks every page, as LDAP does (from/next), three at a time.
    const ids: number[] = [];
    for (let from: number | undefined = 0; from !== undefined; ) {
      const r = idx.search({ text: word, wholeWords: [word], nameStarts, ranked: false, exactTotal: false, typos: false, from, ownOrgs: new Set(), mayViewOrg: (o) => o === 2, offset: 0, limit: 3 });
      ids.push(...r.ids);
      from = r.next;
    }
    return ids.sort((a, b) => a - b);
  };
  const expected = (word: string, starts: NonNullable<IndexQuery['nameStarts']>) =>
    [...live.values()]
      .filter((e) => e.visibility === 'national' || (e.visibility === 'organisation' && e.orgId === 2))
      .filter((e) => e.names.toLowerCase().split(/[^a-z]+/).includes(word))
      .filter((e) => (!starts.family || fold(e.family).startsWith(starts.family)) && (!starts.display || fold(e.display).startsWith(starts.display)))
      .map((e) => e.id)
      .sort((a, b) => a - b);
  const cases: [string, NonNullable<IndexQuery['nameStarts']>][] = [
    ['john', { family: 'sm' }],
    ['john', { family: 'smithers' }],
    ['smith', { family: 'smith' }],
    ['ann', { family: 'o' }],
    ['oliver', { display: 'ol' }],
    ['jo', { family: 'jo', display: 'jo' }],
    ['zara', { family: 'q' }],
  ];
  const check = (when: string) => {
    for (const [word, starts] of cases) {
      const want = expected(word, starts);
      assert.deepEqual(unranked(word, starts), want, `${when}: ${word} ${JSON.stringify(starts)}`);
    }
  };
  check('at load');
  assert.ok(expected('john', { family: 'sm' }).length > 3, 'more than one page');
  // New entries, changed ones (a new slot each) and removals after the ordered lists were built.
  for (const e of entries(400, 99)) {
    const added = { ...e, id: 10_000 + e.id, display: e.names.split(' ').slice(0, 2).join(' '), family: e.names.split(' ')[1]! };
    idx.put(added);
    live.set(added.id, added);
  }
  for (const id of [1, 2, 3, 50, 51, 52]) {
    const changed = { ...live.get(id)!, names: 'John Smithson John Smithson', display: 'John Smithson', family: 'Smithson', visibility: 'national' as const };
    idx.put(changed);
    live.set(id, changed);
  }
  for (const e of list.slice(100, 400)) {
    idx.remove(e.id);
    live.delete(e.id);
  }
  check('after changes');
});
