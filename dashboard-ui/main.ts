import { READ_ONLY } from './api.js';
import { fill, h } from './dom.js';
import type { View } from './view.js';
import { overviewView } from './views/overview.js';
import { parseQueueRoute } from './views/queue-route.js';
import { queueView } from './views/queue.js';
import { schedulesView } from './views/schedules.js';
import { taskView } from './views/task.js';

// The dashboard page: a hash router over four views, and a poll that redraws
// the current view every two seconds. Polling rather than server-sent events:
// it works with the queue's events turned off, shows the whole fleet (counts
// and lists are read from Redis, not from one instance's event stream), holds
// no connection open per viewer, and a poll is a few cheap reads.

const POLL_MS = 2_000;

const main = h('main', { id: 'main' });
// A live region: a screen reader hears "not updating: ..." when the page stops updating, and "live" when it goes on.
const status = h('span', { class: 'live', 'data-testid': 'live', role: 'status', 'aria-live': 'polite' }, 'live');
const nav = h('nav', { class: 'top-nav' }, h('a', { href: '#/' }, 'Overview'), h('a', { href: '#/schedules' }, 'Schedules'));
document.body.replaceChildren(
  h('header', { class: 'top' }, h('a', { class: 'brand', href: '#/' }, 'Tasks'), nav, READ_ONLY ? h('span', { class: 'chip chip-readonly' }, 'read-only') : null, status),
  h('div', { id: 'notice', class: 'notice hidden', role: 'status' }),
  main,
);

let current: View | null = null;
let inFlight: View | null = null;

/** The view the hash names: `#/`, `#/schedules`, `#/queues/<q>?...`, `#/queues/<q>/tasks/<id>`. */
function route(): View {
  const [path, query = ''] = location.hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'schedules') return schedulesView();
  if (parts[0] === 'queues' && parts.length >= 4 && parts[2] === 'tasks') return taskView(parts[1], parts.slice(3).join('/'));
  if (parts[0] === 'queues' && parts[1]) return queueView(parseQueueRoute(parts[1], query));
  return overviewView();
}

/** Sets the status line, touching it only when it changes: a live region announces every change. */
function setStatus(text: string, className: string): void {
  if (status.textContent !== text) status.textContent = text;
  if (status.className !== className) status.className = className;
}

async function refresh(): Promise<void> {
  // One refresh per view at a time; a refresh of the view left behind ends on its own, drawing into nodes no longer shown.
  if (!current || inFlight === current) return;
  const view = current;
  inFlight = view;
  try {
    await view.refresh();
    if (view === current) setStatus('live', 'live');
  } catch (error) {
    if (view !== current) return;
    setStatus(`not updating: ${(error as Error).message}`, 'live live-error');
  } finally {
    if (inFlight === view) inFlight = null;
  }
}

function show(): void {
  current = route();
  current.mount(main);
  document.title = `${current.title} · Tasks`;
  void refresh();
  const here = location.hash.startsWith('#/queues') ? null : location.hash.startsWith('#/schedules') ? '#/schedules' : '#/';
  for (const a of nav.querySelectorAll('a')) {
    const active = a.getAttribute('href') === here;
    a.classList.toggle('active', active);
    if (active) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

window.addEventListener('hashchange', show);
window.setInterval(() => {
  if (document.visibilityState === 'visible') void refresh();
}, POLL_MS);
show();
