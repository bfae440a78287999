/**
 * The Directory screen of the webmail in a real browser: Debian's Chromium (playwright-core) against
 * the real `wardpost serve`, with a directory loaded by `wardpost directory import`. A member of staff
 * finds a colleague from a few letters ("smi jo"), narrows the search to their own organisation (a
 * colleague elsewhere drops out), pages through many results, opens an entry (phone as a link, bleep,
 * job title) and writes to them from it; an ex-directory (hidden) entry never shows.
 * Screenshots go to test-artifacts/webmail-directory/.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { haveChromium, launchChromium, skipBrowser } from '../helpers/chromium.js';
import { until } from '../helpers/until.js';
import { runCli } from '../helpers/cli.js';
import { startServe, type ServerProcess } from '../helpers/server.js';
import { closeBrowserTest, signInToWebmail } from '../helpers/webmail.js';

const ARTIFACTS = path.resolve(process.cwd(), 'test-artifacts/webmail-directory');
const dataDir = mkdtempSync(path.join(tmpdir(), 'wardpost-webmail-directory-'));
const PW = 'Amber-Ledger-Heron-2026';
const ANN = 'ann.lee@wardpost.test';

let srv: ServerProcess;
let browser: Browser | undefined;

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });

/** key,kind,given_name,family_name,job_title,department,organisation,site,phone_desk,phone_pager,email,registration,visibility,org_kind,display_name */
const HEADER = 'key,kind,given_name,family_name,job_title,department,organisation,site,phone_desk,phone_pager,email,registration,visibility,org_kind,display_name';
const ROWS = [
  'rxh,organisation,,,,,,,,,,,national,trust,Royal Example Hospital',
  'gp1,organisation,,,,,,,,,,,national,practice,Example Surgery',
  'p1,person,John,Smith,Consultant Cardiologist,Cardiology,rxh,Main Building,0161 496 0123,2345,john.smith@rxh.example,GMC 7654321,national,,',
  'p2,person,Josie,Smiley,Practice Nurse,,gp1,,01632 960111,,josie.smiley@gp1.example,,national,,',
  'p3,person,Joanna,Smithson,Consultant Psychiatrist,Psychiatry,rxh,,0161 496 0999,,joanna.smithson@rxh.example,,hidden,,',
  // Enough to need a second page (20 a page).
  ...Array.from({ length: 23 }, (_, i) => `b${i},person,Bank${String.fromCharCode(97 + i)},Rotaworker,Bank Nurse,,rxh,,,,,,national,,`),
];

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const env = { WARDPOST_DATA_DIR: dataDir };
  const file = path.join(dataDir, 'directory.csv');
  writeFileSync(file, [HEADER, ...ROWS].join('\n'));
  const imp = await runCli(['directory', 'import', file], { env });
  assert.equal(imp.code, 0, imp.stderr + imp.stdout);
  const r = await runCli(['user', 'create', ANN, '--org', 'rxh', '--name', 'Ann Lee', '--password-stdin'], { env, input: PW });
  assert.equal(r.code, 0, r.stderr);
  srv = await startServe(env);
  if (haveChromium) browser = await launchChromium();
});

after(() => closeBrowserTest(browser, srv, dataDir));

describe('the directory in the webmail', { skip: skipBrowser }, () => {
  let page: Page;
  const problems: string[] = [];
  const results = () => page.getByRole('list', { name: 'Directory results' });
  const resultNames = async () => (await results().getByRole('button').allInnerTexts()).map((t) => t.split('\n')[0]!.trim());
  const search = async (words: string, expect: RegExp) => {
    await page.getByLabel('Name, job title or department').fill(words);
    await page.getByRole('status').filter({ hasText: expect }).waitFor();
  };

  it('finds a colleague from the start of their names, as you type', async () => {
    page = await signInToWebmail(await browser!.newContext({ viewport: { width: 1400, height: 900 } }), srv.httpUrl, ANN, PW, problems);
    await page.getByRole('button', { name: 'Directory' }).click();
    await page.getByRole('heading', { name: 'Directory', level: 1 }).waitFor();

    await page.getByLabel('Name, job title or department').pressSequentially('smi jo', { delay: 30 });
    await page.getByRole('status').filter({ hasText: /matches? in the whole country for “smi jo”/ }).waitFor();
    await results().getByRole('button', { name: /John Smith/ }).waitFor();
    const names = await resultNames();
    assert.ok(names.includes('John Smith'), names.join(', '));
    assert.ok(names.includes('Josie Smiley'), `a colleague in another organisation is found nationally: ${names.join(', ')}`);
    assert.ok(!names.includes('Joanna Smithson'), 'an ex-directory entry never shows');
    await shot(page, '01-national');
  });

  it('narrows to my own organisation, where a colleague elsewhere is not listed', async () => {
    await page.getByLabel('Search in').selectOption({ label: 'My organisation (Royal Example Hospital)' });
    await page.getByRole('status').filter({ hasText: /in Royal Example Hospital for “smi jo”/ }).waitFor();
    await results().getByRole('button', { name: /John Smith/ }).waitFor();
    const names = await resultNames();
    assert.ok(!names.includes('Josie Smiley'), names.join(', '));
    assert.ok(!names.includes('Joanna Smithson'), 'an ex-directory entry never shows, even in its own organisation');
    await shot(page, '02-own-organisation');
    // Named outright, the hidden entry is still not there.
    await search('smithson', /No one found for “smithson” in Royal Example Hospital/);
    await page.getByLabel('Search in').selectOption({ label: 'Whole country' });
    await page.getByRole('status').filter({ hasText: /No one found for “smithson” in the whole country/ }).waitFor();
  });

  it('pages through many results with "More results"', async () => {
    await search('rotaworker', /23 matches in the whole country/);
    assert.equal((await resultNames()).length, 20);
    await page.getByText('Showing 20 of 23').waitFor();
    await page.getByRole('button', { name: 'More results' }).click();
    await page.getByRole('button', { name: 'More results' }).waitFor({ state: 'detached' });
    assert.equal(new Set(await resultNames()).size, 23);
  });

  it('opens an entry with its phone and job title, and writes an email to them', async () => {
    await search('smi jo', /matches? in the whole country for “smi jo”/);
    await results().getByRole('button', { name: /John Smith/ }).click();
    const detail = page.getByRole('region', { name: 'John Smith' });
    await detail.waitFor();
    await detail.getByText('Consultant Cardiologist').waitFor();
    // Focus follows the choice, so the keyboard and a screen reader are where the entry is.
    await until('focus on the entry', async () => (await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string | null } | null } }).document.activeElement?.textContent?.trim())) === 'John Smith');
    const phone = detail.getByRole('link', { name: '0161 496 0123' });
    assert.equal(await phone.getAttribute('href'), 'tel:01614960123');
    await detail.getByText('2345').waitFor();
    await detail.getByText('GMC 7654321').waitFor();
    await detail.getByText('john.smith@rxh.example').waitFor();
    await shot(page, '03-entry');
    await detail.getByRole('button', { name: 'Write email' }).click();
    const compose = page.getByRole('dialog', { name: 'New message' });
    await compose.waitFor();
    await compose.getByRole('list', { name: 'To recipients' }).getByText('John Smith <john.smith@rxh.example>').waitFor();
    await shot(page, '04-compose');
    await compose.getByRole('button', { name: 'Discard' }).click();
    await compose.waitFor({ state: 'detached' });
    assert.deepEqual(problems, []);
  });
});
