import type { CliCommand } from '../cli-command.js';

/** `pause <queue>`: the fleet's workers stop starting the queue's tasks. */
export const pauseCommand: CliCommand = {
  name: 'pause',
  summary: "stops every worker of the fleet from starting the queue's tasks",
  usage: 'pause <queue>',
  help: ['Running tasks finish; enqueue still works. Undo with resume.'],
  options: {},
  arity: { min: 1, max: 1 },
  async run(queue, { args: [name] }) {
    await queue.pause(name);
    return { json: { queue: name, paused: true }, text: `Paused queue '${name}'.` };
  },
};
