import { actionButton, actionReason, type ActionOptions } from '../actions.js';
import { ApiError, getJson, seg } from '../api.js';
import { throughputChart } from '../chart.js';
import { chip, h, link, num, type Child } from '../dom.js';
import { keepFocusOn } from '../focus.js';
import { patch } from '../patch.js';
import { stamp } from '../time.js';
import type { QueuePageView, TaskRow } from '../types.js';
import type { View } from '../view.js';
import { queuePager } from './queue-pager.js';
import { canReorder, defaultOrder, listedOrder, queueHash, rememberQueuePage, type QueueRoute } from './queue-route.js';

const STATES = ['waiting', 'delayed', 'active', 'blocked', 'completed', 'dead'] as const;
const PAGE = 50;
/** The most of a task's error a list row shows (its page shows it all). */
const ROW_ERROR = 300;

function when(task: TaskRow): Child[] {
  if (task.state === 'delayed') return ['due ', stamp(task.runAt)];
  if (task.finishedAt) return ['finished ', stamp(task.finishedAt)];
  if (task.startedAt) return ['started ', stamp(task.startedAt)];
  return ['enqueued ', stamp(task.enqueuedAt)];
}

/** The queue's actions, each confirmation saying what it acts on, and why Drain cannot run when it cannot. */
function queueActions(route: QueueRoute, data: QueuePageView, refresh: () => Promise<void>): Child[] {
  const path = `queues/${seg(route.queue)}`;
  const { dead, waiting } = data.counts;
  const drain: ActionOptions = {
    danger: true,
    confirm: `Remove ${waiting === 1 ? 'the 1 waiting task' : `all ${num(waiting)} waiting tasks`} of ${route.queue}? Delayed and running tasks stay; tasks that depend on a removed one end dead.`,
    // drain() takes no name: under a filter it would remove more than the page lists.
    disabled: route.name ? `Drain removes every waiting task of ${route.queue}, whatever the name filter: clear the filter to drain` : waiting === 0 ? 'No waiting task to drain' : undefined,
  };
  return [
    // Each hands the focus to the other once the queue's state has changed.
    data.counts.paused ? actionButton('Resume', `${path}/resume`, refresh, { successor: 'Pause' }) : actionButton('Pause', `${path}/pause`, refresh, { successor: 'Resume' }),
    dead > 0
      ? actionButton('Retry all dead', `${path}/retry-dead`, refresh, route.name
        ? { confirm: `Retry every dead ${route.name} task of ${route.queue}?`, body: () => ({ name: route.name }) }
        : { confirm: `Retry all ${num(dead)} dead tasks of ${route.queue}?` })
      : null,
    actionButton('Drain', `${path}/drain`, refresh, drain),
    actionReason('Drain', drain),
  ];
}

/** Newest or oldest first, for the states that offer both; the choice pressed keeps the focus in the list it turned. */
function orderChoice(route: QueueRoute): HTMLElement | null {
  if (!canReorder(route.state)) return null;
  if (route.name) return h('span', { class: 'muted order' }, 'oldest first (a name filter lists from the oldest end)');
  const choice = (order: 'newest' | 'oldest') => {
    const href = queueHash({ ...route, order, offset: 0 });
    return h(
      'a',
      { href, class: order === route.order ? 'tab active' : 'tab', 'data-order': order, 'aria-current': order === route.order ? 'true' : undefined, onclick: () => keepFocusOn(`[data-order="${order}"]`, href) },
      `${order} first`,
    );
  };
  return h('div', { class: 'order', role: 'group', 'aria-label': 'order' }, choice('newest'), choice('oldest'));
}

function taskTable(route: QueueRoute, tasks: TaskRow[]): HTMLElement {
  if (tasks.length === 0) return h('p', { class: 'empty' }, route.name ? `No ${route.state} task named ${route.name} here.` : `No ${route.state} task.`);
  const row = (t: TaskRow) =>
    h(
      'tr',
      { 'data-id': t.id },
      h('td', { class: 'mono' }, link(`/queues/${encodeURIComponent(route.queue)}/tasks/${encodeURIComponent(t.id)}`, t.id)),
      h('td', {}, t.name),
      h('td', {}, chip(t.state)),
      h('td', { class: 'n' }, `${t.attempts} / ${t.maxAttempts}`),
      h('td', {}, ...when(t)),
      h('td', { class: 'error-cell' }, t.error && t.error.length > ROW_ERROR ? `${t.error.slice(0, ROW_ERROR)}…` : (t.error ?? '')),
    );
  return h(
    'table',
    { class: 'grid' },
    h('thead', {}, h('tr', {}, ...['id', 'name', 'state', 'attempts', 'when', 'last error'].map((c) => h('th', {}, c)))),
    h('tbody', {}, ...tasks.map(row)),
  );
}

