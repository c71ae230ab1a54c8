import { getJson } from '../api.js';
import { chip, fill, h, link, num } from '../dom.js';
import { keepFocusOn } from '../focus.js';
import { patch } from '../patch.js';
import { duration, stamp } from '../time.js';
import type { ScheduleView, SchedulesPageView } from '../types.js';
import type { View } from '../view.js';
import { queuePager, type PageShown } from './queue-pager.js';
import type { QueueRoute } from './queue-route.js';
import { schedulesHash, type SchedulesRoute } from './schedules-route.js';

const PAGE = 50;

function scheduleTable(data: SchedulesPageView): HTMLElement {
  if (data.total === 0) return h('p', { class: 'empty' }, 'No recurring schedule.');
  // An offset past the end (the hash kept while schedules were removed): Previous and Last lead back.
  if (data.schedules.length === 0) return h('p', { class: 'empty' }, `No schedule this far: ${num(data.total)} in all.`);
  const row = (s: ScheduleView) =>
    h(
      'tr',
      { 'data-id': s.id },
      h('td', {}, s.id),
      h('td', {}, s.name),
      h('td', {}, link(`/queues/${encodeURIComponent(s.queue)}`, s.queue)),
      h('td', { class: 'mono' }, s.cron !== null ? `${s.cron}${s.timezone ? ` (${s.timezone})` : ''}` : `every ${duration(s.every ?? 0)}`, s.priority !== 0 ? `, priority ${s.priority}` : ''),
      h(
        'td',
        {},
        stamp(s.next),
        s.overdue ? h('span', { class: 'expired', 'data-testid': 'schedule-overdue' }, ' overdue: not fired yet (any app with a worker fires it within a second: is one running?)') : null,
      ),
      h('td', {}, s.lastTask ? h('span', {}, link(`/queues/${encodeURIComponent(s.queue)}/tasks/${encodeURIComponent(s.lastTask.id)}`, s.lastTask.id), ' ', chip(s.lastTask.state)) : '—'),
    );
  return h(
    'table',
    { class: 'grid' },
    h('thead', {}, h('tr', {}, ...['schedule', 'task', 'queue', 'timing', 'next', 'last task'].map((c) => h('th', {}, c)))),
    h('tbody', {}, ...data.schedules.map(row)),
  );
}

/** Recurring schedules by id, a page at a time: their timing, next fire time and latest task. */
export function schedulesView(route: SchedulesRoute): View {
  const table = h('div', { class: 'card', 'data-testid': 'schedule-table' });
  const pager = h('div', { class: 'pager' });
  // The queue page's pager, so that both look and keep the focus alike: the schedules are a list with an offset and no name filter.
  const asList: QueueRoute = { queue: '', state: '', name: '', offset: route.offset, order: 'oldest' };
  // `keep`: the pager button pressed, which the new page draws again and focuses.
  const go = (change: Partial<QueueRoute>, keep: string) => {
    const hash = schedulesHash({ offset: change.offset ?? route.offset });
    keepFocusOn(keep, hash);
    location.hash = hash;
  };
  const drawPager = (page: PageShown | null) => patch(pager, ...queuePager(asList, PAGE, page, go));
  return {
    title: 'Schedules',
    // The pager is drawn with the frame, before the rows are read: the button pressed is there to take the focus at once.
    mount(root) {
      drawPager(null);
      fill(root, h('h1', { tabindex: -1 }, 'Schedules'), table, pager);
    },
    async refresh() {
      const data = await getJson<SchedulesPageView>(`schedules?offset=${route.offset}&limit=${PAGE}`);
      patch(table, scheduleTable(data));
      drawPager({ shown: data.schedules.length, total: data.total });
    },
  };
}
