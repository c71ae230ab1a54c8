import type { Browser, Page } from 'playwright-core';
import { focusOn } from './ax-probe.js';
import { afterPolls, launchChromium, shot } from './browser-kit.js';
import { dashboardPages } from './dashboard-pages.js';

// The schedules page a page at a time: its pager looks and keeps the focus as
// a queue page's does, and the offset is in the hash (a link, the back button).

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** The ids of the rows shown. */
const rowIds = async (page: Page) => Promise.all((await page.locator('[data-testid="schedule-table"] tbody tr').all()).map((row) => row.getAttribute('data-id')));

describe('the schedules page, in Chromium', () => {
  const open = dashboardPages(() => browser, 'dash-schedules');

  it('pages forward and back by id, keeping the focus on the pager button pressed, with the offset in the hash', async () => {
    const { origin, tasks, page } = await open({ worker: false });
    const ids = Array.from({ length: 120 }, (_, n) => `s-${String(n).padStart(3, '0')}`);
    for (const id of ids) await tasks.schedule(id, 'demo.ok', { n: 1 }, { every: 3_600_000, queue: 'demo' });
    const range = page.locator('[data-testid="range"]');
    const button = (which: string) => page.locator(`button[data-page="${which}"]`);

    await page.goto(`${origin}/tasks#/schedules`);
    await range.filter({ hasText: '1–50 of 120' }).waitFor();
    expect(await rowIds(page)).toEqual(ids.slice(0, 50));
    // Named by their words: the arrows are not read out.
    for (const name of ['Previous', 'Next', 'Last']) expect(await page.getByRole('button', { name, exact: true }).count()).toBe(1);
    expect(await button('prev').getAttribute('aria-disabled')).toBe('true');

    await button('next').focus();
    await page.keyboard.press('Enter');
    await range.filter({ hasText: '51–100 of 120' }).waitFor();
    await page.waitForURL(/#\/schedules\?offset=50$/);
    expect(await rowIds(page)).toEqual(ids.slice(50, 100));
    await focusOn(page, 'button[data-page="next"]');
    // Still the current nav entry with an offset in the hash.
    expect(await page.locator('nav.top-nav a[aria-current="page"]').textContent()).toBe('Schedules');

    await page.keyboard.press('Enter');
    await range.filter({ hasText: '101–120 of 120' }).waitFor();
    expect(await rowIds(page)).toEqual(ids.slice(100));
    // On the last page, Next can go nowhere: it says so and keeps the focus, through a refresh too.
    await focusOn(page, 'button[data-page="next"]');
    expect(await button('next').getAttribute('aria-disabled')).toBe('true');
    expect(await button('last').getAttribute('aria-disabled')).toBe('true');
    await afterPolls(page, '/api/schedules');
    await focusOn(page, 'button[data-page="next"]');
    await shot(page, 'schedules-last-page');

    await button('prev').focus();
    await page.keyboard.press('Enter');
    await range.filter({ hasText: '51–100 of 120' }).waitFor();
    await focusOn(page, 'button[data-page="prev"]');
    await page.keyboard.press('Enter');
    await range.filter({ hasText: '1–50 of 120' }).waitFor();
    await page.waitForURL(/#\/schedules$/);
    await focusOn(page, 'button[data-page="prev"]');
    expect(await button('prev').getAttribute('aria-disabled')).toBe('true');

    await button('last').focus();
    await page.keyboard.press('Enter');
    await range.filter({ hasText: '101–120 of 120' }).waitFor();
    await page.waitForURL(/#\/schedules\?offset=100$/);
    await focusOn(page, 'button[data-page="last"]');

    // The browser's back button returns to the page before, and the focus to its heading.
    await page.goBack();
    await range.filter({ hasText: '1–50 of 120' }).waitFor();
    await focusOn(page, 'h1 Schedules');
  });

  it('says there is no recurring schedule when there is none', async () => {
    const { origin, page } = await open({ worker: false });
    await page.goto(`${origin}/tasks#/schedules`);
    await page.locator('[data-testid="schedule-table"] .empty', { hasText: 'No recurring schedule.' }).waitFor();
    expect(await page.locator('[data-testid="range"]').textContent()).toBe('');
    for (const which of ['prev', 'next']) expect(await page.locator(`button[data-page="${which}"]`).getAttribute('aria-disabled')).toBe('true');
    // No last page to go to, as on an empty queue tab.
    expect(await page.locator('button[data-page="last"]').count()).toBe(0);
  });
});
