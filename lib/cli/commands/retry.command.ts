import { DEFAULTS } from '../../config/defaults.js';
import { stringOption } from '../cli-args.js';
import type { CliCommand } from '../cli-command.js';
import { UsageError } from '../cli-errors.js';
import { queueOption, refusal } from './task-lookup.js';

/** `retry <id>` or `retry --all-dead`: dead tasks back to waiting with a fresh attempt budget. */
export const retryCommand: CliCommand = {
  name: 'retry',
  summary: 'moves a dead task (or every dead task of a queue) back to waiting',
  usage: 'retry <id> [--queue <queue>] | retry --all-dead [--queue <queue>] [--name <task name>]',
  help: [
    `--queue <queue>  the queue (default '${DEFAULTS.queue}')`,
    '--all-dead       every dead task of the queue (TaskQueue.retryAll), in short bounded steps',
    '--name <name>    with --all-dead: only dead tasks of that name',
    'Retried tasks get a fresh attempt budget. Fails (exit 1) when the task is not dead.',
  ],
  options: { queue: { type: 'string' }, 'all-dead': { type: 'boolean' }, name: { type: 'string' } },
  arity: { min: 0, max: 1 },
  async run(queue, { args: [id], values }) {
    const name = queueOption(values);
    if (values['all-dead']) {
      if (id !== undefined) throw new UsageError('retry: give either a task id or --all-dead, not both');
      const taskName = stringOption(values, 'name');
      const retried = await queue.retryAll(name, taskName === undefined ? { state: 'dead' } : { state: 'dead', name: taskName });
      return { json: { queue: name, retried }, text: `Retried ${retried} dead task${retried === 1 ? '' : 's'} of queue '${name}'.` };
    }
    if (id === undefined) throw new UsageError('retry: give a task id, or --all-dead');
    if (values.name !== undefined) throw new UsageError('retry: --name goes with --all-dead');
    if (!(await queue.retry(id, { queue: name }))) throw await refusal(queue, id, name, 'only dead tasks can be retried');
    const state = (await queue.get(id, { queue: name }))?.state;
    const now = state === 'blocked' ? 'it waits for its unfinished dependencies again' : 'it is waiting again';
    return { json: { queue: name, id, retried: true }, text: `Retried task '${id}' of queue '${name}': ${now}.` };
  },
};
