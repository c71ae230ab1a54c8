import { DEFAULTS } from '../../config/defaults.js';
import type { CliCommand } from '../cli-command.js';
import { locateTask, refusal } from './task-lookup.js';

/** `remove <id>`: removes a task that is not running, finished ones included. */
export const removeCommand: CliCommand = {
  name: 'remove',
  summary: 'removes a task that is not running (a finished one with its result, log and history)',
  usage: 'remove <id> [--queue <queue>]',
  help: [
    `--queue <queue>  the task's queue (default '${DEFAULTS.queue}'; without it, a task only another queue has is named, not removed)`,
    'A waiting, delayed or blocked task is removed as cancel does (its dependents end dead); a completed or',
    'dead one as retention would. Fails (exit 1) when the task does not exist or is running.',
  ],
  options: { queue: { type: 'string' } },
  arity: { min: 1, max: 1 },
  changes: true,
  async run(queue, { args: [id], values }, place) {
    const { queue: name } = await locateTask(queue, 'remove', id, values, place, 'tell');
    if (!(await queue.remove(id, { queue: name }))) throw await refusal(queue, id, name, 'a running task cannot be removed; remove it once its attempt ends');
    return { json: { queue: name, id, removed: true }, text: `Removed task '${id}' of queue '${name}'.` };
  },
};
