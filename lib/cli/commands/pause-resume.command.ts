import { checkQueueName } from '../../config/option-checks.js';
import type { CliCommand } from '../cli-command.js';
import { knownQueue } from './known-queue.js';

/** `pause <queue>`: the fleet's workers stop starting the queue's tasks. */
export const pauseCommand: CliCommand = {
  name: 'pause',
  summary: "stops every worker of the fleet from starting the queue's tasks",
  usage: 'pause <queue> [--new]',
  help: [
    '--new  pause a queue this prefix has not used yet (enqueued to, served or scheduled), before its first use',
    'Running tasks finish, and tasks a worker had already taken (its small buffer) may still start; enqueue',
    'still works. Undo with resume. Without --new, a queue the prefix does not know fails (exit 1): a typo',
    'would otherwise pause a queue of its own while the one meant goes on.',
  ],
  options: { new: { type: 'boolean' } },
  arity: { min: 1, max: 1 },
  changes: true,
  async run(queue, { args: [given], values }, place) {
    const name = values.new === true
      ? checkQueueName(given, 'pause', '<queue>')
      : await knownQueue(queue, 'pause', given, '<queue>', place, 'or add --new to pause it before its first use');
    await queue.pause(name);
    return { json: { queue: name, paused: true }, text: `Paused queue '${name}'.` };
  },
};

/** `resume <queue>`: the fleet's workers start the queue's tasks again. */
export const resumeCommand: CliCommand = {
  name: 'resume',
  summary: "lets the fleet's workers start the queue's tasks again",
  usage: 'resume <queue>',
  help: ['Undoes pause; resuming a queue that is not paused changes nothing. A queue the prefix does not know fails (exit 1).'],
  options: {},
  arity: { min: 1, max: 1 },
  changes: true,
  async run(queue, { args: [given] }, place) {
    // A paused queue is known even when unlisted (an app of 0.1.0 paused it without listing it).
    const name = await knownQueue(queue, 'resume', given, '<queue>', place);
    await queue.resume(name);
    return { json: { queue: name, paused: false }, text: `Resumed queue '${name}'.` };
  },
};
