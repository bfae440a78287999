/**
 * Webmail in a real browser: Debian's Chromium driven by playwright-core against the real
 * `wardpost serve` (JMAP, SMTP, IMAP on loopback). A user with two-step sign-in signs in, reads mail
 * sent through the SMTP submission port, gets new mail without a reload, searches, opens a folder
 * another user shared by IMAP SETACL, picks a colleague from the directory, and sets an
 * out-of-office reply. Screenshots go to test-artifacts/webmail/ (git-ignored); the
 * first paint of the inbox is written to test-artifacts/webmail/first-paint.json.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import { generate } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import { haveChromium, launchChromium, skipBrowser } from '../helpers/chromium.js';
import { RawImap } from '../protocols/imap/raw-client.js';
import { runCli } from '../helpers/cli.js';
import { startServe, type ServerProcess } from '../helpers/server.js';
import { closeBrowserTest } from '../helpers/webmail.js';
import { until } from '../helpers/until.js';


const ARTIFACTS = path.resolve(process.cwd(), 'test-artifacts/webmail');
const dataDir = mkdtempSync(path.join(tmpdir(), 'wardpost-webmail-'));
const env = { WARDPOST_DATA_DIR: dataDir };
const PW = 'Quiet-Lantern-Teal-2026';
const ALICE = 'alice.ward@wardpost.test';
const BOB = 'bob.theatre@wardpost.test';
const CAROL = 'carol.rota@wardpost.test';

let srv: ServerProcess;
let browser: Browser | undefined;
let secret = '';

const port = (name: string) => Number(new RegExp(`${name}\\s+smtps?://[^:]+:(\\d+)`).exec(srv.output())![1]);
const imapsPort = () => Number(/imaps\s+imaps:\/\/[^:]+:(\d+)/.exec(srv.output())![1]);
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });

/** Mail from Bob through the real submission port (STARTTLS + AUTH), as any mail client sends it. */
async function bobSends(msg: { to?: string; subject: string; text?: string; html?: string }): Promise<void> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: port('submission'), secure: false, requireTLS: true, auth: { user: BOB, pass: PW }, tls: { rejectUnauthorized: false } });
  try {
    await t.sendMail({ from: `Bob Theatre <${BOB}>`, to: msg.to ?? ALICE, subject: msg.subject, ...(msg.text ? { text: msg.text } : {}), ...(msg.html ? { html: msg.html } : {}) });
  } finally {
    t.close();
  }
}

