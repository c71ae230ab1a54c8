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
    const before = await queue.schedules();
    if (!(await queue.unschedule(id))) {
      const known = before.filter((s) => s.id !== id).map((s) => s.id);
      throw new CommandFailure(`no schedule '${id}' under prefix '${place.prefix}' (known: ${known.length === 0 ? 'none' : shortList(known)})`);
    }
    // A declared schedule's id is its task name: the apps that declare it save it again when they start.
    const declared = before.some((s) => s.id === id && s.name === id);
    const until = declared
      ? `until an app that declares it with @TaskHandler({ schedule }) starts and saves it again (remove the declaration to end it for good)`
      : 'from now on';
    return { json: { id, unscheduled: true }, text: `Removed schedule '${id}': nothing more is enqueued from it ${until}; tasks it enqueued stay.` };
  },
};
