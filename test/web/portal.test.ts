/**
 * The administration portal (/admin/) in a real browser: Debian's Chromium driven by
 * playwright-core against the real `wardpost serve`. A local administrator signs in, enrols
 * two-step sign-in, signs in again with a code, resets a user's password, changes a quota,
 * suspends and restores, imports a CSV of new starters (progress, summary, report), changes its own
 * password, reads the audit log, and is refused another organisation's account.
 * Screenshots go to test-artifacts/portal/ (git-ignored) for people to look at.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import { generate } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import { haveChromium, launchChromium, skipBrowser } from '../helpers/chromium.js';
import { registerAdminPortal } from '../../src/protocols/http/static.js';
import { runCli } from '../helpers/cli.js';
import { startServe, type ServerProcess } from '../helpers/server.js';
import { closeBrowserTest } from '../helpers/webmail.js';
import { until } from '../helpers/until.js';


const ARTIFACTS = path.resolve(process.cwd(), 'test-artifacts/portal');
const dataDir = mkdtempSync(path.join(tmpdir(), 'wardpost-portal-'));
const env = { WARDPOST_DATA_DIR: dataDir };
const PW = 'Clinic-Rota-Blue-2026';
const ADMIN = 'admin.a@wardpost.test';

let srv: ServerProcess;
let browser: Browser | undefined;

const cli = async (args: string[], input?: string) => {
  const r = await runCli(args, { env, ...(input ? { input } : {}) });
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await cli(['org', 'create', 'north', '--name', 'North Region', '--kind', 'region']);
  await cli(['org', 'create', 'trust-a', '--name', 'Royal Example Hospital', '--parent', 'north', '--kind', 'trust']);
  await cli(['org', 'create', 'site-a1', '--name', 'Riverside Site', '--parent', 'trust-a', '--kind', 'site']);
  await cli(['org', 'create', 'trust-b', '--name', 'Other Valley Trust', '--parent', 'north', '--kind', 'trust']);
  for (const [addr, org, role, name, quota] of [
    [ADMIN, 'trust-a', 'org-admin', 'Alan Admin', '2G'],
    ['user.a@wardpost.test', 'site-a1', 'user', 'Ula User', '2G'],
    ['ward.clerk@wardpost.test', 'site-a1', 'user', 'Wendy Clerk', '1G'],
    ['theatre.lead@wardpost.test', 'trust-a', 'user', 'Theo Lead', '5G'],
    ['pharmacy@wardpost.test', 'trust-a', 'user', 'Phil Macy', '2G'],
    ['user.b@wardpost.test', 'trust-b', 'user', 'Ubo User', '2G'],
  ]) {
    await cli(['user', 'create', addr!, '--org', org!, '--name', name!, '--role', role!, '--quota', quota!, '--password-stdin'], PW);
  }
  // The webhook receiver below listens on loopback, which only this explicit allow-list permits.
  // A first attempt that times out on a loaded machine is retried in 200 ms, not the default 30 s.
  srv = await startServe({ ...env, WARDPOST_WEBHOOK_ALLOW_PRIVATE: '127.0.0.1', WARDPOST_WEBHOOK_RETRY_MS: '200' });
  if (haveChromium) {
    browser = await launchChromium();
  }
});

after(() => closeBrowserTest(browser, srv, dataDir));

describe('portal files', () => {
  it('serves the app at /admin/ with security headers, client routes as index.html, hashed assets cached for long', async () => {
    const res = await fetch(`${srv.httpUrl}/admin/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    const html = await res.text();
    const asset = /\/admin\/assets\/[^"]+\.js/.exec(html)?.[0];
    assert.ok(asset, html);
    const js = await fetch(`${srv.httpUrl}${asset}`);
    assert.equal(js.status, 200);
    await js.text();
    assert.match(js.headers.get('cache-control') ?? '', /max-age=31536000, immutable/);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);

    const deep = await fetch(`${srv.httpUrl}/admin/accounts/user.a@wardpost.test`);
    assert.equal(deep.status, 200);
    assert.equal(await deep.text(), html);
    const missing = await fetch(`${srv.httpUrl}/admin/assets/nothing-here.js`);
    assert.equal(missing.status, 404);
    await missing.text(); // every body is read: an unread one keeps the connection busy and delays the server's shutdown
    for (const evil of ['/admin/..%2f..%2f..%2fpackage.json', '/admin/assets/..%2f..%2f..%2f..%2fpackage.json', '/admin/%2e%2e/%2e%2e/%2e%2e/package.json']) {
      const r = await fetch(`${srv.httpUrl}${evil}`);
      assert.doesNotMatch(await r.text(), /"name": "wardpost"/, `${evil} must not leave the build folder`);
    }
    const bare = await fetch(`${srv.httpUrl}/admin`, { redirect: 'manual' });
    assert.equal(bare.status, 301);
    assert.equal(bare.headers.get('location'), '/admin/');
    await bare.text();
  });

  it('answers 503 naming the build command when the portal is not built', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'wardpost-noportal-'));
    const app = Fastify();
    registerAdminPortal(app, { dir: empty });
    try {
      const r = await app.inject({ method: 'GET', url: '/admin/' });
      assert.equal(r.statusCode, 503);
      assert.match(r.body, /run npm run build/);
    } finally {
      await app.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('portal in Chromium', { skip: skipBrowser }, () => {
  let page: Page;
  const problems: string[] = [];

  it('a first-time local administrator signs in and enrols two-step sign-in', async () => {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true });
    page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    await page.goto(`${srv.httpUrl}/admin/`);
    await page.getByRole('heading', { name: 'Sign in to administration' }).waitFor();
    await shot(page, '01-sign-in');
    await page.getByLabel('Email address').fill(ADMIN);
    await page.getByLabel('Password').fill(PW);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('heading', { name: 'Set up two-step sign-in' }).waitFor();
    await page.getByRole('button', { name: 'Set up two-step sign-in' }).click();
    const secretEl = page.getByTestId('totp-secret');
    await secretEl.waitFor();
    const secret = (await secretEl.getAttribute('data-secret'))!;
    assert.match(secret, /^[A-Z2-7]{16,}$/);
    assert.equal((await secretEl.innerText()).replace(/\s+/g, ''), secret, 'the key on screen is the secret');
    assert.match(await page.getByTestId('totp-uri').innerText(), /^otpauth:\/\/totp\/.*secret=/);
    await shot(page, '02-enrol-key');

    // A wrong code is refused in plain words.
    await page.getByLabel('Code from the app').fill('12');
    await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
    await page.getByRole('alert').getByText('Enter the 6-digit code shown in your authenticator app.').waitFor();

    await page.getByLabel('Code from the app').fill(await generate({ secret }));
    await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
    await page.getByRole('heading', { name: 'Save your recovery codes' }).waitFor();
    const codes = await page.getByTestId('recovery-codes').locator('li').allInnerTexts();
    assert.equal(codes.length, 10);
    await shot(page, '03-enrol-recovery-codes');
    const next = page.getByRole('button', { name: 'Sign in again with a code' });
    assert.equal(await next.isDisabled(), true, 'the codes must be acknowledged first');
    await page.getByLabel('I have stored my recovery codes safely').check();
    await next.click();

    // Back at sign-in: the address is kept; the password then the code.
    await page.getByRole('heading', { name: 'Sign in to administration' }).waitFor();
    assert.equal(await page.getByLabel('Email address').inputValue(), ADMIN);
    await page.getByLabel('Password').fill(PW);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Enter your security code' }).waitFor();
    await page.getByLabel('Security code').fill('000000' === (await generate({ secret })) ? '111111' : '000000');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('alert').getByText('That code is not right').waitFor();
    await page.getByLabel('Security code').fill(await generate({ secret }));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
  });

  it('shows the dashboard with charts of its own organisations only', async () => {
    assert.equal(await page.getByTestId('stat-accounts').innerText(), '5', 'trust-a and site-a1: admin + 4 users');
    const chart = page.getByRole('img', { name: /^Accounts per organisation\./ });
    const label = (await chart.getAttribute('aria-label'))!;
    assert.match(label, /Royal Example Hospital: 3/);
    assert.match(label, /Riverside Site: 2/);
    assert.doesNotMatch(label, /Other Valley Trust/);
    await page.getByRole('img', { name: /^Storage used against quota, per organisation\./ }).waitFor();
    await shot(page, '04-dashboard');
  });

  it('searches accounts, resets a password (one-time password shown once) and changes a quota', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Accounts' }).click();
    await page.getByRole('heading', { name: 'Accounts', exact: true }).waitFor();
    const table = page.locator('table');
    await table.getByText('Ula User').waitFor();
    assert.equal(await table.getByText('user.b@wardpost.test').count(), 0, 'another organisation’s staff are not listed');
    await page.getByLabel('Search by name or email address').fill('wendy');
    await page.getByText('1 account of 5').waitFor();
    await page.getByLabel('Search by name or email address').fill('user.a');
    await page.getByRole('link', { name: 'Ula User' }).click();
    await page.getByRole('heading', { name: 'Ula User' }).waitFor();
    assert.match(page.url(), /\/admin\/accounts\/user\.a%40wardpost\.test$/);

    await page.getByRole('button', { name: 'Reset password' }).click();
    await page.getByRole('button', { name: 'Yes, reset password' }).click();
    const otp = await page.getByTestId('one-time-password').innerText();
    assert.ok(otp.length >= 20, otp);
    await shot(page, '05-account-reset-password');
    const login = await fetch(`${srv.httpUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ address: 'user.a@wardpost.test', password: otp }) });
    assert.equal(login.status, 200, 'the one-time password works');
    assert.equal(((await login.json()) as { account: { mustChangePassword: boolean } }).account.mustChangePassword, true);
    await page.getByRole('button', { name: 'I have passed it on: hide it' }).click();
    assert.equal(await page.getByTestId('one-time-password').count(), 0);

    // A bad size is refused with the API's own words; a good one is applied.
    await page.getByLabel('New mailbox size').fill('lots');
    await page.getByRole('button', { name: 'Change size' }).click();
    await page.getByRole('alert').getByText('"lots" is not a size').waitFor();
    await page.getByLabel('New mailbox size').fill('3G');
    await page.getByRole('button', { name: 'Change size' }).click();
    await page.getByText('Mailbox size for Ula User is now 3 GB.').waitFor();
    assert.match(await page.getByTestId('quota').innerText(), /of 3 GB/);
    const shown = JSON.parse(await cli(['user', 'show', 'user.a@wardpost.test', '--json'])) as { quotaBytes: number };
    assert.equal(shown.quotaBytes, 3 * 1024 ** 3);

    await page.getByRole('button', { name: 'Suspend account' }).click();
    await page.getByRole('button', { name: 'Yes, suspend' }).click();
    await page.getByText('Ula User is suspended and can no longer sign in.').waitFor();
    await page.getByRole('button', { name: 'Restore account' }).click();
    await page.getByText('Ula User can sign in again.').waitFor();
    await shot(page, '06-account-quota-restored');
  });

  it('imports accounts from a CSV with a progress bar, a summary and a downloadable report', async () => {
    const csv = path.join(dataDir, 'new-starters.csv');
    writeFileSync(
      csv,
      ['address,name,org,role,quota,job_title', 'new.nurse@wardpost.test,Nina Nurse,site-a1,user,2G,Staff nurse', 'new.porter@wardpost.test,Pat Porter,trust-a,user,,Porter', 'bad-address,Bad Row,trust-a,,,', 'new.other@wardpost.test,Oscar Other,trust-b,,,'].join('\n'),
    );
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Import' }).click();
    await page.getByRole('heading', { name: 'Import accounts' }).waitFor();
    await page.getByLabel('CSV file').setInputFiles(csv);
    await page.getByText('new-starters.csv: 4 rows').waitFor();
    await page.getByRole('button', { name: 'Import accounts' }).click();
    await page.getByTestId('import-summary').getByText('2 of 4 rows created.').waitFor();
    assert.equal(await page.getByTestId('import-progress').getAttribute('value'), '4');
    const failures = await page.getByTestId('import-failures').locator('tbody tr').allInnerTexts();
    assert.equal(failures.length, 2);
    assert.match(failures[1]!, /new\.other@wardpost\.test.*organisation you do not administer/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download report (CSV)' }).click()]);
    const report = readFileSync((await download.path())!, 'utf8');
    assert.match(report, /^line,address,result,reason,one-time password/);
    assert.match(report, /"new\.nurse@wardpost\.test",created,"","\S{20,}"/);
    await shot(page, '07-import-summary');
    const shown = JSON.parse(await cli(['user', 'show', 'new.nurse@wardpost.test', '--json'])) as { mustChangePassword: boolean; org: { slug: string } };
    assert.equal(shown.org.slug, 'site-a1');
    assert.equal(shown.mustChangePassword, true);
  });

  it('changes its own password on the password screen', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Your password' }).click();
    await page.getByRole('heading', { name: 'Your password' }).waitFor();
    await page.getByLabel('Current password').fill(PW);
    await page.getByLabel('New password', { exact: true }).fill('short');
    await page.getByLabel('New password again').fill('short');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('alert').getByText(/too weak/).waitFor();
    await page.getByLabel('New password', { exact: true }).fill('Lantern-Orchard-Quiet-2027');
    await page.getByLabel('New password again').fill('Lantern-Orchard-Quiet-2027');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your password is changed').waitFor();
    await shot(page, '08-password-changed');
  });

  it('is refused another organisation’s account, in plain words', async () => {
    await page.goto(`${srv.httpUrl}/admin/accounts/user.b%40wardpost.test`);
    await page.getByRole('heading', { name: 'Account not available' }).waitFor();
    await page.getByRole('alert').getByText('No account has the address user.b@wardpost.test').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Reset password' }).count(), 0);
    await shot(page, '09-refused-other-organisation');
  });

  it('lists organisations and filters the audit log by organisation', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Organisations' }).click();
    await page.getByRole('heading', { name: 'Organisations' }).waitFor();
    await page.locator('table').getByText('Riverside Site').waitFor();
    assert.equal(await page.locator('table').getByText('Other Valley Trust').count(), 0);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.getByLabel('Organisation').selectOption('site-a1');
    const table = page.getByTestId('audit-table');
    await table.getByText(ADMIN).first().waitFor();
    const rows = await table.locator('tbody tr').allInnerTexts();
    assert.ok(rows.some((r) => /user\.a@wardpost\.test/.test(r) && /reset/i.test(r)), rows.join('\n'));
    assert.ok(rows.every((r) => !/user\.b@wardpost\.test/.test(r)));
    await shot(page, '10-audit-log');
  });

  it('creates a shared mailbox and gives a colleague read-write access and send-as', async () => {
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Shared mailboxes' }).click();
    await page.getByRole('heading', { name: 'Shared mailboxes', level: 1 }).waitFor();
    await page.getByLabel('Address').fill('ward7@wardpost.test');
    await page.getByLabel('Name', { exact: true }).fill('Ward 7 Nurses');
    await page.getByLabel('Organisation').selectOption('site-a1');
    await page.getByRole('button', { name: 'Create shared mailbox' }).click();
    await page.getByText('Ward 7 Nurses (ward7@wardpost.test) is ready').waitFor();
    await page.getByRole('heading', { name: 'Members of ward7@wardpost.test' }).waitFor();
    // Someone who does not exist: refused in plain words, nothing added.
    await page.getByLabel('Add a member').fill('nobody.here@wardpost.test');
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.getByRole('alert').getByText(/nobody\.here@wardpost\.test/).waitFor();
    await page.getByLabel('Add a member').fill('user.a@wardpost.test');
    await page.getByLabel('Access', { exact: true }).selectOption('write');
    await page.getByLabel('May send as this mailbox').check();
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.getByText('user.a@wardpost.test is now a member.').waitFor();
    assert.equal(await page.getByLabel('Access of Ula User').inputValue(), 'write');
    assert.equal(await page.getByLabel('Ula User may send as ward7@wardpost.test').isChecked(), true);
    await shot(page, '11-shared-mailbox');
    // What the portal set is what IMAP and SMTP enforce: read back through the API as the administrator.
    const members = await page.evaluate(async () => (await (await fetch('/api/v1/shared-mailboxes/ward7%40wardpost.test/members')).json()) as { items: { grantee: { address: string }; mailbox: string; sendAs: boolean }[] });
    const ula = members.items.find((m) => m.grantee.address === 'user.a@wardpost.test')!;
    assert.match(ula.mailbox, /^lrswi/);
    assert.equal(ula.sendAs, true);
  });

  it('is refused another organisation’s mailbox on the shared mailbox screen, in plain words', async () => {
    // user.b belongs to Other Valley Trust: its members (grants) are neither shown nor changeable here.
    await page.goto(`${srv.httpUrl}/admin/shared?mailbox=user.b%40wardpost.test`);
    await page.getByRole('heading', { name: 'Members of user.b@wardpost.test' }).waitFor();
    const alert = page.getByRole('alert');
    await alert.getByText(/user\.b@wardpost\.test/).first().waitFor();
    assert.doesNotMatch((await alert.textContent()) ?? '', /HTTP|40\d|forbidden|undefined/i, 'plain words, no codes');
    await page.getByLabel('Add a member').fill('user.a@wardpost.test');
    await page.getByRole('button', { name: 'Add member' }).click();
    await until('the addition is refused', async () => !(await page.getByRole('button', { name: 'Add member' }).isDisabled()) && ((await page.getByRole('alert').allTextContents()).join(' ').trim() || null));
    assert.equal(await page.getByText('user.a@wardpost.test is now a member.').count(), 0, 'nothing was added');
    const members = await page.evaluate(async () => (await fetch('/api/v1/shared-mailboxes/user.b%40wardpost.test/members')).status);
    assert.ok(members === 403 || members === 404, `refused (${members})`);
    await shot(page, '11b-refused-other-shared-mailbox');
  });

  it('gives a member of staff another address and a delegate for mail and calendar, with send on behalf', async () => {
    await page.goto(`${srv.httpUrl}/admin/accounts/theatre.lead%40wardpost.test`);
    await page.getByRole('heading', { name: 'Theo Lead' }).waitFor();
    await page.getByLabel('Add an address').fill('theatres@wardpost.test');
    await page.getByRole('button', { name: 'Add address' }).click();
    await page.getByText('Mail to theatres@wardpost.test now reaches Theo Lead.').waitFor();
    await page.getByRole('list', { name: 'Other addresses of Theo Lead' }).getByText('theatres@wardpost.test', { exact: true }).waitFor();

    await page.getByRole('heading', { name: 'Delegates', exact: true }).waitFor();
    const form = page.getByRole('form', { name: 'New delegate' });
    await form.getByLabel('Add a delegate').fill('ward.clerk@wardpost.test');
    await form.getByLabel('Access', { exact: true }).selectOption('read');
    await form.getByLabel('Calendar', { exact: true }).selectOption('delegate');
    await form.getByLabel('May send on behalf of Theo Lead').check();
    await page.getByRole('button', { name: 'Add delegate' }).click();
    await page.getByText('ward.clerk@wardpost.test is now a delegate.').waitFor();
    assert.equal(await page.getByLabel('Calendar access of Wendy Clerk').inputValue(), 'delegate');
    assert.equal(await page.getByLabel('Wendy Clerk may send on behalf of theatre.lead@wardpost.test').isChecked(), true);
    await shot(page, '11c-account-aliases-delegates');
    // The grants the portal set are the ones the doors enforce: read back through the API.
    const delegates = await page.evaluate(async () => (await (await fetch('/api/v1/accounts/theatre.lead%40wardpost.test/delegates')).json()) as { items: { grantee: { address: string }; mailbox: string; calendar: string; sendOnBehalf: boolean; sendAs: boolean }[] });
    const wendy = delegates.items.find((d) => d.grantee.address === 'ward.clerk@wardpost.test')!;
    assert.deepEqual([wendy.mailbox.includes('r') && !wendy.mailbox.includes('i'), wendy.calendar.includes('p'), wendy.sendOnBehalf, wendy.sendAs], [true, true, true, false]);

    await page.getByRole('button', { name: 'Remove theatres@wardpost.test' }).click();
    await page.getByText('theatres@wardpost.test no longer reaches Theo Lead.').waitFor();
    const shown = JSON.parse(await cli(['user', 'show', 'theatre.lead@wardpost.test', '--json'])) as { aliases: string[] };
    assert.deepEqual(shown.aliases, []);
  });

  it('creates a distribution list, adds and removes members, and deletes it', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Lists' }).click();
    await page.getByRole('heading', { name: 'Distribution lists', level: 1 }).waitFor();
    await page.getByLabel('List address').fill('theatre.team@wardpost.test');
    await page.getByLabel('List name').fill('Theatre team');
    await page.getByLabel('Members', { exact: true }).fill('theatre.lead@wardpost.test\nlocum@example.org');
    await page.getByRole('button', { name: 'Create list' }).click();
    await page.getByText('Mail to theatre.team@wardpost.test now reaches 2 members.').waitFor();
    await page.getByRole('button', { name: 'Members of Theatre team' }).click();
    await page.getByLabel('Add to the list').fill('ward.clerk@wardpost.test');
    await page.getByRole('button', { name: 'Add to list' }).click();
    await page.locator('.member-list').getByText('ward.clerk@wardpost.test').waitFor();
    await page.getByRole('button', { name: 'Remove locum@example.org' }).click();
    await page.locator('.member-list').getByText('locum@example.org').waitFor({ state: 'detached' });
    await shot(page, '12-list');
    const list = await page.evaluate(async () => (await (await fetch('/api/v1/lists/theatre.team%40wardpost.test')).json()) as { members: string[] });
    assert.deepEqual([...list.members].sort(), ['theatre.lead@wardpost.test', 'ward.clerk@wardpost.test']);
    await page.getByRole('button', { name: 'Delete this list' }).click();
    await page.getByRole('button', { name: 'Yes, delete theatre.team@wardpost.test' }).click();
    await page.getByText('The list theatre.team@wardpost.test is deleted').waitFor();
  });

  it('shows SMS use per organisation on the overview', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('heading', { name: 'Text messages (SMS), last 31 days' }).waitFor();
    await page.getByRole('img', { name: /SMS parts charged per day/ }).waitFor();
    await shot(page, '13-overview-sms');
  });

  it('registers a webhook (secret shown once), refuses a metadata address, lists deliveries, removes it', async () => {
    const received: string[] = [];
    const rx = Fastify();
    rx.post('/hook', async (req) => {
      received.push(String(req.headers['wardpost-event']));
      return { ok: true };
    });
    const rxUrl = `${await rx.listen({ port: 0, host: '127.0.0.1' })}/hook`;
    try {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks' }).click();
      await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
      // A cloud metadata address is refused in words, and nothing is registered.
      await page.getByLabel('Receiver URL').fill('http://169.254.169.254/latest/meta-data');
      await page.getByRole('button', { name: 'Register webhook' }).click();
      await page.getByRole('alert').getByText(/private, loopback or reserved address/).waitFor();
      assert.equal(await page.getByRole('table', { name: 'Webhooks' }).count(), 0);
      await page.getByLabel('Receiver URL').fill(rxUrl);
      await page.getByLabel('Organisation').selectOption('site-a1');
      await page.getByRole('button', { name: 'Register webhook' }).click();
      const secret = (await page.getByTestId('webhook-secret').textContent()) ?? '';
      assert.ok(secret.length >= 16, 'the signing secret is shown');
      await page.getByText('it will not be shown again').waitFor();
      await page.getByRole('table', { name: 'Webhooks' }).getByRole('cell', { name: rxUrl, exact: true }).waitFor();
      // An account event (a quota change made through the API as this administrator) reaches the receiver and shows as a delivery.
      const status = await page.evaluate(async () => {
        const r = await fetch('/api/v1/accounts/ward.clerk%40wardpost.test/quota', { method: 'PUT', headers: { 'content-type': 'application/json', 'x-csrf-token': (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage.getItem('wardpost.admin.csrf') ?? '' }, body: JSON.stringify({ quota: '3G' }) });
        return r.status;
      });
      assert.equal(status, 200);
      const hookId = await page.evaluate(async () => ((await (await fetch('/api/v1/webhooks')).json()) as { items: { id: number }[] }).items[0]!.id);
      // Each poll keeps what the deliveries said, so a timeout names the last error rather than only "not yet".
      let deliveries = '';
      await until(() => `the delivery is recorded (deliveries: ${deliveries || 'none yet'})`, async () => {
        const items = await page.evaluate(async (id) => ((await (await fetch(`/api/v1/webhooks/${id}/deliveries`)).json()) as { items: Record<string, unknown>[] }).items, hookId);
        deliveries = JSON.stringify(items);
        return items.some((d) => d.status === 'delivered');
      }, 60_000);
      assert.ok(received.includes('account.updated'), `received ${received.join(', ')}`);
      await page.getByRole('button', { name: `Deliveries to ${rxUrl}` }).click();
      await page.getByRole('table', { name: `Deliveries to ${rxUrl}` }).getByText(/^Delivered/).first().waitFor();
      await shot(page, '14-webhooks');
      await page.getByRole('button', { name: `Remove the webhook to ${rxUrl}` }).click();
      await page.getByText(`The webhook to ${rxUrl} is removed`).waitFor();
      // The notice can come before the list is read again: wait for the table to go.
      await until('the webhooks table to be gone', async () => (await page.getByRole('table', { name: 'Webhooks' }).count()) === 0);
    } finally {
      await rx.close();
    }
  });

  it('signs out, and ran without script errors or blocked resources', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to administration' }).waitFor();
    assert.deepEqual(problems, []);
  });
});
