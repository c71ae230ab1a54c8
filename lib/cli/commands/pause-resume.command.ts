import type { TaskQueue } from '../../producer/task-queue.js';
import type { CliCommand } from '../cli-command.js';
import { CommandFailure } from '../cli-errors.js';

/**
 * Refuses a queue the prefix does not know: a typo would otherwise pause a
 * queue of its own, listed from then on, while the one meant goes on.
 */
async function checkKnown(queue: TaskQueue, name: string, hint: string): Promise<void> {
  const known = await queue.queues();
  if (known.includes(name)) return;
  const shown = known.length === 0 ? 'none' : known.slice(0, 10).join(', ') + (known.length > 10 ? ', ...' : '');
  throw new CommandFailure(`no queue '${name}' under this prefix (known: ${shown}); ${hint}`);
}

/** `pause <queue>`: the fleet's workers stop starting the queue's tasks. */
export const pauseCommand: CliCommand = {
  name: 'pause',
  summary: "stops every worker of the fleet from starting the queue's tasks",
  usage: 'pause <queue> [--new]',
  help: [
    '--new  pause a queue this prefix has not used yet (enqueued to, served or scheduled), before its first use',
    'Running tasks finish, and tasks a worker had already taken (its small buffer) may still start; enqueue',
    'still works. Undo with resume.',
  ],
  options: { new: { type: 'boolean' } },
  arity: { min: 1, max: 1 },
  async run(queue, { args: [name], values }) {
    if (values.new !== true) await checkKnown(queue, name, 'check the name, or add --new to pause it before its first use');
    await queue.pause(name);
    return { json: { queue: name, paused: true }, text: `Paused queue '${name}'.` };
  },
};

/** `resume <queue>`: the fleet's workers start the queue's tasks again. */
export const resumeCommand: CliCommand = {
  name: 'resume',
  summary: "lets the fleet's workers start the queue's tasks again",
  usage: 'resume <queue>',
  help: ['Undoes pause; resuming a queue that is not paused changes nothing.'],
  options: {},
  arity: { min: 1, max: 1 },
  async run(queue, { args: [name] }) {
    // An unlisted queue is resumed only when it is paused (an app of 0.1.0 paused it without listing it); otherwise a typo.
    if (!(await queue.counts(name)).paused) await checkKnown(queue, name, 'check the name');
    await queue.resume(name);
    return { json: { queue: name, paused: false }, text: `Resumed queue '${name}'.` };
  },
};
