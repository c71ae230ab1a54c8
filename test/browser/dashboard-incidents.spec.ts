import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { spawnNode, type LineChild } from '../fixtures/child-processes.js';
import { REDIS_URL } from '../utils/redis.js';
import { afterPolls, launchChromium } from './browser-kit.js';
import { dashboardPages } from './dashboard-pages.js';

// What an operator meets in an incident, as a review met it: a worker killed
// with SIGKILL (listed as live until its record expired, its task's lease in
// the past without a word), a task id looked up in the wrong queue (called
// "gone"), schedules and queues that nothing serves (no word of it), and a
// page loaded before the app restarted (every action refused until a reload).

/**
 * The crash worker's lease: it beats every third of it, so its heartbeat is late from 20.5 s after its last
 * beat and expires at 30 s, a window of several of the page's polls even on a loaded machine.
 */
const LEASE_MS = 30_000;

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('the dashboard in an incident, in Chromium', () => {
  const open = dashboardPages(() => browser, 'dash-incident');
  let crashWorker: LineChild | undefined;
  afterEach(async () => {
    if (crashWorker && crashWorker.child.exitCode === null && crashWorker.child.signalCode === null) crashWorker.child.kill('SIGKILL');
    await crashWorker?.exited;
    crashWorker = undefined;
  });

  it("marks a killed worker's heartbeat late, and its task's lease expired, where they looked live", async () => {
    // The app's own worker serves 'demo' only: nothing takes the killed worker's task back from 'default'.
    const { origin, tasks, page, prefix } = await open();
    crashWorker = spawnNode([join(__dirname, '..', 'fixtures', 'crash-worker.cjs')], { REDIS_URL, TASKS_PREFIX: prefix, LEASE_MS: String(LEASE_MS) });
    await crashWorker.waitForLine(/^ready$/);
    const ref = await tasks.enqueue('crash.slow', { n: 1 });
    await crashWorker.waitForLine(new RegExp(`^started ${ref.id} 1$`));
    const info = await tasks.get(ref);
    const workerId = info!.lease!.workerId;

    await page.goto(`${origin}/tasks#/`);
    const row = page.locator(`tr[data-id="${workerId}"]`);
    await row.waitFor();
    expect(await row.locator('[data-testid="heartbeat-late"]').count()).toBe(0);
    await page.goto(`${origin}/tasks#/queues/default/tasks/${encodeURIComponent(ref.id)}`);
    await page.locator('[data-testid="task-state"]', { hasText: 'active' }).waitFor();
    expect(await page.locator('[data-testid="lease-expired"]').count()).toBe(0);

    await page.goto(`${origin}/tasks#/`);
    await row.waitFor();
    crashWorker.child.kill('SIGKILL');
    await crashWorker.exited;
    // Listed until its record expires (a lease after its last beat), marked late meanwhile: two beats missed.
    await row.locator('[data-testid="heartbeat-late"]', { hasText: 'late: stopped or stalled?' }).waitFor({ timeout: LEASE_MS });
    await row.waitFor({ state: 'detached', timeout: LEASE_MS / 2 });

    // Its lease ran out too: the task page says so, not only a time in the past.
    await page.goto(`${origin}/tasks#/queues/default/tasks/${encodeURIComponent(ref.id)}`);
    await page.locator('[data-testid="lease-expired"]', { hasText: 'expired, so that worker stopped renewing it' }).waitFor();
    expect(await page.locator('[data-testid="task-state"]').textContent()).toBe('active');

    // Its queue, with a task waiting and no live worker for it, says so on its page.
    await tasks.enqueue('crash.quick', { n: 2 });
    await page.goto(`${origin}/tasks#/queues/default`);
    await page.locator('[data-testid="unserved"]', { hasText: "No live worker serves queue default" }).waitFor();
    // A queue this app's worker serves, with a task pending: no such word.
    await tasks.enqueue('demo.ok', { n: 3 }, { delay: 600_000 });
    const polled = afterPolls(page, '/api/queues/demo', 2);
    await page.goto(`${origin}/tasks#/queues/demo`);
    await polled;
    expect(await page.locator('[data-state="delayed"] .count').textContent()).toBe('1');
    expect(await page.locator('[data-testid="unserved"]').count()).toBe(0);
  }, 120_000);

  it('opens a task looked up in the wrong queue where it is, rather than calling it gone', async () => {
    const { origin, tasks, page } = await open();
    const ref = await tasks.enqueue('demo.ok', { n: 1 }, { delay: 600_000 });
    await page.goto(`${origin}/tasks#/queues/default/tasks/${encodeURIComponent(ref.id)}`);
    await page.locator('[data-testid="task-gone"]', { hasText: `no task '${ref.id}' in queue 'default'` }).waitFor();
    expect(await page.locator('[data-testid="task-gone"]').textContent()).toContain("queue 'demo' has one");
    expect(await page.locator('[data-testid="task-state"]').textContent()).toBe('elsewhere');
    await page.locator('[data-testid="task-elsewhere"] a').click();
    await page.waitForURL(new RegExp(`#/queues/demo/tasks/${ref.id}$`));
    await page.locator('[data-testid="task-state"]', { hasText: 'delayed' }).waitFor();
  });

  it('marks a schedule overdue, and a queue whose tasks wait unserved, when no app with a worker runs', async () => {
    const { origin, tasks, page } = await open({ worker: false });
    await tasks.schedule('every-second', 'demo.ok', { n: 1 }, { every: 1_000, queue: 'demo' });
    await tasks.schedule('hourly', 'demo.ok', { n: 2 }, { every: 3_600_000, queue: 'demo' });
    await page.goto(`${origin}/tasks#/schedules`);
    await page.locator('tr[data-id="every-second"] [data-testid="schedule-overdue"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('tr[data-id="hourly"] [data-testid="schedule-overdue"]').count()).toBe(0);

    await tasks.enqueue('demo.ok', { n: 3 });
    await page.goto(`${origin}/tasks#/queues/demo`);
    await page.locator('[data-testid="unserved"]', { hasText: 'No live worker serves queue demo' }).waitFor();
  });

  it('sends an action again with the token its refusal gave, as after the app restarted under the open page', async () => {
    const { origin, tasks, page } = await open({ worker: false });
    await tasks.enqueue('demo.ok', { n: 1 });
    await page.goto(`${origin}/tasks#/queues/demo`);
    await page.locator('button[data-action="Pause"]').waitFor();
    const token = await page.evaluate('document.body.dataset.token');
    // The first POST carries a token of another instance, as a page loaded before a restart does.
    const sent: Array<{ token: string | undefined; status: number }> = [];
    let forged = false;
    await page.route('**/api/queues/demo/pause', async (route) => {
      const headers = await route.request().allHeaders();
      if (!forged) {
        forged = true;
        headers['x-csrf-token'] = 'a-token-of-an-instance-that-is-gone-0000000';
      }
      const response = await route.fetch({ headers });
      sent.push({ token: headers['x-csrf-token'], status: response.status() });
      await route.fulfill({ response });
    });
    await page.locator('button[data-action="Pause"]').click();
    await page.locator('button[data-action="Resume"]').waitFor();
    expect((await tasks.counts('demo')).paused).toBe(true);
    expect(sent.map((s) => s.status)).toEqual([403, 200]);
    // Sent again with the token the refusal carried: this instance's.
    expect(sent[1].token).toBe(token);
  });
});
