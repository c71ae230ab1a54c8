import { getJson } from '../api.js';
import { throughputChart } from '../chart.js';
import { chip, duration, fill, h, link, num } from '../dom.js';
import type { OverviewView } from '../types.js';
import type { View } from '../view.js';

const STATES = ['waiting', 'delayed', 'active', 'completed', 'dead'] as const;

/** Every queue's counts, the fleet's throughput and the live workers. */
export function overviewView(): View {
  const queues = h('div', { class: 'card' });
  const chart = h('div', { class: 'card' });
  const workers = h('div', { class: 'card' });
  return {
    mount(root) {
      fill(root, h('h1', {}, 'Overview'), h('h2', {}, 'Queues'), queues, h('h2', {}, 'Throughput'), chart, h('h2', {}, 'Workers'), workers);
    },
    async refresh() {
      const data = await getJson<OverviewView>('overview');
      fill(
        queues,
        data.queues.length === 0
          ? h('p', { class: 'empty' }, 'No queues yet: enqueue a task and it shows up here.')
          : h(
              'table',
              { class: 'grid', 'data-testid': 'queues' },
              h('thead', {}, h('tr', {}, h('th', {}, 'queue'), ...STATES.map((s) => h('th', { class: 'n' }, s)), h('th', {}, ''))),
              h(
                'tbody',
                {},
                ...data.queues.map((q) =>
                  h(
                    'tr',
                    { 'data-queue': q.name },
                    h('td', {}, link(`/queues/${encodeURIComponent(q.name)}`, q.name)),
                    ...STATES.map((s) => h('td', { class: `n count-${s}${q.counts[s] > 0 ? '' : ' zero'}`, 'data-state': s }, num(q.counts[s]))),
                    h('td', {}, q.counts.paused ? chip('paused') : null),
                  ),
                ),
              ),
            ),
      );
      fill(chart, throughputChart(data.throughput));
      fill(
        workers,
        data.workers.length === 0
          ? h('p', { class: 'empty' }, 'No live worker: no app instance with a worker is heartbeating.')
          : h(
              'table',
              { class: 'grid' },
              h('thead', {}, h('tr', {}, ...['host', 'pid', 'queues', 'handlers', 'running', 'heartbeat'].map((c) => h('th', { class: c === 'running' || c === 'pid' ? 'n' : '' }, c)))),
              h(
                'tbody',
                {},
                ...data.workers.map((w) =>
                  h(
                    'tr',
                    {},
                    h('td', {}, w.host),
                    h('td', { class: 'n' }, w.pid),
                    h('td', {}, w.queues.join(', ')),
                    h('td', { class: 'wrap' }, w.handlers.join(', ') || '—'),
                    h('td', { class: 'n' }, `${num(w.running)} / ${num(w.concurrency)}`),
                    h('td', {}, `${duration(w.heartbeatAgeMs)} ago`),
                  ),
                ),
              ),
            ),
      );
    },
  };
}
