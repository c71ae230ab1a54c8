import { DASHBOARD_CSS, DASHBOARD_JS } from './assets.generated.js';

// The page shell: no inline script or style (the CSP forbids both), so the
// settings the script needs travel in data attributes, as text.

/** The dashboard's prebuilt script and stylesheet, by route. */
export const DASHBOARD_ASSETS = { js: DASHBOARD_JS, css: DASHBOARD_CSS } as const;

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The HTML of the page served at `base` (the path the request came in on, so a global prefix is kept). */
export function dashboardPage(base: string, token: string, readOnly: boolean): string {
  const b = escape(base);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Tasks</title>
<link rel="stylesheet" href="${b}/assets/dashboard.css">
<script defer src="${b}/assets/dashboard.js"></script>
</head>
<body data-base="${b}" data-token="${escape(token)}" data-read-only="${readOnly ? '1' : '0'}">
<noscript>The task dashboard needs JavaScript.</noscript>
</body>
</html>
`;
}

/** The page's base path from a request URL: its path, without the query or a trailing slash. */
export function basePath(url: string): string {
  return (url.split('?')[0] ?? '').replace(/\/+$/, '');
}
