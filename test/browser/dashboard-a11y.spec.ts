import type { Browser } from 'playwright-core';
import { waitUntil } from '../utils/wait.js';
import { axRole, focusOn, focused } from './ax-probe.js';
import { afterPolls, launchChromium, shot } from './browser-kit.js';
import { contrastOf } from './contrast-probe.js';
import { dashboardPages } from './dashboard-pages.js';

// The dashboard for a keyboard and a screen reader: where the focus goes after
// an action and after a route change, live regions that are there before they
// speak, a header that fits a narrow screen when the page stops updating, and
// controls and cells drawn so that they can be seen and read.

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** A 503 as the dashboard answers while Redis is away. */
const outage = (message: string) => ({ status: 503, json: { statusCode: 503, message, error: 'Service Unavailable' } });

describe('the dashboard for a keyboard and a screen reader, in Chromium', () => {
  const open = dashboardPages(() => browser, 'dash-a11y');

  it('keeps the focus through actions (Pause hands it to Resume and back, a failed action keeps it); notices are live regions from the start, and a failure is an alert that stays until dismissed', async () => {
    const { origin, tasks, page } = await open({ worker: false });
    await tasks.enqueue('demo.ok', { n: 1 });
    // The page's clock stands still: no refresh but those the actions make, and the notices' timers run when told.
    await page.clock.install();
    await page.goto(`${origin}/tasks#/queues/demo`);
    const pause = page.locator('button[data-action="Pause"]');
    await pause.waitFor();
    // In the tree before any text arrives: a region that appears together with its text is often not read out.
    expect(await axRole(page, '#notice [role="status"]')).toBe('status');
    expect(await axRole(page, '#notice [role="alert"]')).toBe('alert');

    await pause.focus();
    await page.keyboard.press('Enter');
    await page.locator('#notice [role="status"]', { hasText: 'Pause: done' }).waitFor();
    await focusOn(page, 'button[data-action="Resume"]');
    await page.keyboard.press('Enter');
    await focusOn(page, 'button[data-action="Pause"]');
    expect((await tasks.counts('demo')).paused).toBe(false);

    await page.route((url) => url.pathname.endsWith('/demo/pause'), (route) => route.fulfill(outage('Redis did not answer within 10 s; the page tries again by itself')));
    await page.keyboard.press('Enter');
    const alert = page.locator('#notice [role="alert"]');
    await alert.filter({ hasText: 'Pause failed: Redis did not answer within 10 s' }).waitFor();
    await focusOn(page, 'button[data-action="Pause"]');
    expect(await page.locator('#notice [role="status"]').textContent()).toBe('');
    // A result fades after 5 s; a failure stays to be read.
    await page.clock.runFor(6_000);
    expect(await alert.textContent()).toContain('Pause failed');
    expect(await alert.isVisible()).toBe(true);
    await shot(page, 'a11y-failed-action');
    await page.locator('#notice button', { hasText: 'Dismiss' }).focus();
    await page.keyboard.press('Enter');
    expect(await alert.textContent()).toBe('');
    await focusOn(page, 'button[data-action="Pause"]');
  });

  it('moves the focus to the heading of the view a link opens, keeps it on the pager button or the filter pressed, and a refresh leaves it there', async () => {
    const { origin, tasks, page } = await open({ worker: false });
    await tasks.enqueueMany(Array.from({ length: 55 }, (_, n) => (n < 52 ? { name: 'demo.ok', payload: { n } } : { name: 'demo.flaky', payload: { key: `a11y-${n}` } })));
    await page.goto(`${origin}/tasks#/queues/demo?state=waiting`);
    const range = page.locator('[data-testid="range"]');
    await range.filter({ hasText: '1–50 of 55' }).waitFor();
    // Named by their words: the arrows are not read out.
    for (const name of ['Previous', 'Next', 'Last']) expect(await page.getByRole('button', { name, exact: true }).count()).toBe(1);

    await page.locator('button[data-page="next"]').focus();
    await page.keyboard.press('Enter');
    await range.filter({ hasText: '51–55 of 55' }).waitFor();
    // On the last page, Next can go nowhere: it says so and keeps the focus.
    await focusOn(page, 'button[data-page="next"]');
    expect(await page.locator('button[data-page="next"]').getAttribute('aria-disabled')).toBe('true');

    await page.locator('input[name="name"]').fill('demo.flaky');
    await page.keyboard.press('Enter');
    await range.filter({ hasText: /^1–3$/ }).waitFor();
    await focusOn(page, 'input[name="name"]');
    await page.locator('input[name="name"]').fill('');
    await page.locator('button[data-filter]').focus();
    await page.keyboard.press('Enter');
    await range.filter({ hasText: '1–50 of 55' }).waitFor();
    await focusOn(page, 'button[data-filter=""]');

    const link = page.locator('[data-testid="task-table"] tbody tr a').first();
    const id = (await link.textContent())!;
    await link.focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="task-state"]', { hasText: 'waiting' }).waitFor();
    await focusOn(page, `h1 ${id}`);
    await afterPolls(page, `/tasks/${encodeURIComponent(id)}`, 2);
    expect(await focused(page)).toBe(`h1 ${id}`);
    await page.locator('.crumbs a', { hasText: 'demo' }).click();
    await focusOn(page, 'h1 demo');
  });

  it('keeps the header short and in place on a narrow screen while the page is not updating, and shows the whole reason in the page', async () => {
    const { origin, tasks, page } = await open({ worker: false });
    await tasks.enqueue('demo.ok', { n: 1 });
    await page.setViewportSize({ width: 360, height: 740 });
    const reason = 'counts failed: Redis at redis-primary.internal.example:6379 is unreachable (connect ECONNREFUSED 10.20.30.40:6379); the dashboard answers again once it is back';
    const overview = (url: URL) => url.pathname.endsWith('/api/overview');
    await page.route(overview, (route) => route.fulfill(outage(reason)));
    await page.goto(`${origin}/tasks`);
    const live = page.locator('[data-testid="live"]');
    await live.filter({ hasText: 'not updating' }).waitFor();
    expect((await page.locator('header.top').boundingBox())!.height).toBeLessThanOrEqual(120);
    expect(await page.evaluate(`getComputedStyle(document.querySelector('header.top')).position`)).toBe('static');
    // Heard whole from the status; seen whole below the header.
    expect(await live.textContent()).toContain(reason);
    await page.locator('[data-testid="outage"]', { hasText: reason }).waitFor();
    expect(await page.evaluate(`document.documentElement.scrollWidth`)).toBeLessThanOrEqual(360);
    await shot(page, 'a11y-narrow-outage');

    await page.unroute(overview);
    await live.filter({ hasText: /^● live$/ }).waitFor();
    expect(await page.locator('[data-testid="outage"]').isVisible()).toBe(false);
    await page.locator('tr[data-queue="demo"]').waitFor();
    expect(await page.evaluate(`document.documentElement.scrollWidth`)).toBeLessThanOrEqual(360);
    // The chart's own labels would be a few pixels high here: the labels under it are text of a readable size.
    expect(await page.locator('svg.chart text.tick').first().isVisible()).toBe(false);
    const ticks = page.locator('.chart-ticks');
    expect(await ticks.isVisible()).toBe(true);
    expect(await page.evaluate<number>(`parseFloat(getComputedStyle(document.querySelector('.chart-ticks')).fontSize)`)).toBeGreaterThanOrEqual(11);
    await shot(page, 'a11y-narrow-overview', true);
  });

  it('wraps the cells meant to wrap, fits the queue page into 320 px, and gives the chart\'s values as text', async () => {
    const { origin, tasks, page } = await open();
    const ref = await tasks.enqueue('demo.flaky', { key: 'a11y-wrap' });
    await waitUntil(async () => (await tasks.get(ref))?.state === 'dead', 'the task to die');

    await page.goto(`${origin}/tasks`);
    await page.locator('td.wrap').first().waitFor();
    expect(await page.evaluate(`getComputedStyle(document.querySelector('td.wrap')).whiteSpace`)).toBe('normal');
    // The chart is a picture for the eye; its numbers are text, one row per minute with attempts, failed ones hatched.
    expect(await page.locator('svg.chart').getAttribute('aria-hidden')).toBe('true');
    expect(await page.locator('svg.chart rect.bar-failed').first().getAttribute('fill')).toMatch(/^url\(#/);
    await page.locator('.chart-values summary').click();
    await page.locator('.chart-values tbody td:last-child', { hasText: /^1$/ }).first().waitFor();
    expect(await page.locator('table[data-testid="queues"] th').last().textContent()).toBe('paused');
    await shot(page, 'a11y-chart-values', true);

    await page.setViewportSize({ width: 320, height: 640 });
    await page.goto(`${origin}/tasks#/queues/demo?state=dead`);
    await page.locator(`tr[data-id="${ref.id}"]`).waitFor();
    expect(await page.evaluate(`getComputedStyle(document.querySelector('td.error-cell')).whiteSpace`)).toBe('normal');
    expect(await page.evaluate(`document.documentElement.scrollWidth`)).toBeLessThanOrEqual(320);
    for (const input of ['input[name="name"]', 'input[name="id"]']) {
      const box = (await page.locator(input).boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(320);
    }
    await shot(page, 'a11y-320-queue', true);
  });

  it('draws control edges at 3:1 and placeholders at 4.5:1 in both themes, underlines links in text, and leaves room for the sticky header', async () => {
    const { origin, tasks, page } = await open({ worker: false });
    await tasks.enqueue('demo.ok', { n: 1 });
    await page.goto(`${origin}/tasks#/queues/demo`);
    await page.locator('button[data-action="Pause"]').waitFor();
    const low: string[] = [];
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      const check = async (selector: string, part: 'border' | 'placeholder', least: number) => {
        const ratio = await contrastOf(page, selector, part);
        if (ratio < least) low.push(`${colorScheme}: ${selector}'s ${part} at ${ratio.toFixed(2)}:1`);
      };
      for (const selector of ['input[name="name"]', 'button[data-filter]', 'button[data-action="Pause"]']) await check(selector, 'border', 3);
      await check('input[name="name"]', 'placeholder', 4.5);
    }
    expect(low).toEqual([]);
    expect(await page.evaluate(`getComputedStyle(document.querySelector('.crumbs a')).textDecorationLine`)).toBe('underline');
    const header = (await page.locator('header.top').boundingBox())!.height;
    expect(await page.evaluate<number>(`parseFloat(getComputedStyle(document.documentElement).scrollPaddingTop)`)).toBeGreaterThanOrEqual(header);
    // The status's dot is decoration: not read out.
    expect(await page.locator('[data-testid="live"] [aria-hidden="true"]').textContent()).toBe('● ');
  });
});
