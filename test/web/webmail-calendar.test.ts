/**
 * The web calendar in a real browser (Debian's Chromium, playwright-core) against the real
 * `wardpost serve`: the week view shows an event saved by a CalDAV client, a meeting created in the
 * page with two invitees reaches both (their calendars and an invitation mail), an invitee accepts
 * from the message view and the organiser's event shows it, and the month view opens an event for
 * editing. Screenshots go to test-artifacts/webmail-calendar/.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { haveChromium, launchChromium, skipBrowser } from '../helpers/chromium.js';
import { runCli } from '../helpers/cli.js';
import { startServe, type ServerProcess } from '../helpers/server.js';
import { closeBrowserTest, signInToWebmail } from '../helpers/webmail.js';
import { until } from '../helpers/until.js';

const ARTIFACTS = path.resolve(process.cwd(), 'test-artifacts/webmail-calendar');
const dataDir = mkdtempSync(path.join(tmpdir(), 'wardpost-webmail-cal-'));
const PW = 'Quiet-Lantern-Teal-2026';
const ALICE = 'alice.cal@wardpost.test';
const BOB = 'bob.cal@wardpost.test';
const CAROL = 'carol.cal@wardpost.test';

let srv: ServerProcess;
let browser: Browser | undefined;

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
const basic = (who: string) => ({ authorization: `Basic ${Buffer.from(`${who}:${PW}`).toString('base64')}` });
const day = (offset: number) => {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + offset);
  return d.toISOString().slice(0, 10);
};
/** The agenda of `who`'s default calendar for the coming week, as that person sees it over the API. */
async function agenda(who: string): Promise<{ summary: string; location: string | null; attendees: { address: string; partstat: string }[] }[]> {
  const start = `${day(-1)}T00:00:00Z`;
  const end = `${day(8)}T00:00:00Z`;
  const r = await fetch(`${srv.httpUrl}/api/v1/calendar/calendars/${encodeURIComponent(who)}/default/agenda?start=${start}&end=${end}`, { headers: basic(who) });
  assert.equal(r.status, 200, await r.clone().text());
  return ((await r.json()) as { items: never[] }).items;
}

const signIn = (context: BrowserContext, who: string): Promise<Page> => signInToWebmail(context, srv.httpUrl, who, PW);

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const env = { WARDPOST_DATA_DIR: dataDir };
  assert.equal((await runCli(['org', 'create', 'trust-c', '--name', 'Cedar Hospital', '--kind', 'trust'], { env })).code, 0);
  for (const [addr, name] of [
    [ALICE, 'Alice Consultant'],
    [BOB, 'Bob Registrar'],
    [CAROL, 'Carol Nurse'],
  ] as const) {
    const r = await runCli(['user', 'create', addr, '--org', 'trust-c', '--name', name, '--password-stdin'], { env, input: PW });
    assert.equal(r.code, 0, r.stderr);
  }
  srv = await startServe(env);
  if (haveChromium) browser = await launchChromium();
});

after(() => closeBrowserTest(browser, srv, dataDir));

describe('calendar in the webmail', { skip: skipBrowser }, () => {
  let alice: Page;
  const problems: string[] = [];

  it('shows in the week view an event a CalDAV client saved', async () => {
    const ics = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', 'BEGIN:VEVENT', 'UID:ward-round-1', 'DTSTAMP:20261101T090000Z', `DTSTART:${day(0).replace(/-/g, '')}T100000Z`, `DTEND:${day(0).replace(/-/g, '')}T110000Z`, 'SUMMARY:Ward round', 'LOCATION:Ward 7', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
    const put = await fetch(`${srv.httpUrl}/dav/calendars/${ALICE}/default/ward-round.ics`, { method: 'PUT', headers: { ...basic(ALICE), 'content-type': 'text/calendar' }, body: ics });
    assert.equal(put.status, 201);
    const context = await browser!.newContext({ viewport: { width: 1400, height: 900 }, timezoneId: 'UTC' });
    alice = await signIn(context, ALICE);
    alice.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await alice.getByRole('button', { name: 'Calendar', exact: true }).click();
    await alice.getByRole('heading', { name: /^Week of / }).waitFor();
    await alice.getByRole('button', { name: /^Ward round, 10:00 to 11:00, Ward 7/ }).waitFor();
    await shot(alice, '01-week');
  });

  it('creates a meeting with two invitees, who get it in their calendars and by mail', async () => {
    await alice.getByRole('button', { name: 'New event' }).click();
    const dialog = alice.getByRole('dialog', { name: 'New event' });
    await dialog.getByLabel('Title').fill('MDT meeting');
    await dialog.getByLabel('Date').fill(day(0));
    await dialog.getByLabel('Starts').fill('14:00');
    await dialog.getByLabel('Ends').fill('15:00');
    await dialog.getByLabel('Location').fill('Seminar room 2');
    const invite = dialog.getByRole('combobox', { name: 'Invite' });
    await invite.fill(BOB);
    await invite.press('Enter');
    await invite.fill(CAROL);
    await invite.press('Enter');
    await dialog.getByLabel('How often').selectOption('WEEKLY');
    await dialog.getByLabel('Times (leave empty for no end)').fill('4');
    await shot(alice, '02-new-meeting');
    await dialog.getByRole('button', { name: 'Save and send invitations' }).click();
    await alice.getByText('MDT meeting is saved and 2 people are invited.').waitFor();
    await alice.getByRole('button', { name: /^MDT meeting, 14:00 to 15:00/ }).waitFor();
    await shot(alice, '03-week-with-meeting');
    for (const who of [BOB, CAROL]) {
      const copy = await until(`the invitation in ${who}'s calendar`, async () => (await agenda(who)).find((i) => i.summary === 'MDT meeting'));
      assert.equal(copy.attendees.find((a) => a.address === who)?.partstat, 'NEEDS-ACTION');
      assert.equal(copy.location, 'Seminar room 2');
    }
  });

  it('an invitee accepts from the message view, and the organiser sees it', async () => {
    const context = await browser!.newContext({ viewport: { width: 1400, height: 900 }, timezoneId: 'UTC' });
    const bob = await signIn(context, BOB);
    await bob.getByRole('listbox').getByRole('option').filter({ hasText: 'Invitation: MDT meeting' }).first().click();
    const banner = bob.getByRole('region', { name: 'Meeting invitation' });
    await banner.getByText('MDT meeting').waitFor();
    await banner.getByRole('button', { name: 'Accept' }).click();
    await banner.getByText('You accepted.').waitFor();
    await shot(bob, '04-accepted');
    await until('the organiser to see the answer', async () => (await agenda(ALICE)).find((i) => i.summary === 'MDT meeting' && i.attendees.find((a) => a.address === BOB)?.partstat === 'ACCEPTED'));
  });

  it('opens an event from the month view and changes it', async () => {
    await alice.getByRole('button', { name: 'Month' }).click();
    await alice.getByRole('grid').getByRole('button', { name: /^Ward round/ }).click();
    const dialog = alice.getByRole('dialog', { name: 'Change event' });
    await dialog.getByLabel('Location').fill('Ward 9');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await alice.getByText('Ward round is saved.').waitFor();
    await shot(alice, '05-month');
    assert.equal((await agenda(ALICE)).find((i) => i.summary === 'Ward round')?.location, 'Ward 9');
    assert.deepEqual(problems, []);
  });
});
