/** The national directory: import, search semantics and visibility, on both engines. */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, it } from 'node:test';
import { forEachEngine } from '../../helpers/engines.js';
import { ACTOR, GOOD_PASSWORD, servicesFor } from '../../helpers/platform.js';
import { DirectoryImporter } from '../../../src/core/directory/csv-import.js';
import { DirectoryService } from '../../../src/core/directory/directory-service.js';
import { InProcessEventBus } from '../../../src/core/events/bus.js';
import { syntheticDirectory } from '../../../src/core/directory/synthetic.js';
import type { Viewer } from '../../../src/core/directory/types.js';
import type { Services } from '../../../src/core/services.js';
import type { Store } from '../../../src/store/types.js';

const HEADER = 'key,kind,given_name,family_name,display_name,job_title,role,specialty,organisation,site,email,phone_desk,visibility,parent,org_kind,national_code';
const CSV = [
  HEADER,
  'north,organisation,,,North Region,,,,,,,,national,,region,Y60',
  'rxh,organisation,,,Royal Example Hospital,,,,,,,,national,north,trust,RXH',
  'rxh-gen,site,,,Example General,,,,,,,,national,rxh,site,RXH01',
  'gp1,organisation,,,Example Surgery,,,,,,,,national,north,practice,A12345',
  'p1,person,John,Smith,,Consultant Cardiologist,Consultant,Cardiology,rxh-gen,Example General,john.smith@rxh.nhs.example,0113 000 0001,national,,,',
  'p2,person,Joanna,Smithers,,Staff Nurse,Nurse,,RXH,Example General,,,national,,,',
  'p3,person,Sian,Jones,,GP Partner,GP,General Practice,gp1,,,,national,,,',
  'p4,person,Secret,Agent,,Consultant,Consultant,Cardiology,rxh,,,,hidden,,,',
  'p5,person,Olive,Only,,Ward Clerk,Clerk,,rxh-gen,,,,organisation,,,',
  "p6,person,Aoife,O'Brien,,Registrar,Registrar,Cardiology,gp1,,,,national,,,",
  'bad1,person,,,,,,,rxh,,,,national,,,',
  'bad2,person,Ann,Nobody,,,,,no-such-org,,,,national,,,',
  'bad3,person,Ann,Mail,,,,,rxh,,not-an-email,,national,,,',
  'bad4,wizard,Ann,Kind,,,,,rxh,,,,national,,,',
  'p1,person,John,Again,,,,,rxh,,,,national,,,',
  'bad5,person,Ann,Vis,,,,,rxh,,,,secret,,,',
].join('\n');

