import type { Browser, Page } from 'playwright-core';
import { startDashboardApp, type AdapterName, type DashboardApp } from '../fixtures/dashboard-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';
import { launchChromium, newPage } from './browser-kit.js';
import { startStripProxy, type StripProxy } from './strip-proxy.js';

// The dashboard behind a reverse proxy that strips a path prefix and rewrites
// Host, as nginx does by default: the page finds its assets and its API, and
// its actions are not taken for cross-origin ones.

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe.each<AdapterName>(['express', 'fastify'])('the dashboard behind a prefix-stripping proxy on %s', (adapter) => {
  let app: DashboardApp | undefined;
  let proxy: StripProxy | undefined;
  let page: Page | undefined;
  const prefix = uniquePrefix(`dash-proxy-${adapter}`);
  afterEach(async () => {
    await page?.context().close();
    await proxy?.close();
    await app?.close();
    await removePrefix(prefix);
  });

  it('serves the page at /ops/tasks and /ops/tasks/, reads through the proxy, and runs an action although Host names the app', async () => {
    app = await startDashboardApp({ adapter, prefix, worker: false });
    proxy = await startStripProxy(app.origin, '/ops');
    page = await newPage(browser);
    const failed: string[] = [];
    page.on('response', (response) => void (response.status() >= 400 && failed.push(`${response.status()} ${response.url()}`)));
    page.on('pageerror', (error) => void failed.push(error.message));
    await app.tasks.enqueueMany([1, 2].map((n) => ({ name: 'demo.ok', payload: { n } })));

    for (const path of ['/ops/tasks', '/ops/tasks/']) {
      await page.goto(`${proxy.origin}${path}`);
      await page.locator('tr[data-queue="demo"] td[data-state="waiting"]', { hasText: '2' }).waitFor();
    }
    await page.goto(`${proxy.origin}/ops/tasks#/queues/demo`);
    await page.locator('button[data-action="Pause"]').click();
    await page.locator('#notice', { hasText: 'Pause: done' }).waitFor();
    expect((await app.tasks.counts('demo')).paused).toBe(true);
    await page.locator('button[data-action="Resume"]').waitFor();

    expect(failed).toEqual([]);
    // The page names its own icon: the browser asks for no /favicon.ico (which the app would answer 404).
    expect(proxy.outside).toEqual([]);
    // What the app saw: its own host, the prefix gone, and the browser's word that the action came from the page's origin.
    const action = proxy.seen.find((r) => r.method === 'POST');
    expect(action).toEqual({ method: 'POST', path: '/tasks/api/queues/demo/pause', host: new URL(app.origin).host, secFetchSite: 'same-origin' });
    expect(proxy.seen.map((r) => r.path)).toEqual(expect.arrayContaining(['/tasks', '/tasks/', '/tasks/assets/dashboard.js', '/tasks/api/overview']));
  });
});
