/**
 * Debian's Chromium for the browser tests: whether it is there (a missing peer fails the run under
 * WARDPOST_REQUIRE_PEERS=1, otherwise the suite says why it skips) and one way to start it headless
 * with the flags this closed network needs (no background connections to Google's hosts).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.WARDPOST_REQUIRE_PEERS === '1') throw new Error(`${CHROMIUM} is missing (apt-get install chromium) and WARDPOST_REQUIRE_PEERS=1`);
/** `describe(..., { skip: skipBrowser })`: false, or the reason to skip. */
export const skipBrowser: false | string = haveChromium ? false : `${CHROMIUM} is missing: apt-get install chromium`;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
