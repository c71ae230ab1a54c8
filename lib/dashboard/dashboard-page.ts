import { DASHBOARD_CSS, DASHBOARD_JS } from './assets.generated.js';

// The page shell: no inline script or style (the CSP forbids both), so the
// settings the script needs travel in data attributes, as text.

/** The dashboard's prebuilt script and stylesheet, by route. */
export const DASHBOARD_ASSETS = { js: DASHBOARD_JS, css: DASHBOARD_CSS } as const;

/** The tab's icon, inline (the CSP allows data: images): without one, the browser asks the app for /favicon.ico, a 404. */
const ICON = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#245bbf"/>' +
    '<path d="M4 5h8M4 8h8M4 11h5" stroke="#fff" stroke-width="1.6" stroke-linecap="round"/></svg>',
)}`;

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The HTML of the page. `base` is where its assets and API are relative to the
 * page's own URL ('tasks/' or ''): the browser resolves it against the address
 * it opened, so the page works under any prefix a proxy strips, which the app
 * never sees.
 */
export function dashboardPage(base: string, token: string, readOnly: boolean): string {
  const b = escape(base);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Tasks</title>
<link rel="icon" href="${ICON}">
<link rel="stylesheet" href="${b}assets/dashboard.css">
<script defer src="${b}assets/dashboard.js"></script>
</head>
<body data-base="${b}" data-token="${escape(token)}" data-read-only="${readOnly ? '1' : '0'}">
<noscript>The task dashboard needs JavaScript.</noscript>
</body>
</html>
`;
}

/**
 * The page's `base` for a request to it: at '/x/tasks' the browser resolves
 * relative URLs in '/x/', so they start with the path's last segment
 * ('tasks/assets/...'); at '/x/tasks/' they start in the page's own folder
 * ('assets/...'). `path` is the configured one (checked: no characters to escape).
 */
export function relativeBase(path: string, url: string): string {
  const requested = url.split('?')[0] ?? '';
  return requested.endsWith('/') ? '' : `${path.split('/').pop() ?? ''}/`;
}