forEachEngine('national directory', (engine) => {
  let store: Store;
  let services: Services;
  const nat: Viewer = { accountId: null, orgId: null, national: true };
  let rxhViewer: Viewer;
  let gpViewer: Viewer;

  before(async () => {
    store = await engine.open();
    services = servicesFor(store).services;
    await services.directory.start();
  });
  after(async () => {
    services.directory.stop();
    await store.close();
    await engine.cleanup();
  });

  const run = (csv: string) => new DirectoryImporter(store, services.orgs, services.directory).import(Readable.from([csv]), { actor: ACTOR });

  it('imports organisations and people, reporting bad rows by line without stopping', async () => {
    const s = await run(CSV);
    assert.equal(s.rows, 16);
    assert.deepEqual(
      s.rejections.map((r) => [r.line, r.key]),
      [
        [12, 'bad1'],
        [13, 'bad2'],
        [14, 'bad3'],
        [15, 'bad4'],
        [16, 'p1'],
        [17, 'bad5'],
      ],
    );
    assert.match(s.rejections[0]!.reason, /display_name/);
    assert.match(s.rejections[1]!.reason, /organisation "no-such-org" is not known/);
    assert.match(s.rejections[4]!.reason, /duplicate key \(first on line 6\)/);
    assert.equal(s.rejected, 6);
    assert.equal((await services.orgs.get('rxh-gen')).parentSlug, 'rxh');
    rxhViewer = { accountId: null, orgId: (await services.orgs.get('rxh-gen')).id };
    gpViewer = { accountId: null, orgId: (await services.orgs.get('gp1')).id };
  });

  it('changes nothing when the same file is imported again', async () => {
    const before = await store.directory.count();
    const s = await run(CSV);
    assert.equal(s.added + s.updated, 0);
    assert.equal(s.unchanged, 10);
    assert.equal(await store.directory.count(), before);
  });

  it('finds people by word prefixes in any order ("smi jo" finds John Smith and Joanna Smithers)', async () => {
    const r = await services.directory.search(nat, { text: 'smi jo' });
    assert.deepEqual(r.entries.map((e) => e.displayName).sort(), ['Joanna Smithers', 'John Smith']);
    const r1 = await services.directory.search(nat, { text: 'joh smi' });
    assert.deepEqual(r1.entries.map((e) => e.displayName), ['John Smith']);
    const r2 = await services.directory.search(nat, { text: 'smi' });
    assert.deepEqual(r2.entries.map((e) => e.displayName).sort(), ['Joanna Smithers', 'John Smith']);
  });

  it('tolerates one typo in longer words and ranks exact matches first', async () => {
    const r = await services.directory.search(nat, { text: 'smiht' });
    assert.equal(r.entries[0]?.displayName, 'John Smith');
    const r2 = await services.directory.search(nat, { text: 'jnoes' });
    assert.equal(r2.entries[0]?.displayName, 'Sian Jones');
  });

  it("matches names with apostrophes typed either way", async () => {
    for (const q of ['obrien', "o'brien", 'brien']) {
      const r = await services.directory.search(nat, { text: q });
      assert.deepEqual(r.entries.map((e) => e.displayName), ["Aoife O'Brien"], q);
    }
  });

  it('searches job titles and filters by role and specialty', async () => {
    const r = await services.directory.search(nat, { text: 'cardio' });
    assert.deepEqual(r.entries.map((e) => e.displayName).sort(), ["Aoife O'Brien", 'John Smith']);
    const c = await services.directory.search(nat, { specialty: 'cardiology', role: 'consultant' });
    assert.deepEqual(c.entries.map((e) => e.displayName), ['John Smith']);
  });

  it('scopes a search to any node of the organisation tree', async () => {
    const trust = await services.directory.search(nat, { text: 'smi', scope: 'rxh' });
    assert.equal(trust.total, 2, 'the trust includes its site');
    const gp = await services.directory.search(nat, { text: 'smi', scope: 'gp1' });
    assert.equal(gp.total, 0);
    const byCode = await services.directory.search(nat, { kind: 'person', scope: 'A12345' });
    assert.deepEqual(byCode.entries.map((e) => e.displayName).sort(), ["Aoife O'Brien", 'Sian Jones']);
  });

  it('never shows hidden entries, and organisation-only entries only within the organisation', async () => {
    assert.equal((await services.directory.search(nat, { text: 'secret agent' })).total, 0);
    assert.equal((await services.directory.search(rxhViewer, { text: 'olive' })).total, 1, 'same trust (site of it)');
    assert.equal((await services.directory.search(gpViewer, { text: 'olive' })).total, 0, 'another organisation');
    const hidden = (await store.directory.bySourceKey('csv:p4'))!;
    await assert.rejects(services.directory.get(nat, Number(hidden.id)), /no directory entry/);
  });

  it("puts the viewer's own organisation first", async () => {
    const fromGp = await services.directory.search(gpViewer, { text: 'cardio' });
    assert.equal(fromGp.entries[0]?.displayName, "Aoife O'Brien");
    const fromRxh = await services.directory.search(rxhViewer, { text: 'cardio' });
    assert.equal(fromRxh.entries[0]?.displayName, 'John Smith');
  });

  it('keeps accounts in step with their entries', async () => {
    const a = await services.accounts.create({ address: 'zara.quill@wardpost.test', orgSlug: 'rxh', name: 'Zara Quill', password: GOOD_PASSWORD, jobTitle: 'Dietitian' }, ACTOR);
    await new Promise((r) => setTimeout(r, 20));
    const r = await services.directory.search(nat, { text: 'quill' });
    assert.equal(r.entries[0]?.email, 'zara.quill@wardpost.test');
    assert.equal(r.entries[0]?.accountId, a.id);
    assert.equal(r.entries[0]?.jobTitle, 'Dietitian');
  });

  it('pages through a generated directory with stable totals', async () => {
    const csv = [...syntheticDirectory({ people: 3000, seed: 7, trustsPerRegion: 1 })].join('\n');
    const s = await run(csv);
    assert.equal(s.rejected, 0, JSON.stringify(s.rejections.slice(0, 3)));
    const first = await services.directory.search(nat, { text: 'a', limit: 50 });
    const second = await services.directory.search(nat, { text: 'a', limit: 50, offset: 50 });
    assert.equal(first.total, second.total);
    assert.equal(first.entries.length, 50);
    const ids = new Set([...first.entries, ...second.entries].map((e) => e.id));
    assert.equal(ids.size, 100, 'pages do not overlap');
  });

  it('never serves a cached copy of an entry that changed', async () => {
    const row = (title: string, vis: string) => [HEADER, `cache1,person,Quentin,Cachet,,${title},GP,General Practice,gp1,,,,${vis},,,`].join('\n');
    await run(row('GP Partner', 'national'));
    const before = await services.directory.search(nat, { text: 'quentin cachet' });
    const id = before.entries[0]!.id;
    assert.equal(before.entries[0]!.jobTitle, 'GP Partner');
    assert.equal((await services.directory.get(nat, id)).jobTitle, 'GP Partner');
    assert.equal((await services.directory.search(nat, { text: 'qu' })).entries.find((e) => e.id === id)?.jobTitle, 'GP Partner');
    await run(row('GP Principal', 'national'));
    assert.equal((await services.directory.search(nat, { text: 'quentin cachet' })).entries[0]?.jobTitle, 'GP Principal');
    assert.equal((await services.directory.get(nat, id)).jobTitle, 'GP Principal');
    assert.equal((await services.directory.search(nat, { text: 'qu' })).entries.find((e) => e.id === id)?.jobTitle, 'GP Principal');
    await run(row('GP Principal', 'hidden'));
    assert.equal((await services.directory.search(nat, { text: 'quentin cachet' })).total, 0);
    assert.equal((await services.directory.search(nat, { text: 'qu' })).entries.find((e) => e.id === id), undefined);
    await assert.rejects(services.directory.get(nat, id), /no directory entry/);
  });

  it('a node started just after an import re-indexes only what changed since it loaded', async () => {
    // Another process (a node without this bus: the CLI beside serve) starts right after the
    // import above; its catch-up reaches back 2 s, over rows it loaded unchanged.
    const other = new DirectoryService(store, new InProcessEventBus());
    await other.start(undefined, { catchUpMs: 0 });
    try {
      assert.equal(await other.catchUp(), 0, 'nothing changed since the load');
      await run([HEADER, 'late1,person,Lena,Latecomer,,Porter,Porter,,rxh,,,,national,,,'].join('\n'));
      assert.equal(await other.catchUp(), 1, 'the one entry written since');
      assert.equal((await other.search(nat, { text: 'lena late' })).entries[0]?.displayName, 'Lena Latecomer');
    } finally {
      other.stop();
    }
  });
});
