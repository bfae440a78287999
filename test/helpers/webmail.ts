/** Pieces every browser test repeats: signing in to webmail, and closing down after the file. */
import { rmSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ServerProcess } from './server.js';

/**
 * A new page in `context`, signed in to webmail with a password (no second step), the Inbox shown.
 * With `problems`, page errors and console errors (but failed resource loads) are collected there.
 */
export async function signInToWebmail(context: BrowserContext, baseUrl: string, who: string, password: string, problems?: string[]): Promise<Page> {
  const page = await context.newPage();
  if (problems) {
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(`console: ${m.text()}`);
    });
  }
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('Email address').fill(who);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
  return page;
}

/** A browser test file's `after`: every context and the browser closed, the server stopped, its data removed. */
export async function closeBrowserTest(browser: Browser | undefined, srv: ServerProcess | undefined, dataDir: string): Promise<void> {
  for (const c of browser?.contexts() ?? []) await c.close();
  await browser?.close();
  await srv?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
