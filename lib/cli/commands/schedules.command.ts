import type { CliCommand } from '../cli-command.js';
import type { ScheduleInfo } from '../../interfaces/schedule.interface.js';
import { textTable } from '../text-table.js';
import { relativeTime } from '../time-format.js';

/** `schedules`: every schedule of the prefix with its next due time. */
export const schedulesCommand: CliCommand = {
  name: 'schedules',
  summary: 'every schedule of the prefix with its next due time',
  usage: 'schedules',
  help: ['Schedules made with TaskQueue.schedule() or declared by handlers, by id.'],
  options: {},
  arity: { min: 0, max: 0 },
  changes: false,
  async run(queue, _input, place) {
    const schedules = await queue.schedules();
    const now = await place.now();
    const rows = schedules.map((s) => [s.id, s.queue, s.name, timing(s), new Date(s.next).toISOString(), relativeTime(s.next, now)]);
    const columns = [{ header: 'ID' }, { header: 'QUEUE' }, { header: 'NAME' }, { header: 'TIMING' }, { header: 'NEXT' }, { header: '' }];
    return { json: schedules, text: textTable(columns, rows, `No schedules under prefix '${place.prefix}' on ${place.redis}.`) };
  },
};

/** "cron 0 3 * * * (Europe/Berlin)" or "every 60000 ms", then the occurrences' priority when they have one. */
function timing(schedule: ScheduleInfo): string {
  const when = schedule.cron !== undefined ? `cron ${schedule.cron}${schedule.timezone ? ` (${schedule.timezone})` : ''}` : `every ${schedule.every} ms`;
  return schedule.priority === 0 ? when : `${when}, priority ${schedule.priority}`;
}
