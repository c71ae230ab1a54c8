import { DEFAULTS } from '../../config/defaults.js';
import type { CliCommand } from '../cli-command.js';
import { locateTask, refusal } from './task-lookup.js';

/** `promote <id>`: a delayed task becomes waiting now instead of at its due time. */
export const promoteCommand: CliCommand = {
  name: 'promote',
  summary: 'makes a delayed task (a delay, a due time or a retry backoff) waiting now',
  usage: 'promote <id> [--queue <queue>]',
  help: [
    `--queue <queue>  the task's queue (default '${DEFAULTS.queue}'; without it, the one other queue that has the task)`,
    'The task takes the place in line its enqueue gave it; its attempt count is unchanged.',
    'Fails (exit 1) when the task does not exist or is not delayed.',
  ],
  options: { queue: { type: 'string' } },
  arity: { min: 1, max: 1 },
  changes: true,
  async run(queue, { args: [id], values }, place) {
    const { queue: name, note } = await locateTask(queue, 'promote', id, values, place, 'act');
    if (!(await queue.promote(id, { queue: name }))) throw await refusal(queue, id, name, 'only delayed tasks can be promoted');
    return { json: { queue: name, id, promoted: true }, text: `${note}Promoted task '${id}' of queue '${name}': it is waiting now.` };
  },
};
