import { checkName } from '../../config/option-checks.js';
import type { CliCommand } from '../cli-command.js';
import { CommandFailure } from '../cli-errors.js';
import { shortList } from '../text-lists.js';

/** `unschedule <id>`: removes a schedule, so no more occurrences are enqueued. */
export const unscheduleCommand: CliCommand = {
  name: 'unschedule',
  summary: 'removes a schedule: nothing more is enqueued from it',
  usage: 'unschedule <id>',
  help: [
    '<id> is the schedule id that schedules lists (for @TaskHandler({ schedule }), the task name).',
    'Tasks it already enqueued stay. A schedule an app declares with @TaskHandler({ schedule }) is saved again',
    'when such an app starts: remove the declaration first. Fails (exit 1) when there is no such schedule.',
  ],
  options: {},
  arity: { min: 1, max: 1 },
  changes: true,
  async run(queue, { args: [given] }, place) {
    const id = checkName(given, 'unschedule', '<id>');
    if (!(await queue.unschedule(id))) {
      const known = (await queue.schedules()).map((s) => s.id);
      throw new CommandFailure(`no schedule '${id}' under prefix '${place.prefix}' (known: ${known.length === 0 ? 'none' : shortList(known)})`);
    }
    return { json: { id, unscheduled: true }, text: `Removed schedule '${id}': nothing more is enqueued from it (tasks it enqueued stay).` };
  },
};
