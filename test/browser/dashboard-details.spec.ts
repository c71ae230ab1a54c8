import { Injectable } from '@nestjs/common';
import { TaskHandler } from '../../lib/index.js';
import { startTaskApp } from '../fixtures/task-app.js';
import type { Browser } from 'playwright-core';
import { waitUntil } from '../utils/wait.js';
import { launchChromium } from './browser-kit.js';
import { dashboardPages } from './dashboard-pages.js';
import { contrastOf } from './contrast-probe.js';

// What the pages say and where they lead: times in the browser's zone, the
// newest finished tasks first, the way back after an action, bulk actions and
// a name filter, long errors, and the details a reader or a screen reader needs.

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** `ms` as the dashboard shows it in `timeZone`: 'YYYY-MM-DD HH:MM:SS'. */
function shownIn(timeZone: string, ms: number): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(ms);
  const part = (type: string) => parts.find((p) => p.type === type)?.value;
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')}`;
}

describe('the dashboard pages in Chromium', () => {
  const open = dashboardPages(() => browser, 'dash-details');

  it("shows times with the date and clock of the browser's zone, and the UTC instant as a tooltip", async () => {
    const zone = 'America/Los_Angeles';
    const { origin, tasks, page } = await open({ worker: false, timezoneId: zone });
    // Due at 20:00 in Los Angeles, 30 to 54 hours ahead: never today there, whatever the hour the test runs
    // (the page shows a date only for another day), and already the next day in UTC.
    const hour = 3_600_000;
    const start = Math.ceil((Date.now() + 30 * hour) / hour) * hour;
    const due = [...Array(24).keys()].map((i) => start + i * hour).find((ms) => shownIn(zone, ms).endsWith(' 20:00:00'))!;
    expect(shownIn(zone, due).slice(0, 10)).not.toBe(new Date(due).toISOString().slice(0, 10));
    const ref = await tasks.enqueue('demo.ok', { n: 1 }, { runAt: new Date(due) });

    await page.goto(`${origin}/tasks#/queues/demo?state=delayed`);
    const when = page.locator(`tr[data-id="${ref.id}"] time`);
    await when.waitFor();
    expect(await when.textContent()).toBe(shownIn(zone, due));
    expect(await when.getAttribute('title')).toBe(new Date(due).toISOString());
    await page.goto(`${origin}/tasks#/queues/demo/tasks/${encodeURIComponent(ref.id)}`);
    const field = page.locator('dt:text-is("due") + dd time');
    await field.waitFor();
    expect(await field.textContent()).toBe(shownIn(zone, due));
    expect(await field.getAttribute('title')).toBe(new Date(due).toISOString());
  });

  it("names the worker that holds a running task's lease, as the overview's workers table does, and when the lease runs out", async () => {
    const { origin, tasks, page } = await open();
    const ref = await tasks.enqueue('demo.slow', { ms: 20_000 });
    await waitUntil(async () => (await tasks.get(ref))?.state === 'active', 'the task to start');
    const [worker] = await tasks.workers('demo');
    const { lease } = (await tasks.get(ref))!;
    expect(lease?.workerId).toBe(worker.instanceId);

    await page.goto(`${origin}/tasks#/queues/demo/tasks/${encodeURIComponent(ref.id)}`);
    const field = page.locator('dt:text-is("lease") + dd');
    await field.waitFor();
    expect(await field.locator('.mono').textContent()).toBe(worker.instanceId);
    expect(await field.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
    await page.goto(`${origin}/tasks#/`);
    const row = page.locator(`tr[data-id="${worker.instanceId}"]`);
    await row.waitFor();
    expect(await row.locator('td').first().textContent()).toBe(worker.instanceId);
    expect(await tasks.cancel(ref).catch(() => false)).toBe(false);
  });

  it('shows the first hundred of a long relation list as links, then how many more, and the cancel warning still counts them', async () => {
    const { origin, tasks, page } = await open({ worker: false });
    const root = await tasks.enqueue('demo.ok', { n: 0 }, { id: 'fan-root', delay: 600_000 });
    await tasks.enqueueMany(Array.from({ length: 130 }, (_, i) => ({ name: 'demo.ok', payload: { n: i }, options: { id: `fan-${String(i).padStart(3, '0')}`, dependsOn: [root.id] } })));
    const join = await tasks.enqueue('demo.ok', {}, { id: 'fan-join', dependsOn: Array.from({ length: 120 }, (_, i) => `fan-${String(i).padStart(3, '0')}`) });

    await page.goto(`${origin}/tasks#/queues/demo/tasks/${root.id}`);
    const dependents = page.getByTestId('dependents');
    await dependents.waitFor();
    expect(await dependents.locator('a').count()).toBe(100);
    expect(await dependents.locator('a').first().textContent()).toBe('fan-000');
    expect(await dependents.locator('.muted').textContent()).toBe("and 30 more (TaskQueue.relations or the CLI's show --json lists them all)");
    // The API carries the hundred and the totals, not every id.
    const view = (await (await fetch(`${origin}/tasks/api/queues/demo/tasks/${join.id}`)).json()) as {
      pendingTotal: number; task: { pendingDependencies: string[] }; relations: { dependencies: string[]; dependenciesTotal: number; dependentsTotal: number };
    };
    expect([view.relations.dependencies.length, view.relations.dependenciesTotal, view.relations.dependentsTotal]).toEqual([100, 120, 0]);
    expect([view.task.pendingDependencies.length, view.pendingTotal]).toEqual([100, 120]);

    await page.goto(`${origin}/tasks#/queues/demo/tasks/${join.id}`);
    const pending = page.getByTestId('pending');
    await pending.waitFor();
    expect(await pending.locator('a').count()).toBe(100);
    expect(await pending.locator('.muted').textContent()).toContain('and 20 more');
    expect(await page.getByTestId('dependencies').locator('.muted').textContent()).toContain('and 20 more');
  });

  it("folds a worker's long lists of queues and handlers behind their first names, sorted as a person sorts them", async () => {
    const { origin, page, prefix } = await open({ worker: false });
    // A real second app of the prefix, whose worker serves twelve queues with a handler each.
    const queues = Array.from({ length: 12 }, (_, i) => `q${i}`);
    @Injectable()
    class ManyQueues {}
    for (const queue of queues) {
      const method = function run() {};
      Object.defineProperty(ManyQueues.prototype, `run_${queue}`, { value: method, configurable: true });
      TaskHandler(`task.${queue}`, { queue })(ManyQueues.prototype, `run_${queue}`, Object.getOwnPropertyDescriptor(ManyQueues.prototype, `run_${queue}`)!);
    }
    const worker = await startTaskApp(prefix, [ManyQueues]);
    try {
      await page.goto(`${origin}/tasks#/`);
      const row = page.locator('table.grid tr[data-id]');
      await row.first().waitFor();
      const [queueCell, handlerCell] = [row.locator('td').nth(3), row.locator('td').nth(4)];
      expect(await queueCell.locator('summary').textContent()).toBe('q0, q1, q2, q3, q4, q5, q6, q7 and 4 more queues');
      expect(await handlerCell.locator('summary').textContent()).toBe('task.q0, task.q1, task.q2, task.q3, task.q4, task.q5, task.q6, task.q7 and 4 more handlers');
      expect(await queueCell.locator('details p').isVisible()).toBe(false);
      await queueCell.locator('summary').click();
      expect(await queueCell.locator('details p').textContent()).toBe(queues.join(', '));
      // The row stays a row: its cells wrap rather than widen the table past its card.
      const width = (await page.evaluate(
        `(() => { const card = document.querySelector('table.grid tr[data-id]').closest('.card'); return { scroll: card.scrollWidth, client: card.clientWidth }; })()`,
      )) as { scroll: number; client: number };
      expect(width.scroll).toBeLessThanOrEqual(width.client);
      // Opened, it stays open through the next refreshes (every 2 s).
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(await queueCell.locator('details').getAttribute('open')).toBe('');
    } finally {
      await worker.close();
    }
  });

  it('lists completed tasks newest first, turns to oldest first in the URL, pages to the last page, and Remove comes back to that page', async () => {
    const { origin, tasks, page } = await open();
    await tasks.enqueueMany(Array.from({ length: 55 }, (_, n) => ({ name: 'demo.ok', payload: { n } })));
    await waitUntil(async () => (await tasks.counts('demo')).completed === 55, 'the tasks to complete');
    const oldest = (await tasks.list('completed', { queue: 'demo', limit: 100 })).map((t) => t.id);
    const range = page.locator('[data-testid="range"]');
    const firstRow = page.locator('[data-testid="task-table"] tbody tr').first();

    await page.goto(`${origin}/tasks#/queues/demo`);
    await page.locator('a[data-state="completed"]').click();
    await range.filter({ hasText: '1–50 of 55' }).waitFor();
    expect(await firstRow.getAttribute('data-id')).toBe(oldest[54]);
    await page.locator('[data-order="oldest"]').click();
    await page.waitForURL(/state=completed&order=oldest$/);
    await waitUntil(async () => (await firstRow.getAttribute('data-id')) === oldest[0], 'the oldest task first');
    await page.locator('[data-order="newest"]').click();
    await waitUntil(async () => (await firstRow.getAttribute('data-id')) === oldest[54], 'the newest task first again');
    await page.locator('button[data-page="last"]').click();
    await range.filter({ hasText: '51–55 of 55' }).waitFor();
    await page.waitForURL(/#\/queues\/demo\?state=completed&offset=50$/);
    expect(await Promise.all((await page.locator('[data-testid="task-table"] tbody tr').all()).map((row) => row.getAttribute('data-id')))).toEqual(oldest.slice(0, 5).reverse());

    await page.locator(`tr[data-id="${oldest[2]}"] a`).click();
    await page.locator('[data-testid="task-state"]', { hasText: 'completed' }).waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.locator('button[data-action="Remove"]').click();
    await page.waitForURL(/#\/queues\/demo\?state=completed&offset=50$/);
    await range.filter({ hasText: '51–54 of 54' }).waitFor();
  });

  it('retries the dead tasks of the filtered name only, and keeps Drain, which ignores the filter, out of reach meanwhile', async () => {
    const { origin, tasks, page } = await open();
    const first = await tasks.enqueue('demo.ok', { n: 1 }, { delay: 600_000 });
    const dependent = await tasks.enqueue('demo.ok', { n: 2 }, { dependsOn: [first] });
    await tasks.cancel(first);
    const flaky = await tasks.enqueue('demo.flaky', { key: 'filtered-retry' });
    await waitUntil(async () => (await tasks.get(flaky))?.state === 'dead' && (await tasks.get(dependent))?.state === 'dead', 'both tasks to be dead');

    await page.goto(`${origin}/tasks#/queues/demo?state=dead&name=demo.flaky`);
    await page.locator(`tr[data-id="${flaky.id}"]`).waitFor();
    const drain = page.locator('button[data-action="Drain"]');
    expect(await drain.isDisabled()).toBe(true);
    // Why, in words on the page, which the button names as its description.
    const why = page.locator(`#${await drain.getAttribute('aria-describedby')}`);
    expect(await why.textContent()).toContain('whatever the name filter');
    expect(await why.isVisible()).toBe(true);
    const asked: string[] = [];
    page.once('dialog', (dialog) => {
      asked.push(dialog.message());
      void dialog.accept();
    });
    await page.locator('button[data-action="Retry all dead"]').click();
    await page.locator('#notice', { hasText: 'Retry all dead: 1 task retried' }).waitFor();
    expect(asked).toEqual(['Retry every dead demo.flaky task of demo?']);
    await waitUntil(async () => (await tasks.get(flaky))?.state === 'completed', 'the retried task to complete');
    expect((await tasks.get(dependent))?.state).toBe('dead');
  });

  it('folds a long error message, and says beside the editor that a payload that is not JSON is not JSON', async () => {
    const { origin, tasks, page } = await open();
    const ref = await tasks.enqueue('demo.flaky', { key: 'k'.repeat(3_000) });
    await waitUntil(async () => (await tasks.get(ref))?.state === 'dead', 'the task to die');
    await page.goto(`${origin}/tasks#/queues/demo/tasks/${encodeURIComponent(ref.id)}`);
    const folded = page.locator('details:has([data-testid="attempt-error"])');
    await folded.waitFor();
    expect(await folded.getAttribute('open')).toBeNull();
    expect(await folded.locator('summary').innerText()).toMatch(/^error: 3,0\d\d characters \(show\)$/);
    expect(await page.locator('[data-testid="attempt-error"]').isVisible()).toBe(false);
    await folded.locator('summary').click();
    expect(await folded.locator('summary').innerText()).toMatch(/^error: 3,0\d\d characters \(hide\)$/);
    // A block that may scroll is reached by the keyboard, and named.
    const payload = page.locator('[data-testid="payload"] pre');
    expect([await payload.getAttribute('tabindex'), await payload.getAttribute('aria-label')]).toEqual(['0', 'payload']);

    const editor = page.locator('textarea');
    await editor.fill('{ "key": nope }');
    await page.locator('button[data-action="Enqueue again"]').click();
    await page.locator('#notice [role="alert"]', { hasText: 'Enqueue again failed: the payload is not JSON' }).waitFor();
    expect(await editor.getAttribute('aria-invalid')).toBe('true');
    const why = page.locator(`#${await editor.getAttribute('aria-describedby')}`);
    expect(await why.textContent()).toMatch(/^the payload is not JSON \(.+\)$/);
    expect(await why.isVisible()).toBe(true);
    await editor.fill('{ "key": "fixed" }');
    expect(await editor.getAttribute('aria-invalid')).toBeNull();
    expect(await why.isVisible()).toBe(false);
  });

  it('names the view in the title, marks the current tab, announces the status politely, and counts blocked tasks', async () => {
    const { origin, tasks, page } = await open({ worker: false });
    const first = await tasks.enqueue('demo.ok', { n: 1 }, { delay: 600_000 });
    await tasks.enqueue('demo.ok', { n: 2 }, { dependsOn: [first] });

    await page.goto(`${origin}/tasks`);
    await page.locator('tr[data-queue="demo"] td[data-state="blocked"]', { hasText: '1' }).waitFor();
    expect(await page.title()).toBe('Overview · Tasks');
    const live = page.locator('[data-testid="live"]');
    expect([await live.getAttribute('role'), await live.getAttribute('aria-live')]).toEqual(['status', 'polite']);
    await page.goto(`${origin}/tasks#/queues/demo?state=dead`);
    await page.locator('a[data-state="dead"][aria-current="page"]').waitFor();
    expect(await page.locator('a[data-state][aria-current]').count()).toBe(1);
    expect(await page.title()).toBe('demo · dead · Tasks');
    await page.goto(`${origin}/tasks#/queues/demo/tasks/${encodeURIComponent(first.id)}`);
    await page.locator('[data-testid="task-state"]', { hasText: 'delayed' }).waitFor();
    expect(await page.title()).toBe(`${first.id} · demo · Tasks`);
  });

  it('labels a busy chart compactly inside its box, and draws light-mode text at 4.5:1 or more', async () => {
    const { origin, tasks, page } = await open({ worker: false });
    await tasks.pause('demo');
    await tasks.enqueue('demo.ok', { n: 1 });
    // 1,400 attempts in the last minute, without running them: the overview's answer, changed on its way.
    await page.route((url) => url.pathname.endsWith('/api/overview'), async (route) => {
      const response = await route.fetch();
      const data = (await response.json()) as { throughput: Array<{ completed: number }> };
      data.throughput[data.throughput.length - 1].completed = 1_400;
      await route.fulfill({ response, json: data });
    });
    await page.goto(`${origin}/tasks`);
    const top = page.locator('svg.chart text.tick').first();
    await top.filter({ hasText: '1.4k' }).waitFor();
    expect(await page.evaluate<number>(`document.querySelector('svg.chart text.tick').getBBox().x`)).toBeGreaterThanOrEqual(0);

    for (const selector of ['[data-testid="live"]', 'tr[data-queue="demo"] .chip-paused']) expect(await contrastOf(page, selector)).toBeGreaterThanOrEqual(4.5);
    await page.goto(`${origin}/tasks#/queues/demo`);
    await page.locator('.title-row .chip-paused').waitFor();
    for (const selector of ['.crumbs a', '.title-row .chip-paused', '.tab.active']) expect(await contrastOf(page, selector)).toBeGreaterThanOrEqual(4.5);
  });
});
