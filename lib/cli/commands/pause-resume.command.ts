import type { CliCommand } from '../cli-command.js';

/** `pause <queue>` or `resume <queue>`: one flag of the queue, seen by the whole fleet; the two differ only in which way they set it. */
function queueSwitch(name: 'pause' | 'resume', summary: string, help: string): CliCommand {
  const paused = name === 'pause';
  return {
    name,
    summary,
    usage: `${name} <queue>`,
    help: [help],
    options: {},
    arity: { min: 1, max: 1 },
    async run(queue, { args: [queueName] }) {
      await (paused ? queue.pause(queueName) : queue.resume(queueName));
      return { json: { queue: queueName, paused }, text: `${paused ? 'Paused' : 'Resumed'} queue '${queueName}'.` };
    },
  };
}

/** `pause <queue>`: the fleet's workers stop starting the queue's tasks. */
export const pauseCommand = queueSwitch('pause', "stops every worker of the fleet from starting the queue's tasks", 'Running tasks finish; enqueue still works. Undo with resume.');

/** `resume <queue>`: the fleet's workers start the queue's tasks again. */
export const resumeCommand = queueSwitch('resume', "lets the fleet's workers start the queue's tasks again", 'Undoes pause; resuming a queue that is not paused changes nothing.');
