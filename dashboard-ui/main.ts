import { READ_ONLY } from './api.js';
import { h, unseen } from './dom.js';
import { focusNewView } from './focus.js';
import { noticeArea } from './notice.js';
import type { View } from './view.js';
import { overviewView } from './views/overview.js';
import { parseQueueRoute } from './views/queue-route.js';
import { queueView } from './views/queue.js';
import { parseSchedulesRoute } from './views/schedules-route.js';
import { schedulesView } from './views/schedules.js';
import { taskView } from './views/task.js';

// The dashboard page: a hash router over four views, and a poll that redraws
// the current view every two seconds. Polling rather than server-sent events:
// it works with the queue's events turned off, shows the whole fleet (counts
// and lists are read from Redis, not from one instance's event stream), holds
// no connection open per viewer, and a poll is a few cheap reads.

const POLL_MS = 2_000;

const main = h('main', { id: 'main' });
// A live region: a screen reader hears "live", or "not updating" with the reason, which the header shows only as
// "not updating" (a long reason would fill a narrow screen's header) and the outage box under it shows whole.
const statusText = h('span', {}, 'live');
const statusWhy = unseen('');
const status = h('span', { class: 'live', 'data-testid': 'live', role: 'status', 'aria-live': 'polite' }, h('span', { 'aria-hidden': 'true' }, '● '), statusText, statusWhy);
const outage = h('p', { class: 'outage', 'data-testid': 'outage', hidden: true });
/**
 * Whether the reader paused the updates: a burst of failures replaced a
 * newest-first list's rows at every poll, under the reader's eyes and cursor.
 * A route change and an action still draw what they lead to.
 */
let paused = false;
const pauseButton = h('button', { type: 'button', class: 'btn btn-small', 'aria-pressed': 'false', 'data-testid': 'pause-updates' }, 'Pause updates');
pauseButton.addEventListener('click', () => {
  paused = !paused;
  pauseButton.setAttribute('aria-pressed', String(paused));
  pauseButton.textContent = paused ? 'Resume updates' : 'Pause updates';
  if (paused) setStatus(null);
  else void refresh();
});
const nav = h('nav', { class: 'top-nav' }, h('a', { href: '#/' }, 'Overview'), h('a', { href: '#/schedules' }, 'Schedules'));
document.body.replaceChildren(
  h('header', { class: 'top' }, h('a', { class: 'brand', href: '#/' }, 'Tasks'), nav, READ_ONLY ? h('span', { class: 'chip chip-readonly' }, 'read-only') : null, status, pauseButton),
  outage,
  main,
  noticeArea,
);

let current: View | null = null;
let inFlight: View | null = null;

/** The view the hash names: `#/`, `#/schedules?offset=`, `#/queues/<q>?...`, `#/queues/<q>/tasks/<id>`. */
function decodeSegment(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function route(): View {
  const [path, query = ''] = location.hash.replace(/^#/, '').split('?');
  // A malformed escape (typed or pasted) is kept as written: the view then says no such queue or task, rather than the page failing.
  const parts = path.split('/').filter(Boolean).map(decodeSegment);
  if (parts[0] === 'schedules') return schedulesView(parseSchedulesRoute(query));
  if (parts[0] === 'queues' && parts.length >= 4 && parts[2] === 'tasks') return taskView(parts[1], parts.slice(3).join('/'));
  if (parts[0] === 'queues' && parts[1]) return queueView(parseQueueRoute(parts[1], query));
  return overviewView();
}

/** Sets the status line (and the outage box: `why`, when not updating), touching each only when it changes: a live region announces every change. */
function setStatus(why: string | null): void {
  const [text, detail, className] =
    why !== null ? ['not updating', `: ${why}`, 'live live-error'] : paused ? ['paused', ': updates paused (Resume updates goes on)', 'live live-paused'] : ['live', '', 'live'];
  if (statusText.textContent !== text) statusText.textContent = text;
  if (statusWhy.textContent !== detail) statusWhy.textContent = detail;
  if (status.className !== className) status.className = className;
  const shown = why === null ? '' : `Not updating: ${why}`;
  if (outage.textContent !== shown) outage.textContent = shown;
  outage.hidden = why === null;
}

async function refresh(): Promise<void> {
  // One refresh per view at a time; a refresh of the view left behind ends on its own, drawing into nodes no longer shown.
  if (!current || inFlight === current) return;
  const view = current;
  inFlight = view;
  try {
    await view.refresh();
    if (view === current) setStatus(null);
  } catch (error) {
    if (view !== current) return;
    setStatus((error as Error).message);
  } finally {
    if (inFlight === view) inFlight = null;
  }
}

/** Draws the view of the hash; after a route change (`navigated`), with the focus on its heading or on the control the reader pressed. */
function show(navigated: boolean): void {
  current = route();
  current.mount(main);
  document.title = `${current.title} · Tasks`;
  const kept = navigated ? focusNewView(main) : null;
  // The kept control (a pager button) moves down once the rows are drawn under it: scrolled back into sight.
  void refresh().then(() => {
    if (kept && document.activeElement === kept) kept.scrollIntoView({ block: 'nearest' });
  });
  const here = location.hash.startsWith('#/queues') ? null : location.hash.startsWith('#/schedules') ? '#/schedules' : '#/';
  for (const a of nav.querySelectorAll('a')) {
    const active = a.getAttribute('href') === here;
    a.classList.toggle('active', active);
    if (active) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

window.addEventListener('hashchange', () => show(true));
window.setInterval(() => {
  if (document.visibilityState === 'visible' && !paused) void refresh();
}, POLL_MS);
show(false);
