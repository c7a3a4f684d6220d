/**
 * Debian's chromium for the browser tests: a `skip` reason where it is missing (outside CI), a loud
 * failure under CI=true, and a launcher with the flags a sandboxed, offline machine needs.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { inCi } from '../support/requirements.js';

export const CHROMIUM_PATH = process.env.BERTH_CHROMIUM ?? '/usr/bin/chromium';

export function chromiumRequirement(): false | string {
  if (existsSync(CHROMIUM_PATH)) return false;
  const why = `chromium not found at ${CHROMIUM_PATH}`;
  if (inCi()) throw new Error(`${why}, and CI=true makes the browser tests mandatory (.ci/run must install it)`);
  console.warn(`SKIPPING: ${why}; apt-get install chromium (or set BERTH_CHROMIUM) to run the browser tests`);
  return `${why} (not CI)`;
}

export async function launchChromium(): Promise<Browser> {
  // playwright gives every launch a fresh temporary profile (it refuses an explicit --user-data-dir here).
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
