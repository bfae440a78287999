/**
 * Text messages from the webmail in a real browser: Debian's Chromium (playwright-core) against the
 * real `wardpost serve` bound to the SMSC simulator (the smpp package's server side, the only
 * stand-in allowed: no mobile network is reachable). A member of staff types a text and sees its
 * parts counted, sends it and watches the delivery receipt arrive, is told in plain words what is
 * wrong with a bad number, and sends a mail merge where a bad row is reported and the rest go.
 * Screenshots go to test-artifacts/webmail-sms/.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { haveChromium, launchChromium, skipBrowser } from '../helpers/chromium.js';
import { runCli } from '../helpers/cli.js';
import { startServe, type ServerProcess } from '../helpers/server.js';
import { SmscSimulator } from '../helpers/smsc-simulator.js';
import { closeBrowserTest, signInToWebmail } from '../helpers/webmail.js';
import { until } from '../helpers/until.js';

const ARTIFACTS = path.resolve(process.cwd(), 'test-artifacts/webmail-sms');
const dataDir = mkdtempSync(path.join(tmpdir(), 'wardpost-webmail-sms-'));
const PW = 'Quiet-Lantern-Teal-2026';
const NURSE = 'nina.clinic@wardpost.test';

let srv: ServerProcess;
let sim: SmscSimulator;
let browser: Browser | undefined;

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  sim = new SmscSimulator({ receiptDelayMs: 50 });
  await sim.start();
  const env = { WARDPOST_DATA_DIR: dataDir };
  assert.equal((await runCli(['org', 'create', 'clinic-s', '--name', 'Southfield Clinic', '--kind', 'practice'], { env })).code, 0);
  const r = await runCli(['user', 'create', NURSE, '--org', 'clinic-s', '--name', 'Nina Clinic', '--password-stdin'], { env, input: PW });
  assert.equal(r.code, 0, r.stderr);
  srv = await startServe({ ...env, WARDPOST_SMPP_URL: sim.url, WARDPOST_SMPP_SYSTEM_ID: 'wardpost', WARDPOST_SMPP_PASSWORD: 'secret', WARDPOST_SMPP_RECONNECT_MS: '50' });
  if (haveChromium) browser = await launchChromium();
});

after(async () => {
  await closeBrowserTest(browser, srv, dataDir);
  await sim?.kill();
});

describe('text messages in the webmail', { skip: skipBrowser }, () => {
  let page: Page;
  const problems: string[] = [];

  it('counts the parts as you type, sends, and shows the delivery receipt', async () => {
    page = await signInToWebmail(await browser!.newContext({ viewport: { width: 1400, height: 900 } }), srv.httpUrl, NURSE, PW, problems);
    await page.getByRole('button', { name: 'Text messages' }).click();
    await page.getByRole('heading', { name: 'Text messages', level: 1 }).waitFor();

    const long = 'Your blood test results are ready. Please call the clinic on 01632 960000 between 9am and 5pm, Monday to Friday, to book a follow-up appointment with the practice nurse. Thank you.';
    await page.getByLabel('Mobile number').fill('07700 900201');
    await page.getByLabel('Message', { exact: true }).fill(long);
    // Over 160 GSM characters: two texts, counted by the server.
    assert.ok(long.length > 160 && long.length <= 306);
    await page.getByText(`${long.length} characters · 2 texts`).waitFor();
    await page.getByLabel('Message', { exact: true }).fill('See you tomorrow at 10 😊');
    await page.getByText(/1 text · .*Unicode because of 😊/).waitFor();
    await shot(page, '01-compose');
    await page.getByRole('button', { name: 'Send text' }).click();
    await page.getByText('Your text to +447700900201 is on its way.').waitFor();
    const row = page.locator('tr', { hasText: '+447700900201' });
    await row.getByText('Delivered').waitFor({ timeout: 20_000 });
    await shot(page, '02-delivered');
    const parts = await until('the SMSC to receive the text', async () => {
      const got = sim.parts.filter((p) => p.to === '+447700900201');
      return got.length ? got : null;
    });
    assert.equal(parts.length, 1);
  });

  it('says what is wrong with a bad number and sends nothing', async () => {
    const before = sim.parts.length;
    await page.getByLabel('Mobile number').fill('12345');
    await page.getByLabel('Message', { exact: true }).fill('This should not go anywhere');
    await page.getByRole('button', { name: 'Send text' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /number/i);
    await shot(page, '03-bad-number');
    assert.equal(sim.parts.length, before);
  });

  it('refuses a mail merge with a bad number naming its row, then sends the corrected one, skipping a repeated number', async () => {
    const before = sim.parts.length;
    await page.getByText('Send to many people (mail merge)').click();
    const header = 'mobile,name,date,clinic';
    const ann = '07700 900202,Ann Jones,Mon 1 Dec 09:30,Southfield Clinic';
    const cy = '07700 900203,Cy Patel,Mon 1 Dec 10:30,Southfield Clinic';
    await page.getByLabel('Recipients').fill([header, ann, 'not-a-number,Bob Smith,Mon 1 Dec 10:00,Southfield Clinic', cy].join('\n'));
    await page.getByLabel('Message to everyone').fill('Hello {{name}}, your appointment at {{clinic}} is on {{date}}.');
    await page.getByRole('button', { name: 'Send to everyone listed' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Recipient 2' });
    await alert.waitFor();
    await shot(page, '04-mail-merge-refused');
    assert.equal(sim.parts.length, before, 'nothing sent from a refused batch');
    await page.getByLabel('Recipients').fill([header, ann, cy, ann].join('\n'));
    await page.getByRole('button', { name: 'Send to everyone listed' }).click();
    await page.getByText('2 texts queued (2 parts)').waitFor();
    await page.getByText(/Row 3 \(\+447700900202\): duplicate number/).waitFor();
    await shot(page, '05-mail-merge-sent');
    const merged = await until('both merged texts at the SMSC', async () => {
      const got = sim.parts.filter((p) => p.to === '+447700900202' || p.to === '+447700900203');
      return got.length === 2 ? got : null;
    });
    assert.ok(merged.some((p) => p.text === 'Hello Ann Jones, your appointment at Southfield Clinic is on Mon 1 Dec 09:30.'));
    assert.deepEqual(problems, []);
  });
});
