import { getJson } from '../api.js';
import { chip, fill, h, link } from '../dom.js';
import { patch } from '../patch.js';
import { duration, stamp } from '../time.js';
import type { ScheduleView } from '../types.js';
import type { View } from '../view.js';

/** Every recurring schedule, its next fire time and its latest task. */
export function schedulesView(): View {
  const table = h('div', { class: 'card' });
  return {
    title: 'Schedules',
    mount(root) {
      fill(root, h('h1', { tabindex: -1 }, 'Schedules'), table);
    },
    async refresh() {
      const schedules = await getJson<ScheduleView[]>('schedules');
      patch(
        table,
        schedules.length === 0
          ? h('p', { class: 'empty' }, 'No recurring schedule.')
          : h(
              'table',
              { class: 'grid' },
              h('thead', {}, h('tr', {}, ...['schedule', 'task', 'queue', 'timing', 'next', 'last task'].map((c) => h('th', {}, c)))),
              h(
                'tbody',
                {},
                ...schedules.map((s) =>
                  h(
                    'tr',
                    { 'data-id': s.id },
                    h('td', {}, s.id),
                    h('td', {}, s.name),
                    h('td', {}, link(`/queues/${encodeURIComponent(s.queue)}`, s.queue)),
                    h('td', { class: 'mono' }, s.cron !== null ? `${s.cron}${s.timezone ? ` (${s.timezone})` : ''}` : `every ${duration(s.every ?? 0)}`),
                    h('td', {}, stamp(s.next)),
                    h('td', {}, s.lastTask ? h('span', {}, link(`/queues/${encodeURIComponent(s.queue)}/tasks/${encodeURIComponent(s.lastTask.id)}`, s.lastTask.id), ' ', chip(s.lastTask.state)) : '—'),
                  ),
                ),
              ),
            ),
      );
    },
  };
}
