import { actionButton } from '../actions.js';
import { getJson, seg } from '../api.js';
import { throughputChart } from '../chart.js';
import { chip, fill, h, link, num, time } from '../dom.js';
import type { QueuePageView, TaskRow } from '../types.js';
import type { View } from '../view.js';

const STATES = ['waiting', 'delayed', 'active', 'blocked', 'completed', 'dead'] as const;
const PAGE = 50;

/** Where a queue page is, as the hash holds it: `/queues/<queue>?state=&name=&offset=`. */
export interface QueueRoute {
  queue: string;
  state: string;
  name: string;
  offset: number;
}

/** The hash of a queue page. */
export function queueHash(r: QueueRoute): string {
  const q = new URLSearchParams({ state: r.state });
  if (r.name) q.set('name', r.name);
  if (r.offset > 0) q.set('offset', String(r.offset));
  return `#/queues/${encodeURIComponent(r.queue)}?${q.toString()}`;
}

function when(task: TaskRow): string {
  if (task.state === 'delayed') return `due ${time(task.runAt)}`;
  if (task.finishedAt) return `finished ${time(task.finishedAt)}`;
  if (task.startedAt) return `started ${time(task.startedAt)}`;
  return `enqueued ${time(task.enqueuedAt)}`;
}

/** One queue: tasks by state a page at a time, a name filter, find by id, and the queue's actions. */
export function queueView(route: QueueRoute): View {
  const title = h('div', { class: 'title-row' });
  const tabs = h('nav', { class: 'tabs' });
  const table = h('div', { class: 'card', 'data-testid': 'task-table' });
  const pager = h('div', { class: 'pager' });
  const chart = h('div', { class: 'card' });
  const go = (change: Partial<QueueRoute>) => (location.hash = queueHash({ ...route, ...change }));
  const nameInput = h('input', { type: 'search', name: 'name', placeholder: 'filter by task name', value: route.name, 'aria-label': 'task name' });
  const idInput = h('input', { type: 'search', name: 'id', placeholder: 'find a task by id', 'aria-label': 'task id' });
  const view: View = {
    mount(root) {
      const filter = h('form', { class: 'inline', onsubmit: (e: Event) => (e.preventDefault(), go({ name: nameInput.value.trim(), offset: 0 })) }, nameInput, h('button', { type: 'submit', class: 'btn' }, 'Filter'));
      const find = h(
        'form',
        { class: 'inline', onsubmit: (e: Event) => (e.preventDefault(), idInput.value.trim() && (location.hash = `#/queues/${encodeURIComponent(route.queue)}/tasks/${encodeURIComponent(idInput.value.trim())}`)) },
        idInput,
        h('button', { type: 'submit', class: 'btn' }, 'Open'),
      );
      fill(root, h('p', { class: 'crumbs' }, link('/', 'Overview'), ' / ', route.queue), title, tabs, h('div', { class: 'toolbar' }, filter, find), table, pager, h('h2', {}, 'Throughput'), chart);
    },
    async refresh() {
      const q = new URLSearchParams({ state: route.state, offset: String(route.offset), limit: String(PAGE) });
      if (route.name) q.set('name', route.name);
      const data = await getJson<QueuePageView>(`queues/${seg(route.queue)}?${q.toString()}`);
      const refresh = () => void view.refresh();
      fill(
        title,
        h('h1', {}, route.queue),
        data.counts.paused ? chip('paused') : null,
        h(
          'div',
          { class: 'actions' },
          data.counts.paused ? actionButton('Resume', `queues/${seg(route.queue)}/resume`, refresh) : actionButton('Pause', `queues/${seg(route.queue)}/pause`, refresh),
          data.counts.dead > 0 ? actionButton('Retry all dead', `queues/${seg(route.queue)}/retry-dead`, refresh, { confirm: `Retry all ${data.counts.dead} dead tasks of ${route.queue}?` }) : null,
          actionButton('Drain', `queues/${seg(route.queue)}/drain`, refresh, { danger: true, confirm: `Remove every waiting task of ${route.queue}? Delayed and running tasks stay; tasks that depend on a removed one end dead.` }),
        ),
      );
      fill(tabs, ...STATES.map((s) => h('a', { href: queueHash({ ...route, state: s, offset: 0 }), class: s === route.state ? 'tab active' : 'tab', 'data-state': s }, `${s} `, h('span', { class: 'count' }, num(data.counts[s])))));
      fill(
        table,
        data.tasks.length === 0
          ? h('p', { class: 'empty' }, route.name ? `No ${route.state} task named ${route.name} here.` : `No ${route.state} task.`)
          : h(
              'table',
              { class: 'grid' },
              h('thead', {}, h('tr', {}, ...['id', 'name', 'state', 'attempts', 'when', 'last error'].map((c) => h('th', {}, c)))),
              h(
                'tbody',
                {},
                ...data.tasks.map((t) =>
                  h(
                    'tr',
                    { 'data-id': t.id },
                    h('td', { class: 'mono' }, link(`/queues/${encodeURIComponent(route.queue)}/tasks/${encodeURIComponent(t.id)}`, t.id)),
                    h('td', {}, t.name),
                    h('td', {}, chip(t.state)),
                    h('td', { class: 'n' }, `${t.attempts} / ${t.maxAttempts}`),
                    h('td', {}, when(t)),
                    h('td', { class: 'error-cell' }, t.error ?? ''),
                  ),
                ),
              ),
            ),
      );
      const total = route.name ? null : data.counts[route.state as (typeof STATES)[number]];
      const last = route.offset + data.tasks.length;
      fill(
        pager,
        h('button', { type: 'button', class: 'btn', 'data-page': 'prev', disabled: route.offset === 0, onclick: () => go({ offset: Math.max(0, route.offset - PAGE) }) }, '← Previous'),
        h('span', { class: 'muted', 'data-testid': 'range' }, data.tasks.length === 0 ? '' : `${num(route.offset + 1)}–${num(last)}${total === null ? '' : ` of ${num(total)}`}`),
        h('button', { type: 'button', class: 'btn', 'data-page': 'next', disabled: data.tasks.length < PAGE || (total !== null && last >= total), onclick: () => go({ offset: route.offset + PAGE }) }, 'Next →'),
      );
      fill(chart, throughputChart(data.throughput));
    },
  };
  return view;
}
