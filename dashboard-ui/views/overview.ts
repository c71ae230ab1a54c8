import { getJson } from '../api.js';
import { throughputChart } from '../chart.js';
import { chip, fill, h, link, num, unseen } from '../dom.js';
import { patch } from '../patch.js';
import { duration } from '../time.js';
import type { OverviewView, QueueView, WorkerView } from '../types.js';
import type { View } from '../view.js';

const STATES = ['waiting', 'delayed', 'active', 'blocked', 'completed', 'dead'] as const;

function queueTable(queues: QueueView[]): HTMLElement {
  if (queues.length === 0) return h('p', { class: 'empty' }, 'No queues yet: enqueue a task and it shows up here.');
  const row = (q: QueueView) =>
    h(
      'tr',
      { 'data-queue': q.name },
      h('td', {}, link(`/queues/${encodeURIComponent(q.name)}`, q.name)),
      ...STATES.map((s) => h('td', { class: `n count-${s}${q.counts[s] > 0 ? '' : ' zero'}`, 'data-state': s }, num(q.counts[s]))),
      h('td', {}, q.counts.paused ? chip('paused') : null),
    );
  return h(
    'table',
    { class: 'grid', 'data-testid': 'queues' },
    h('thead', {}, h('tr', {}, h('th', {}, 'queue'), ...STATES.map((s) => h('th', { class: 'n' }, s)), h('th', {}, unseen('paused')))),
    h('tbody', {}, ...queues.map(row)),
  );
}

/** The most names a worker's cell lists open; a longer list is folded behind its first ones and its count. */
const NAMES_SHOWN = 8;

/**
 * A worker's queues or handlers, wrapping: an app with 40 queues and 150 handlers made each row thousands of
 * pixels tall. A long list shows its first names and how many there are, opened on request.
 */
function nameList(names: readonly string[], what: string): HTMLElement | string {
  if (names.length === 0) return '—';
  if (names.length <= NAMES_SHOWN) return names.join(', ');
  return h(
    'details',
    { class: 'names' },
    h('summary', {}, `${names.slice(0, NAMES_SHOWN).join(', ')} and ${num(names.length - NAMES_SHOWN)} more ${what}`),
    h('p', {}, names.join(', ')),
  );
}

function workerTable(workers: WorkerView[]): HTMLElement {
  if (workers.length === 0) return h('p', { class: 'empty' }, 'No live worker: no app instance with a worker is heartbeating.');
  const row = (w: WorkerView) =>
    h(
      'tr',
      { 'data-id': w.instanceId },
      // The id a running task's lease names (its page shows it): which worker holds a stuck task.
      h('td', { class: 'mono' }, w.instanceId),
      h('td', {}, w.host),
      h('td', { class: 'n' }, w.pid),
      h('td', { class: 'wrap' }, nameList(w.queues, 'queues')),
      h('td', { class: 'wrap' }, nameList(w.handlers, 'handlers')),
      h('td', { class: 'n' }, `${num(w.running)} / ${num(w.concurrency)}`, w.buffered > 0 ? h('span', { class: 'muted' }, ` +${num(w.buffered)} buffered`) : null),
      h(
        'td',
        {},
        `${duration(w.heartbeatAgeMs)} ago`,
        w.heartbeatLate ? h('span', { class: 'expired', 'data-testid': 'heartbeat-late' }, ' late: stopped or stalled? Its running tasks come back once its lease runs out') : null,
      ),
    );
  return h(
    'table',
    { class: 'grid' },
    h('thead', {}, h('tr', {}, ...['id', 'host', 'pid', 'queues', 'handlers', 'running', 'heartbeat'].map((c) => h('th', { class: c === 'running' || c === 'pid' ? 'n' : '' }, c)))),
    h('tbody', {}, ...workers.map(row)),
  );
}

/** Every queue's counts, the fleet's throughput and the live workers. */
export function overviewView(): View {
  const queues = h('div', { class: 'card' });
  const chart = h('div', { class: 'card' });
  const workers = h('div', { class: 'card' });
  return {
    title: 'Overview',
    mount(root) {
      fill(root, h('h1', { tabindex: -1 }, 'Overview'), h('h2', {}, 'Queues'), queues, h('h2', {}, 'Throughput'), chart, h('h2', {}, 'Workers'), workers);
    },
    // Patched, not replaced: the focus and a selection stay where the reader put them.
    async refresh() {
      const data = await getJson<OverviewView>('overview');
      patch(queues, queueTable(data.queues));
      patch(chart, throughputChart(data.throughput));
      patch(workers, workerTable(data.workers));
    },
  };
}