async function enableTotp(address: string): Promise<string> {
  const login = await fetch(`${srv.httpUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ address, password: PW }) });
  assert.equal(login.status, 200);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { csrf } = (await login.json()) as { csrf: string };
  const h = { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' };
  const begin = (await (await fetch(`${srv.httpUrl}/api/v1/auth/mfa/begin`, { method: 'POST', headers: h, body: '{}' })).json()) as { secret: string };
  const ok = await fetch(`${srv.httpUrl}/api/v1/auth/mfa/confirm`, { method: 'POST', headers: h, body: JSON.stringify({ code: await generate({ secret: begin.secret }) }) });
  assert.equal(ok.status, 200, await ok.text());
  return begin.secret;
}

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const org = await runCli(['org', 'create', 'trust-w', '--name', 'Westgate Hospital', '--kind', 'trust'], { env });
  assert.equal(org.code, 0, org.stderr);
  for (const [addr, name] of [
    [ALICE, 'Alice Ward'],
    [BOB, 'Bob Theatre'],
    [CAROL, 'Carol Rota'],
  ]) {
    const r = await runCli(['user', 'create', addr!, '--org', 'trust-w', '--name', name!, '--password-stdin'], { env, input: PW });
    assert.equal(r.code, 0, r.stderr);
  }
  srv = await startServe({ ...env });
  secret = await enableTotp(ALICE);
  if (haveChromium) {
    browser = await launchChromium();
  }
});

after(() => closeBrowserTest(browser, srv, dataDir));

describe('webmail in Chromium', { skip: skipBrowser }, () => {
  let page: Page;
  const problems: string[] = [];
  const dialogs: string[] = [];
  const row = (subject: string) => page.getByRole('listbox').getByRole('option').filter({ hasText: subject });

  it('signs in with a password and a code from the authenticator app, then shows the inbox', async () => {
    await bobSends({ subject: 'Ward round notes', text: 'Bed 4 needs a review of the fluid chart before noon.\nThanks, Bob' });
    const context = await browser!.newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      // Chromium reports a CSP violation for every on* attribute it merely *parses*, even into an
      // inert document (DOMParser, template), which is how DOMPurify reads a mail to clean it; nothing
      // runs (the hostile-mail test checks that no handler exists or ran). Anything else is a problem.
      if (m.type() === 'error' && !/Failed to load resource/.test(m.text()) && !/^Executing inline event handler violates/.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${srv.httpUrl}/`);
    await page.getByRole('heading', { name: 'Sign in to your mail' }).waitFor();
    await shot(page, '01-sign-in');
    await page.getByLabel('Email address').fill(ALICE);
    await page.getByLabel('Password').fill(PW);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Enter your security code' }).waitFor();
    await page.getByLabel('Security code').fill(await generate({ secret }));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
    await row('Ward round notes').waitFor();
    // Landmarks a screen reader moves by.
    await page.getByRole('banner').waitFor();
    await page.getByRole('search').waitFor();
    await page.getByRole('navigation', { name: 'Folders' }).waitFor();
    await page.getByRole('main').waitFor();
    await shot(page, '02-inbox');
  });

  it('paints the inbox of a signed-in user quickly after a reload (figure kept as an artefact)', async (t) => {
    await page.reload();
    await row('Ward round notes').waitFor();
    await page.waitForFunction(() => performance.getEntriesByName('wardpost:inbox-painted').length > 0);
    const paint = await page.evaluate(() => {
      const mark = performance.getEntriesByName('wardpost:inbox-painted')[0];
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      return { inboxPaintedMs: mark ? Math.round(mark.startTime) : null, firstContentfulPaintMs: fcp ? Math.round(fcp.startTime) : null };
    });
    assert.ok(paint.inboxPaintedMs !== null, 'the inbox-painted mark is set once the list shows');
    writeFileSync(path.join(ARTIFACTS, 'first-paint.json'), `${JSON.stringify(paint, null, 2)}\n`);
    t.diagnostic(`first paint of the inbox after reload: ${paint.inboxPaintedMs} ms (first contentful paint ${paint.firstContentfulPaintMs} ms)`);
  });

  it('reads a message sent by SMTP, and it becomes read', async () => {
    const r = row('Ward round notes');
    assert.match((await r.getAttribute('class')) ?? '', /row--unread/);
    await r.click();
    const pane = page.getByRole('region', { name: 'Ward round notes' });
    await pane.getByText('Bed 4 needs a review of the fluid chart before noon.').waitFor();
    await pane.getByText('Bob Theatre', { exact: true }).waitFor();
    await page.locator('[role=option].row--open.row--unread').waitFor({ state: 'detached' });
    await shot(page, '03-read');
  });

  it('shows new mail without a reload (push)', async () => {
    await page.getByRole('navigation', { name: 'Folders' }).getByRole('button', { name: /^Inbox/ }).click();
    await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
    await page.evaluate(() => void ((globalThis as unknown as Record<string, unknown>).sameDocument = 42));
    await page.getByRole('img', { name: 'New mail arrives automatically' }).waitFor();
    await bobSends({ subject: 'Bed 12 bloods are back', text: 'Potassium 5.9, please repeat.' });
    await row('Bed 12 bloods are back').waitFor({ timeout: 15_000 });
    await page.getByText('New message in your Inbox').waitFor();
    assert.equal(await page.evaluate(() => (globalThis as unknown as Record<string, unknown>).sameDocument), 42, 'the page was not reloaded');
    await shot(page, '06-new-mail-pushed');
  });

  it('finds mail as you type, with the matches highlighted', async () => {
    await page.getByRole('searchbox', { name: 'Search mail' }).fill('potassium');
    await page.getByRole('heading', { name: 'Search: potassium', level: 1 }).waitFor();
    await row('Bed 12 bloods are back').waitFor();
    assert.equal(await row('Ward round notes').count(), 0);
    await page.getByRole('searchbox', { name: 'Search mail' }).fill('');
    await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
  });

  it('opens a folder another user shared by IMAP ACL', async () => {
    const carol = await RawImap.connect(imapsPort());
    try {
      await carol.login(CAROL, PW);
      assert.match(await carol.cmd('CREATE "Night rota"'), /^t\d+ OK/m);
      const msg = 'From: Carol Rota <carol.rota@wardpost.test>\r\nTo: carol.rota@wardpost.test\r\nSubject: Rota for December\r\n\r\nNights: Alice 3-6 December.\r\n';
      assert.match(await carol.cmd(`APPEND "Night rota" {${Buffer.byteLength(msg)}+}\r\n${msg}`), /^t\d+ OK/m);
      assert.match(await carol.cmd(`SETACL "Night rota" ${ALICE} lrs`), /^t\d+ OK/m);
    } finally {
      carol.close();
    }
    await page.reload();
    const nav = page.getByRole('navigation', { name: 'Folders' });
    await nav.getByRole('button', { name: /^Night rota/ }).click();
    await page.getByRole('heading', { name: /Night rota/, level: 1 }).waitFor();
    await row('Rota for December').click();
    await page.getByRole('article', { name: 'Message from Carol Rota' }).getByText('Nights: Alice 3-6 December.').waitFor();
    await shot(page, '09-shared-folder');
  });

  it('picks a colleague from the directory when addressing, with the keyboard', async () => {
    await page.getByRole('navigation', { name: 'Folders' }).getByRole('button', { name: /^Inbox/ }).first().click();
    await page.locator('body').press('c');
    const compose = page.getByRole('dialog', { name: 'New message' });
    await compose.waitFor();
    await compose.getByRole('combobox', { name: 'To' }).pressSequentially('carol ro');
    await compose.getByRole('option', { name: /Carol Rota/ }).waitFor();
    await compose.getByRole('combobox', { name: 'To' }).press('ArrowDown');
    await compose.getByRole('combobox', { name: 'To' }).press('Enter');
    await compose.getByRole('list', { name: 'To recipients' }).getByText(CAROL).waitFor();
    await shot(page, '10-directory-picker');
    await compose.getByRole('button', { name: 'Discard' }).click();
    await compose.waitFor({ state: 'detached' });
  });

  it('sets an out-of-office reply that is kept', async () => {
    await page.getByRole('button', { name: 'Out of office' }).click();
    await page.getByRole('heading', { name: 'Out-of-office reply' }).waitFor();
    await page.getByLabel('Send an out-of-office reply').check();
    await page.getByLabel('Subject').fill('Away until Monday');
    await page.getByLabel('Reply', { exact: true }).fill('I am on leave; for the ward please write to the ward clerk.');
    await page.getByRole('button', { name: 'Save out-of-office reply' }).click();
    await page.getByText('Your out-of-office reply is on.').waitFor();
    await shot(page, '11-out-of-office');
    await page.reload();
    await page.getByRole('button', { name: 'Out of office' }).click();
    assert.equal(await page.getByLabel('Subject').inputValue(), 'Away until Monday');
    assert.equal(await page.getByLabel('Send an out-of-office reply').isChecked(), true);
  });

  it('replies with an attachment (upload progress shown); the reply is in Sent and reaches the sender', async () => {
    await page.getByRole('button', { name: 'Back to mail' }).click();
    await page.getByRole('navigation', { name: 'Folders' }).getByRole('button', { name: /^Inbox/ }).first().click();
    await row('Ward round notes').click();
    const pane = page.getByRole('region', { name: 'Ward round notes' });
    await pane.getByRole('button', { name: 'Reply', exact: true }).click();
    const compose = page.getByRole('dialog', { name: 'Reply', exact: true });
    await compose.waitFor();
    await compose.getByLabel('Attach files').setInputFiles({ name: 'fluid-chart.pdf', mimeType: 'application/pdf', buffer: Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(300_000, 0x41)]) });
    await compose.getByRole('list', { name: 'Attachments' }).getByText('fluid-chart.pdf').waitFor();
    await compose.getByRole('progressbar', { name: 'Uploading fluid-chart.pdf' }).waitFor({ state: 'attached' });
    await compose.getByLabel('Message', { exact: true }).fill('Chart attached, reviewed at 11:40.');
    await shot(page, '12-reply-with-attachment');
    await compose.getByRole('button', { name: 'Send', exact: true }).click();
    await compose.waitFor({ state: 'detached' });
    await page.getByText('Your message has been sent.').waitFor();
    await page.getByRole('navigation', { name: 'Folders' }).getByRole('button', { name: /^Sent/ }).click();
    await page.getByRole('heading', { name: 'Sent', level: 1 }).waitFor();
    await row('Re: Ward round notes').click();
    await page.getByRole('region', { name: 'Attachments' }).getByText('fluid-chart.pdf').waitFor();
    await shot(page, '13-reply-in-sent');
    // Bob has it, with the attachment, over IMAP.
    const bob = await RawImap.connect(imapsPort());
    try {
      await bob.login(BOB, PW);
      await bob.cmd('SELECT INBOX');
      const found = await until('the reply in Bob\'s inbox', async () => {
        const r = await bob.cmd('UID SEARCH SUBJECT "Re: Ward round notes"');
        return /\* SEARCH \d+/.test(r) ? r : null;
      });
      const uid = /\* SEARCH (\d+)/.exec(found)![1];
      const structure = await bob.cmd(`UID FETCH ${uid} (BODYSTRUCTURE)`);
      assert.match(structure, /"fluid-chart\.pdf"/i);
    } finally {
      bob.close();
    }
  });

  it('shows hostile HTML mail without running anything or loading anything until images are allowed', async () => {
    const hits: string[] = [] as string[];
    const remote = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'));
    });
    await new Promise<void>((r) => remote.listen(0, '127.0.0.1', () => r()));
    const origin = `http://127.0.0.1:${(remote.address() as AddressInfo).port}`;
    try {
      await bobSends({
        subject: 'Rota changes (HTML)',
        html: `<p>Rota for next week.</p><script>parent.pwned = 'script'</script><img src="${origin}/pixel.png" onerror="parent.pwned='onerror'" onload="parent.pwned='onload'"><div style="background:url(${origin}/bg.png)" onmouseover="parent.pwned='hover'">Hover me</div><a href="javascript:parent.pwned='link'" id="jslink">Open the rota</a><svg onload="parent.pwned='svg'"><circle r="3"/></svg><iframe src="${origin}/frame"></iframe><form action="${origin}/steal"><input name="p"></form><img srcset="${origin}/set.png 2x"><style>@import url(${origin}/import.css); p { background: url(${origin}/style.png) }</style>`,
      });
      await page.getByRole('navigation', { name: 'Folders' }).getByRole('button', { name: /^Inbox/ }).first().click();
      await row('Rota changes (HTML)').click();
      const frame = page.frameLocator('iframe.html-frame');
      await frame.getByText('Rota for next week.').waitFor();
      await page.getByRole('button', { name: 'Show images' }).waitFor();
      const srcdoc = (await page.locator('iframe.html-frame').getAttribute('srcdoc')) ?? '';
      // No element anywhere (the page or the mail's frame) carries an event handler attribute.
      const handlers = await page.evaluate(`(() => { const out = []; const scan = (d, where) => { for (const el of d.querySelectorAll('*')) for (const a of el.attributes) if (/^on/i.test(a.name)) out.push(where + ' ' + el.tagName + ' ' + a.name); }; scan(document, 'page'); for (const f of document.querySelectorAll('iframe')) if (f.contentDocument) scan(f.contentDocument, 'frame'); return out; })()`);
      assert.deepEqual(handlers, []);
      assert.doesNotMatch(srcdoc, /\son[a-z]+\s*=/i, 'no event handler attribute reaches the frame');
      assert.doesNotMatch(srcdoc, /javascript:|<script|<iframe|<form|@import/i);
      assert.deepEqual(hits, [], 'nothing was fetched from the remote server');
      assert.equal(await page.evaluate(() => (globalThis as unknown as { pwned?: string }).pwned), undefined);
      await shot(page, '14-hostile-html-blocked');
      // The reader allows images: now (only) the images load, and still nothing runs.
      await page.getByRole('button', { name: 'Show images' }).click();
      await until('the remote image to be fetched', async () => hits.some((h) => h === '/pixel.png'));
      assert.ok(hits.every((h) => ['/pixel.png', '/bg.png', '/set.png', '/style.png'].includes(h)), hits.join(', '));
      assert.equal(await page.evaluate(() => (globalThis as unknown as { pwned?: string }).pwned), undefined);
      await shot(page, '15-hostile-html-images-allowed');
      assert.deepEqual(problems, [], 'no script errors in the whole session');
    } finally {
      await new Promise((r) => remote.close(r));
    }
  });

  it('files new mail into a folder by a rule made in the Rules page; a broken script is refused in words', async () => {
    await page.getByRole('button', { name: 'Rules', exact: true }).click();
    await page.getByRole('heading', { name: 'Rules', level: 1 }).waitFor();
    await page.getByLabel('When the').selectOption('subject');
    await page.getByLabel('contains', { exact: true }).fill('Pharmacy order');
    await page.getByLabel('then', { exact: true }).selectOption('fileinto');
    await page.getByLabel('Folder', { exact: true }).selectOption('Archive');
    await page.getByRole('button', { name: 'Add rule' }).click();
    const script = page.getByLabel('Your rules (Sieve)');
    assert.match(await script.inputValue(), /if header :contains "subject" "Pharmacy order" \{\s*fileinto "Archive";/);
    const good = await script.inputValue();
    // A broken script: the server's Sieve parser answers, nothing is saved.
    await script.fill(`${good}\nif nonsense {`);
    await page.getByRole('button', { name: 'Save rules' }).click();
    await page.getByRole('alert').getByText(/Could not save your rules/).waitFor();
    await script.fill(good);
    await page.getByRole('button', { name: 'Save rules' }).click();
    await page.getByText('Your rules are saved and apply to new mail.').waitFor();
    await shot(page, '16-rules');
    await bobSends({ subject: 'Pharmacy order 42', text: 'Two boxes of gloves, size M.' });
    await bobSends({ subject: 'Not for the pharmacy', text: 'Stays in the inbox.' });
    await page.getByRole('button', { name: 'Back to mail' }).click();
    await row('Not for the pharmacy').waitFor({ timeout: 15_000 });
    assert.equal(await row('Pharmacy order 42').count(), 0, 'filed away, not in the inbox');
    await page.getByRole('navigation', { name: 'Folders' }).getByRole('button', { name: /^Archive/ }).click();
    await page.getByRole('heading', { name: 'Archive', level: 1 }).waitFor();
    await row('Pharmacy order 42').waitFor();
    // Reloading the page shows the saved rules (read back from the server).
    await page.reload();
    await page.getByRole('button', { name: 'Rules', exact: true }).click();
    assert.equal((await page.getByLabel('Your rules (Sieve)').inputValue()).trim(), good.trim());
  });
});
