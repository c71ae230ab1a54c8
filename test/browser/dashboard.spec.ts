import type { Browser, Page } from 'playwright-core';
import { startDashboardApp, type AdapterName, type DashboardApp } from '../fixtures/dashboard-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';
import { focused } from './ax-probe.js';
import { launchChromium, newPage, shot } from './browser-kit.js';

// The dashboard in a real browser, on both HTTP adapters: what the page shows
// is what TaskQueue reports, actions work and the page updates without a
// reload, read-only mode shows and allows no action, and payloads stay text.

/** The page's globals, as the functions evaluated in it see them (the tests compile without DOM types). */
type PageGlobals = { marker?: number; __pwned?: number; document: { body: { dataset: Record<string, string | undefined> } } };

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe.each<AdapterName>(['express', 'fastify'])('the dashboard in Chromium on %s', (adapter) => {
  const opened: Array<{ app: DashboardApp; prefix: string; page?: Page }> = [];
  const open = async (options: { readOnly?: boolean } = {}) => {
    const prefix = uniquePrefix(`dash-browser-${adapter}`);
    const app = await startDashboardApp({ adapter, prefix, ...options });
    const page = await newPage(browser);
    opened.push({ app, prefix, page });
    return { ...app, page };
  };
  afterEach(async () => {
    for (const { app, prefix, page } of opened.splice(0)) {
      await page?.context().close();
      await app.close();
      await removePrefix(prefix);
    }
  });

  it('shows on the overview the counts that counts() returns, and the throughput and workers', async () => {
    const { origin, tasks, page } = await open();
    await Promise.all([1, 2, 3, 4].map((n) => tasks.enqueue('demo.ok', { n })));
    await tasks.enqueue('demo.flaky', { key: `overview-${adapter}` });
    await waitUntil(async () => (await tasks.counts('demo')).dead === 1 && (await tasks.counts('demo')).completed === 4, 'the tasks to finish');
    await tasks.pause('demo');
    await tasks.enqueueMany([5, 6, 7].map((n) => ({ name: 'demo.ok', payload: { n } })));
    await tasks.enqueue('demo.ok', { n: 8 }, { delay: 60_000 });
    // A queue no worker of this app serves: it is listed with its tasks waiting.
    await tasks.enqueueMany(['a@example.com', 'b@example.com'].map((to) => ({ name: 'mail.send', payload: { to }, options: { queue: 'mail' } })));

    await page.goto(`${origin}/tasks`);
    const row = page.locator('tr[data-queue="demo"]');
    await row.waitFor();
    const counts = await tasks.counts('demo');
    for (const state of ['waiting', 'delayed', 'active', 'completed', 'dead'] as const) {
      await waitUntil(async () => (await row.locator(`td[data-state="${state}"]`).textContent()) === String(counts[state]), `the ${state} count to read ${counts[state]}`);
    }
    expect(await row.locator('.chip-paused').count()).toBe(1);
    expect(await page.locator('svg.chart').count()).toBe(1);
    await page.locator('.legend-failed', { hasText: '1 failed' }).waitFor();
    expect(await page.locator('main').textContent()).toContain(require('node:os').hostname());

    // Live: a task enqueued now shows up without a reload.
    await tasks.enqueue('demo.ok', { n: 9 });
    await waitUntil(async () => (await row.locator('td[data-state="waiting"]').textContent()) === String(counts.waiting + 1), 'the waiting count to update');
    await shot(page, `${adapter}-overview`);
  });

  it("shows a dead task's error and stack; Retry makes it complete and the page updates without a reload", async () => {
    const { origin, tasks, page } = await open();
    const ref = await tasks.enqueue('demo.flaky', { key: `retry-${adapter}`, amount: 1299, currency: 'EUR' });
    await waitUntil(async () => (await tasks.get(ref))?.state === 'dead', 'the task to die');
    await page.goto(`${origin}/tasks#/queues/demo/tasks/${encodeURIComponent(ref.id)}`);
    await page.locator('[data-testid="attempt-error"]').waitFor();
    expect(await page.locator('[data-testid="attempt-error"]').textContent()).toBe(`Error: payment gateway timed out for retry-${adapter}`);
    expect(await page.locator('[data-testid="task-state"]').textContent()).toBe('dead');
    // Taken with the stack folded: the docs show this one, and a stack names this machine's paths.
    await shot(page, `${adapter}-task-dead`, true);
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot(page, `${adapter}-task-dead-dark`, true);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.locator('ol.timeline details summary').first().click();
    expect(await page.locator('pre.stack').first().textContent()).toContain('at ');
    await shot(page, `${adapter}-task-dead-stack`, true);

    await page.evaluate(() => ((globalThis as unknown as PageGlobals).marker = 1));
    await page.locator('button[data-action="Retry"]').click();
    await page.locator('[data-testid="task-state"]', { hasText: 'completed' }).waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).marker)).toBe(1);
    // Its button gone with the dead state, the focus went to the page's heading, not to the body.
    expect(await focused(page)).toBe(`h1 ${ref.id}`);
    expect((await tasks.get(ref))?.state).toBe('completed');
    // The first run's failure stays on the page, the retry's run set apart from it (its attempt is "1" again).
    await page.locator('[data-testid="run-start"]', { hasText: 'retried from dead: run 2' }).waitFor();
    expect(await page.locator('[data-testid="attempt-error"]').allTextContents()).toEqual([`Error: payment gateway timed out for retry-${adapter}`]);
    expect(await page.locator('ol.timeline li').allTextContents()).toEqual([
      expect.stringMatching(/enqueued$/),
      expect.stringMatching(/attempt 1 started$/),
      expect.stringMatching(/attempt 1 dead after /),
      expect.stringMatching(/retried from dead: run 2$/),
      expect.stringMatching(/attempt 1 started$/),
      expect.stringMatching(/attempt 1 completed after /),
    ]);
    await shot(page, `${adapter}-task-retried`);
  });

  it('runs a delayed task now with Run now, and the page shows it completed', async () => {
    const { origin, tasks, page } = await open();
    const ref = await tasks.enqueue('demo.ok', { n: 1 }, { delay: 600_000 });
    await page.goto(`${origin}/tasks#/queues/demo/tasks/${encodeURIComponent(ref.id)}`);
    await page.locator('[data-testid="task-state"]', { hasText: 'delayed' }).waitFor();
    await page.locator('button[data-action="Run now"]').click();
    await page.locator('[data-testid="task-state"]', { hasText: 'completed' }).waitFor({ timeout: 15_000 });
    expect((await tasks.get(ref))?.state).toBe('completed');
    expect(await page.locator('button[data-action="Run now"]').count()).toBe(0);
  });

  it("cancels a delayed task and goes back to its queue's delayed tab; a task page of a task gone says so", async () => {
    const { origin, tasks, page } = await open();
    const ref = await tasks.enqueue('demo.ok', { n: 1 }, { delay: 600_000 });
    await page.goto(`${origin}/tasks#/queues/demo/tasks/${encodeURIComponent(ref.id)}`);
    await page.locator('[data-testid="task-state"]', { hasText: 'delayed' }).waitFor();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.once('dialog', (dialog) => void dialog.accept());
    await page.locator('button[data-action="Cancel"]').click();
    // Opened directly, not from its queue's page: back to the tab it was on.
    await page.waitForURL(/#\/queues\/demo\?state=delayed$/);
    await page.locator('#notice', { hasText: 'Cancel: done' }).waitFor();
    expect(await tasks.get(ref)).toBeNull();
    // Opened again (a bookmark, another operator's tab): the page says it is gone and offers nothing to do.
    await page.goto(`${origin}/tasks#/queues/demo/tasks/${encodeURIComponent(ref.id)}`);
    await page.locator('[data-testid="task-gone"]', { hasText: `no task '${ref.id}' in queue 'demo'` }).waitFor();
    expect(await page.locator('[data-testid="task-state"]').textContent()).toBe('gone');
    expect(await page.locator('main button:visible').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('says a queue in the address is unknown, and a name or id no task can have, in place and without failing the page', async () => {
    const { origin, tasks, page } = await open();
    await tasks.enqueue('demo.ok', { n: 1 }, { delay: 600_000 });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${origin}/tasks#/queues/demmo`);
    await page.locator('[data-testid="outage"]', { hasText: "no queue 'demmo' under this prefix (known: demo)" }).waitFor();
    await page.goto(`${origin}/tasks#/queues/%E0%A4%A`);
    await page.locator('[data-testid="outage"]', { hasText: "no queue '%E0%A4%A'" }).waitFor();
    // A name or an id no task can have, typed into the filter or the find box: said in place, the page live.
    await page.goto(`${origin}/tasks#/queues/demo?state=delayed`);
    await page.locator('input[name="name"]').fill('a{b');
    await page.locator('input[name="name"]').press('Enter');
    await page.locator('[data-testid="filter-refused"]', { hasText: 'No task can be named so' }).waitFor();
    expect(await page.locator('[data-testid="outage"]').isHidden()).toBe(true);
    await page.locator('input[name="id"]').fill('a{b');
    await page.locator('input[name="id"]').press('Enter');
    await page.locator('[data-testid="task-gone"]', { hasText: 'must be a non-empty string' }).waitFor();
    expect(await page.locator('[data-testid="outage"]').isHidden()).toBe(true);
    expect(errors).toEqual([]);
  });

  it('asks before Drain what it removes, and leaves delayed tasks as it said', async () => {
    const { origin, tasks, page } = await open();
    await tasks.pause('demo');
    await tasks.enqueueMany([1, 2].map((n) => ({ name: 'demo.ok', payload: { n } })));
    const later = await tasks.enqueue('demo.ok', { n: 3 }, { delay: 600_000 });
    await page.goto(`${origin}/tasks#/queues/demo`);
    const asked: string[] = [];
    page.once('dialog', (dialog) => {
      asked.push(dialog.message());
      void dialog.accept();
    });
    await page.locator('button[data-action="Drain"]').click();
    await page.locator('#notice', { hasText: 'Drain: 2 tasks removed' }).waitFor();
    expect(asked).toEqual(['Remove all 2 waiting tasks of demo? Delayed and running tasks stay; tasks that depend on a removed one end dead.']);
    expect(await tasks.counts('demo')).toMatchObject({ waiting: 0, delayed: 1 });
    expect(await tasks.get(later)).toMatchObject({ state: 'delayed' });
  });

  it("removes a completed task after asking, and goes back to its queue's completed tab", async () => {
    const { origin, tasks, page } = await open();
    const ref = await tasks.enqueue('demo.ok', { n: 1 });
    await tasks.waitFor(ref, { timeout: 10_000 });
    await page.goto(`${origin}/tasks#/queues/demo/tasks/${encodeURIComponent(ref.id)}`);
    await page.locator('[data-testid="task-state"]', { hasText: 'completed' }).waitFor();
    const asked: string[] = [];
    page.once('dialog', (dialog) => {
      asked.push(dialog.message());
      void dialog.accept();
    });
    await page.locator('button[data-action="Remove"]').click();
    await page.waitForURL(/#\/queues\/demo\?state=completed$/);
    await page.locator('#notice', { hasText: 'Remove: done' }).waitFor();
    expect(asked).toEqual([`Remove task ${ref.id} with its result, log and history?`]);
    expect(await tasks.get(ref)).toBeNull();
  });

  it('reports an action that did nothing as a failure, with the reason the server gives', async () => {
    const { origin, tasks, page } = await open();
    const ref = await tasks.enqueue('demo.flaky', { key: `stale-${adapter}` });
    await waitUntil(async () => (await tasks.get(ref))?.state === 'dead', 'the task to die');
    // The page's clock stands still, so it does not refresh: it keeps showing the task dead, with its Retry button.
    await page.clock.install();
    await page.goto(`${origin}/tasks#/queues/demo/tasks/${encodeURIComponent(ref.id)}`);
    await page.locator('button[data-action="Retry"]').waitFor();
    // Someone else retries it first, and it completes.
    expect(await tasks.retry(ref)).toBe(true);
    await waitUntil(async () => (await tasks.get(ref))?.state === 'completed', 'the retried task to complete');
    await page.locator('button[data-action="Retry"]').click();
    await page.locator('#notice [role="alert"]', { hasText: `Retry failed: task '${ref.id}' is completed now; only dead tasks can be retried` }).waitFor();
  });

  it('in read-only mode shows no action, and a POST from the page is refused', async () => {
    const { origin, tasks, page } = await open({ readOnly: true });
    const ref = await tasks.enqueue('demo.flaky', { key: `readonly-${adapter}` });
    await waitUntil(async () => (await tasks.get(ref))?.state === 'dead', 'the task to die');
    await page.goto(`${origin}/tasks#/queues/demo/tasks/${encodeURIComponent(ref.id)}`);
    await page.locator('[data-testid="attempt-error"]').waitFor();
    expect(await page.locator('button[data-action]').count()).toBe(0);
    expect(await page.locator('textarea').count()).toBe(0);
    await page.goto(`${origin}/tasks#/queues/demo?state=dead`);
    await page.locator(`tr[data-id="${ref.id}"]`).waitFor();
    expect(await page.locator('button[data-action]').count()).toBe(0);
    await page.locator('.chip-readonly').waitFor();

    const status = await page.evaluate(async (id) => {
      const token = (globalThis as unknown as PageGlobals).document.body.dataset.token ?? '';
      const response = await fetch(`/tasks/api/queues/demo/tasks/${id}/retry`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': token }, body: '{}' });
      return response.status;
    }, ref.id);
    expect(status).toBe(403);
    expect((await tasks.get(ref))?.state).toBe('dead');
    await shot(page, `${adapter}-read-only`);
  });

  it('shows a payload holding <script> as text, never as HTML', async () => {
    const { origin, tasks, page } = await open();
    await tasks.pause('demo');
    const evil = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';
    const ref = await tasks.enqueue('demo.ok', { note: evil });
    await page.goto(`${origin}/tasks#/queues/demo/tasks/${encodeURIComponent(ref.id)}`);
    const payload = page.locator('[data-testid="payload"]');
    await payload.waitFor();
    expect(await payload.textContent()).toContain(JSON.stringify(evil).slice(1, -1));
    expect(await payload.locator('script, img').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).__pwned)).toBeUndefined();
    await shot(page, `${adapter}-script-payload`);
  });
});

describe('a queue of 10,000 waiting tasks in Chromium', () => {
  it('pages through it (timings logged), filters by name and finds by id', async () => {
    const prefix = uniquePrefix('dash-browser-paging');
    const { origin, tasks, close } = await startDashboardApp({ adapter: 'express', prefix, worker: false });
    const page = await newPage(browser);
    try {
      for (let start = 0; start < 10_000; start += 1_000) {
        await tasks.enqueueMany(Array.from({ length: 1_000 }, (_, i) => ({ name: (start + i) % 100 === 0 ? 'demo.flaky' : 'demo.ok', payload: { n: start + i }, options: { queue: 'demo' } })));
      }
      expect((await tasks.counts('demo')).waiting).toBe(10_000);
      await page.goto(`${origin}/tasks#/queues/demo?state=waiting`);
      const range = page.locator('[data-testid="range"]');
      await range.filter({ hasText: '1–50 of 10,000' }).waitFor();

      const timings: string[] = [];
      const measure = async (what: string, act: () => Promise<unknown>, expected: string) => {
        const started = performance.now();
        await act();
        await range.filter({ hasText: expected }).waitFor({ timeout: 10_000 });
        const ms = performance.now() - started;
        timings.push(`${what}: ${ms.toFixed(0)} ms`);
        return ms;
      };
      await measure('next page', () => page.locator('button[data-page="next"]').click(), '51–100 of 10,000');
      await measure('last page', () => page.locator('button[data-page="last"]').click(), '9,951–10,000 of 10,000');
      await measure('name filter', async () => {
        await page.locator('input[name="name"]').fill('demo.flaky');
        await page.locator('input[name="name"]').press('Enter');
      }, '1–50');
      console.info(`dashboard paging, 10,000 waiting tasks: ${timings.join(', ')}`);
      expect(await page.locator('[data-testid="task-table"] tbody tr').count()).toBe(50);
      expect(new Set(await page.locator('[data-testid="task-table"] tbody tr td:nth-child(2)').allTextContents())).toEqual(new Set(['demo.flaky']));
      await shot(page, 'paging-10000');

      // The filter searched every one of them: nothing to say.
      expect(await page.locator('[data-testid="search-note"]').count()).toBe(0);
      // One more, and the filter searches the first 10,000 only: the page says so.
      await tasks.enqueue('demo.ok', { n: 10_000 }, { queue: 'demo' });
      await page.locator('[data-testid="search-note"]', { hasText: 'Searched the first 10,000 of 10,001 waiting tasks for this name.' }).waitFor();

      const [first] = await tasks.list('waiting', { queue: 'demo', limit: 1 });
      await page.locator('input[name="id"]').fill(first.id);
      await page.locator('input[name="id"]').press('Enter');
      await page.locator('[data-testid="task-state"]', { hasText: 'waiting' }).waitFor();
    } finally {
      await page.context().close();
      await close();
      await removePrefix(prefix);
    }
  });
});
