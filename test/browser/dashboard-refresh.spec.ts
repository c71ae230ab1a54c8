import type { Browser, Page } from 'playwright-core';
import { waitUntil } from '../utils/wait.js';
import { afterPolls, launchChromium } from './browser-kit.js';
import { dashboardPages } from './dashboard-pages.js';

// The page refreshes every two seconds. A refresh changes only what changed:
// the keyboard focus, a text selection and a pending action's disabled button
// stay as they were.

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** Marks the element matching `selector` as focused and selects the text of the one matching `select`, in the page. */
const focusAndSelect = (page: Page, selector: string, select: string) =>
  page.evaluate(`(() => {
    const target = document.querySelector(${JSON.stringify(selector)});
    target.focus();
    window.__focused = target;
    const range = document.createRange();
    range.selectNodeContents(document.querySelector(${JSON.stringify(select)}));
    getSelection().removeAllRanges();
    getSelection().addRange(range);
  })()`);

/** Whether the element focused by focusAndSelect still is (the same node, still in the page), and the selected text. */
const focusAndSelection = (page: Page) =>
  page.evaluate<{ kept: boolean; focused: string; selected: string }>(`({
    kept: document.activeElement === window.__focused && window.__focused.isConnected,
    focused: document.activeElement ? document.activeElement.tagName : '',
    selected: String(getSelection()),
  })`);

describe('the dashboard refreshing in Chromium', () => {
  const open = dashboardPages(() => browser, 'dash-refresh');

  it('keeps the focus and a text selection through refreshes, on the overview and on a queue page, while the counts change', async () => {
    const { origin, tasks, page } = await open({ worker: false });
    await tasks.enqueueMany([1, 2, 3].map((n) => ({ name: 'demo.ok', payload: { n } })));

    await page.goto(`${origin}/tasks`);
    const waiting = page.locator('tr[data-queue="demo"] td[data-state="waiting"]');
    await waiting.filter({ hasText: '3' }).waitFor();
    await focusAndSelect(page, 'tr[data-queue="demo"] a', 'tr[data-queue="demo"] a');
    // The refresh that draws the new count is the one that would have taken the focus and the selection.
    await tasks.enqueue('demo.ok', { n: 4 });
    await waiting.filter({ hasText: '4' }).waitFor();
    expect(await focusAndSelection(page)).toEqual({ kept: true, focused: 'A', selected: 'demo' });

    await page.goto(`${origin}/tasks#/queues/demo?state=waiting`);
    const range = page.locator('[data-testid="range"]');
    await range.filter({ hasText: '1–4 of 4' }).waitFor();
    await focusAndSelect(page, 'a[data-state="dead"]', '[data-testid="task-table"] tbody tr td:nth-child(2)');
    // Identical data: a refresh changes nothing (the second request is sent only once the first refresh is drawn).
    await afterPolls(page, '/api/queues/demo', 2);
    expect(await focusAndSelection(page)).toEqual({ kept: true, focused: 'A', selected: 'demo.ok' });
    await tasks.enqueue('demo.ok', { n: 5 });
    await range.filter({ hasText: '1–5 of 5' }).waitFor();
    expect(await focusAndSelection(page)).toEqual({ kept: true, focused: 'A', selected: 'demo.ok' });
  });

  it("keeps the focus and a text selection on a running task's page while its lease is renewed", async () => {
    const { origin, tasks, page } = await open();
    // A payload long enough to be folded: its summary takes the focus, and the reader opens it.
    const ref = await tasks.enqueue('demo.slow', { ms: 20_000, note: 'n'.repeat(5_000) });
    await waitUntil(async () => (await tasks.get(ref))?.state === 'active', 'the task to start');
    await page.goto(`${origin}/tasks#/queues/demo/tasks/${encodeURIComponent(ref.id)}`);
    const until = page.locator('dt:text-is("lease") + dd time');
    await until.waitFor();
    const before = await until.getAttribute('datetime');
    await page.locator('[data-testid="payload"] summary').click();
    await focusAndSelect(page, '[data-testid="payload"] summary', '[data-testid="payload"] pre');
    // A renewal (a third of the app's 5 s lease) moves the lease's end; the refresh that draws it kept everything else.
    await waitUntil(async () => (await until.getAttribute('datetime')) !== before, 'the page to show a renewed lease', 10_000);
    expect(await focusAndSelection(page)).toMatchObject({ kept: true, focused: 'SUMMARY' });
    expect((await focusAndSelection(page)).selected).toContain('"ms": 20000');
    expect(await page.locator('[data-testid="payload"] details').getAttribute('open')).not.toBeNull();
    expect(await tasks.cancel(ref).catch(() => false)).toBe(false);
  });

  it("keeps a bulk action's button disabled while its request is in flight, through refreshes, so it is sent once", async () => {
    const { origin, tasks, page } = await open();
    await Promise.all([1, 2].map((n) => tasks.enqueue('demo.flaky', { key: `in-flight-${n}` })));
    await waitUntil(async () => (await tasks.counts('demo')).dead === 2, 'both tasks to die');
    // The POST is held at the browser until released: a slow retry of a large queue.
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const posts: string[] = [];
    await page.route((url) => url.pathname.endsWith('/retry-dead'), async (route) => {
      posts.push(route.request().method());
      await released;
      await route.continue();
    });
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${origin}/tasks#/queues/demo?state=dead`);
    const button = page.locator('button[data-action="Retry all dead"]');
    await button.click();
    await waitUntil(() => posts.length === 1, 'the POST to be sent');
    await afterPolls(page, '/api/queues/demo', 2);
    expect(await button.isDisabled()).toBe(true);
    // Even a click that reaches it (a script, a second tab of the same page's code) sends nothing.
    await button.dispatchEvent('click');
    release();
    await page.locator('#notice', { hasText: 'Retry all dead: 2 tasks retried' }).waitFor();
    expect(posts).toEqual(['POST']);
    await waitUntil(async () => (await tasks.counts('demo')).completed === 2, 'the retried tasks to complete');
  });

  it('holds the page still while updates are paused, the list unchanged as tasks come; resuming shows them', async () => {
    const { origin, tasks, page } = await open({ worker: false });
    await tasks.enqueue('demo.ok', { n: 1 });
    await page.goto(`${origin}/tasks#/queues/demo`);
    const count = page.locator('[data-state="waiting"] .count');
    await page.locator('[data-state="waiting"] .count', { hasText: '1' }).waitFor();
    await page.locator('[data-testid="pause-updates"]').click();
    await page.locator('[data-testid="live"]', { hasText: 'paused' }).waitFor();
    expect(await page.locator('[data-testid="pause-updates"]').getAttribute('aria-pressed')).toBe('true');

    const requests: string[] = [];
    page.on('request', (request) => requests.push(new URL(request.url()).pathname));
    await tasks.enqueueMany([2, 3].map((n) => ({ name: 'demo.ok', payload: { n } })));
    // Three poll intervals: nothing is asked for, nothing changes.
    await new Promise((resolve) => setTimeout(resolve, 6_500));
    expect(requests.filter((path) => path.includes('/api/'))).toEqual([]);
    expect(await count.textContent()).toBe('1');

    await page.locator('[data-testid="pause-updates"]').click();
    await page.locator('[data-state="waiting"] .count', { hasText: '3' }).waitFor();
    await page.locator('[data-testid="live"]', { hasText: 'live' }).waitFor();
    expect(await page.locator('[data-testid="pause-updates"]').textContent()).toBe('Pause updates');
  });
});
