import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { waitUntil } from '../utils/wait.js';
import { launchChromium } from './browser-kit.js';
import { dashboardPages } from './dashboard-pages.js';

// axe-core's WCAG 2.2 A and AA rules (and its best practices) on every page of
// the dashboard, light and dark (axe-core is a devDependency).

/** axe-core's script, injected into each page. */
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const RULES = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/** axe's violations on the page as it is now, one line each: the rule and the elements it found. */
async function violations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not restrict.
  await page.evaluate(`if (!window.axe) { ${AXE} }`);
  const found = await page.evaluate<Array<{ id: string; nodes: Array<{ target: string[] }> }>>(
    `axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(RULES)} } }).then((r) => r.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => ({ target: n.target })) })))`,
  );
  return found.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('the dashboard under axe-core, in Chromium', () => {
  const open = dashboardPages(() => browser, 'dash-axe');

  it('finds no violation on any page, light or dark', async () => {
    const { origin, tasks, page } = await open();
    const dead = await tasks.enqueue('demo.flaky', { key: 'axe' });
    await tasks.enqueue('demo.ok', { n: 1 }, { delay: 600_000 });
    await waitUntil(async () => (await tasks.get(dead))?.state === 'dead', 'the task to die');
    const pages: Array<[string, string]> = [
      ['overview', '#/'],
      ['queue', '#/queues/demo?state=dead'],
      ['task', `#/queues/demo/tasks/${encodeURIComponent(dead.id)}`],
      ['schedules', '#/schedules'],
    ];
    const found: string[] = [];
    for (const [name, hash] of pages) {
      await page.goto(`${origin}/tasks${hash}`);
      await page.locator('main .card').first().waitFor();
      await page.locator('[data-testid="live"]', { hasText: /live$/ }).waitFor();
      // Folded parts opened: what they hold is checked too.
      for (let closed = page.locator('main details:not([open]) > summary:visible'); (await closed.count()) > 0; ) await closed.first().click();
      for (const colorScheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme });
        found.push(...(await violations(page)).map((v) => `${name} (${colorScheme}): ${v}`));
      }
    }
    expect(found).toEqual([]);
  });
});
