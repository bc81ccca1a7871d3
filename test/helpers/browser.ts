import fs from 'node:fs';
import { chromium, Browser, Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`): the tests never download a browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * A headless Chromium from the system install. A missing binary fails the test with the install instruction,
 * never a skip. Playwright gives each launch a fresh temporary profile and removes it on `close()`.
 */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium was not found at ${CHROMIUM_PATH}. Install it with \`apt-get install chromium\` ` +
        '(never `npx playwright install`: the tests use the system browser).',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 60_000 });
}

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A full-page screenshot written to `file`, checked to be a real PNG of at least `minBytes` (not a blank page). */
export async function screenshot(page: Page, file: string, minBytes: number): Promise<void> {
  fs.rmSync(file, { force: true });
  await page.screenshot({ path: file, fullPage: true });
  const bytes = fs.readFileSync(file);
  expect(bytes.subarray(0, 8)).toEqual(PNG_MAGIC);
  expect(bytes.length).toBeGreaterThan(minBytes);
}
