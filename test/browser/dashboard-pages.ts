import type { Browser, Page } from 'playwright-core';
import { startDashboardApp, type DashboardApp } from '../fixtures/dashboard-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';
import { newPage } from './browser-kit.js';

/** A dashboard app on Express with its own prefix, and a fresh light-mode page in Chromium. */
export type OpenedDashboard = DashboardApp & { page: Page; prefix: string };

/**
 * Registers an afterEach that closes every page and app opened through it (and
 * removes their keys), and returns the opener: `const open = dashboardPages(() => browser, 'label')`.
 */
export function dashboardPages(
  browser: () => Browser,
  label: string,
): (options?: { worker?: boolean; timezoneId?: string }) => Promise<OpenedDashboard> {
  const opened: Array<{ app: DashboardApp; prefix: string; page: Page }> = [];
  afterEach(async () => {
    for (const { app, prefix, page } of opened.splice(0)) {
      await page.context().close();
      await app.close();
      await removePrefix(prefix);
    }
  });
  return async ({ worker, timezoneId } = {}) => {
    const prefix = uniquePrefix(label);
    const app = await startDashboardApp({ adapter: 'express', prefix, worker });
    const page = await newPage(browser(), 'light', timezoneId ? { timezoneId } : {});
    opened.push({ app, prefix, page });
    return { ...app, page, prefix };
  };
}