/** Under a name filter's list, when the state holds more tasks than the filter searches. */
function searchNote(data: QueuePageView): HTMLElement | null {
  const total = data.counts[data.state];
  if (data.searched === null || total <= data.searched) return null;
  return h('p', { class: 'muted', 'data-testid': 'search-note' }, `Searched the first ${num(data.searched)} of ${num(total)} ${data.state} tasks for this name.`);
}

/** One queue: tasks by state a page at a time, a name filter, find by id, and the queue's actions. */
export function queueView(route: QueueRoute): View {
  // The frame: the heading (which takes the focus after a route change), the filters and the pager are drawn at once.
  const badge = h('span', {});
  const actions = h('div', { class: 'actions' });
  const title = h('div', { class: 'title-row' }, h('h1', { tabindex: -1 }, route.queue), badge, actions);
  const tabs = h('nav', { class: 'tabs', 'aria-label': 'states' });
  // Said when tasks wait that nothing serves: the overview's workers table is a page away.
  const unserved = h('div', {});
  const table = h('div', { class: 'card', 'data-testid': 'task-table' });
  const pager = h('div', { class: 'pager' });
  const chart = h('div', { class: 'card' });
  // `keep`: the control pressed, which the new page draws again and focuses.
  const go = (change: Partial<QueueRoute>, keep: string) => {
    const hash = queueHash({ ...route, ...change });
    keepFocusOn(keep, hash);
    location.hash = hash;
  };
  const nameInput = h('input', { type: 'search', name: 'name', placeholder: 'filter by task name', value: route.name, 'aria-label': 'task name' });
  const idInput = h('input', { type: 'search', name: 'id', placeholder: 'find a task by id', 'aria-label': 'task id' });
  const view: View = {
    title: `${route.queue} · ${route.state}`,
    mount(root) {
      rememberQueuePage(route);
      const filter = h(
        'form',
        { class: 'inline', onsubmit: (e: Event) => (e.preventDefault(), go({ name: nameInput.value.trim(), offset: 0 }, document.activeElement === nameInput ? 'input[name="name"]' : 'button[data-filter]')) },
        nameInput,
        h('button', { type: 'submit', class: 'btn', 'data-filter': '' }, 'Filter'),
      );
      const find = h(
        'form',
        { class: 'inline', onsubmit: (e: Event) => (e.preventDefault(), idInput.value.trim() && (location.hash = `#/queues/${encodeURIComponent(route.queue)}/tasks/${encodeURIComponent(idInput.value.trim())}`)) },
        idInput,
        h('button', { type: 'submit', class: 'btn' }, 'Open'),
      );
      patch(pager, ...queuePager(route, PAGE, null, go));
      root.replaceChildren(h('p', { class: 'crumbs' }, link('/', 'Overview'), ' / ', route.queue), title, unserved, tabs, h('div', { class: 'toolbar' }, filter, find, orderChoice(route)), table, pager, h('h2', {}, 'Throughput'), chart);
    },
    // Each part is patched, not replaced: the focus, a selection and a pending action's button stay put.
    async refresh() {
      const q = new URLSearchParams({ state: route.state, offset: String(route.offset), limit: String(PAGE), order: listedOrder(route) });
      if (route.name) q.set('name', route.name);
      let data: QueuePageView;
      try {
        data = await getJson<QueuePageView>(`queues/${seg(route.queue)}?${q.toString()}`);
      } catch (error) {
        // A name no task can have (typed into the filter): said where the list goes, not as the page failing to update.
        if (!route.name || !(error instanceof ApiError) || error.status !== 400) throw error;
        patch(table, h('p', { class: 'empty', 'data-testid': 'filter-refused' }, `No task can be named so: ${error.message}`));
        patch(pager);
        return;
      }
      // After an action: the next poll reports a failure to read, in the page's status line.
      const refresh = () => view.refresh().catch(() => undefined);
      patch(badge, data.counts.paused ? chip('paused') : null);
      const pending = data.counts.waiting + data.counts.delayed + data.counts.blocked;
      patch(
        unserved,
        data.servedBy === 0 && pending > 0
          ? h('p', { class: 'expired', 'data-testid': 'unserved' }, `No live worker serves queue ${route.queue}: its tasks wait until an app with a worker for it starts.`)
          : null,
      );
      patch(actions, ...queueActions(route, data, refresh));
      patch(
        tabs,
        ...STATES.map((s) => {
          const current = s === route.state;
          const href = queueHash({ ...route, state: s, offset: 0, order: defaultOrder(s) });
          return h('a', { href, class: current ? 'tab active' : 'tab', 'data-state': s, 'aria-current': current ? 'page' : undefined }, `${s} `, h('span', { class: 'count' }, num(data.counts[s])));
        }),
      );
      patch(table, taskTable(route, data.tasks), searchNote(data));
      patch(pager, ...queuePager(route, PAGE, { shown: data.tasks.length, total: route.name ? null : data.counts[route.state as (typeof STATES)[number]] }, go));
      patch(chart, throughputChart(data.throughput));
    },
  };
  return view;
}
