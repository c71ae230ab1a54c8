import { DEFAULTS } from '../../config/defaults.js';
import type { CliCommand } from '../cli-command.js';
import { locateTask, refusal } from './task-lookup.js';

/** `cancel <id>`: removes a task that has not started. */
export const cancelCommand: CliCommand = {
  name: 'cancel',
  summary: 'removes a waiting, delayed or blocked task',
  usage: 'cancel <id> [--queue <queue>]',
  help: [
    `--queue <queue>  the task's queue (default '${DEFAULTS.queue}'; without it, a task only another queue has is named, not cancelled)`,
    'Its dependents end dead (see show). Fails (exit 1) when the task does not exist or has started (running or',
    'finished tasks are not cancelled).',
  ],
  options: { queue: { type: 'string' } },
  arity: { min: 1, max: 1 },
  changes: true,
  async run(queue, { args: [id], values }, place) {
    const { queue: name } = await locateTask(queue, 'cancel', id, values, place, 'tell');
    if (!(await queue.cancel(id, { queue: name }))) throw await refusal(queue, id, name, 'only waiting, delayed or blocked tasks can be cancelled');
    return { json: { queue: name, id, cancelled: true }, text: `Cancelled task '${id}' of queue '${name}'.` };
  },
};
