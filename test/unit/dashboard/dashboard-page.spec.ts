import { dashboardPage, relativeBase } from '../../../lib/dashboard/dashboard-page.js';

// The page names its assets and its API relative to its own URL, so it works
// wherever a proxy puts it: the browser resolves them against the address it
// opened, which the app never sees when a proxy strips a prefix.

describe('the dashboard page shell', () => {
  it('reaches its assets and API relative to the URL it was opened at, with or without a trailing slash', () => {
    expect(relativeBase('tasks', '/tasks')).toBe('tasks/');
    expect(relativeBase('tasks', '/tasks/')).toBe('');
    expect(relativeBase('admin/tasks', '/api/admin/tasks?x=1')).toBe('tasks/');
    expect(relativeBase('admin/tasks', '/api/admin/tasks/?x=/')).toBe('');
    const html = dashboardPage('tasks/', 'tok', false);
    expect(html).toContain('<link rel="stylesheet" href="tasks/assets/dashboard.css">');
    expect(html).toContain('<script defer src="tasks/assets/dashboard.js"></script>');
    expect(html).toContain('data-base="tasks/"');
    expect(html).not.toMatch(/(href|src|data-base)="\//);
  });

  it('carries its own icon, so the browser asks for no /favicon.ico', () => {
    expect(dashboardPage('', 'tok', true)).toMatch(/<link rel="icon" href="data:image\/svg\+xml,[^"]+">/);
  });
});
