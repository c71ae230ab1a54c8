import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

// Headless Chromium for the dashboard specs: Debian's package, never a download.

/** Where screenshots go (gitignored). */
export const OUTPUT = join(__dirname, 'output');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Launches Chromium, or fails saying how to get it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH`);
  mkdirSync(OUTPUT, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

/** A fresh page at laptop size, light or dark, in the machine's time zone unless `timezoneId` names another. */
export async function newPage(browser: Browser, colorScheme: 'light' | 'dark' = 'light', options: { timezoneId?: string } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme, ...options });
  return context.newPage();
}

/** Resolves after the page has received `count` more answers from the dashboard API route ending in `path` (each a refresh). */
export async function afterPolls(page: Page, path: string, count = 1): Promise<void> {
  for (let i = 0; i < count; i++) await page.waitForResponse((response) => new URL(response.url()).pathname.endsWith(path), { timeout: 10_000 });
}

/** Saves a screenshot of the page under OUTPUT. */
export async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.screenshot({ path: join(OUTPUT, `${name}.png`), fullPage });
}
