/**
 * Real-browser suites: Debian's Chromium driven by playwright-core (never `npx playwright install`:
 * no browser is downloaded), and numbered full-page screenshots in test-artifacts/<suite>/, so a
 * failure can be seen as the person would have seen it.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Starts Chromium; a missing browser fails the suite, loudly: a skipped browser test would look like a passing one. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: install it with 'apt-get install -y chromium' (or set CHROMIUM_PATH to a Chromium binary)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Empties test-artifacts/`suite`/ and answers a function that saves `NN-name.png` there, numbered in order. */
export async function screenshotFolder(suite: string): Promise<(page: Page, name: string) => Promise<void>> {
  const folder = join(__dirname, '..', '..', 'test-artifacts', suite);
  await rm(folder, { recursive: true, force: true });
  await mkdir(folder, { recursive: true });
  let step = 0;
  return async (page, name) => {
    step++;
    await page.screenshot({ path: join(folder, `${String(step).padStart(2, '0')}-${name}.png`), fullPage: true });
  };
}
