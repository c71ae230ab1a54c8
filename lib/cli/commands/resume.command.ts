import type { CliCommand } from '../cli-command.js';

/** `resume <queue>`: the fleet's workers start the queue's tasks again. */
export const resumeCommand: CliCommand = {
  name: 'resume',
  summary: "lets the fleet's workers start the queue's tasks again",
  usage: 'resume <queue>',
  help: ['Undoes pause; resuming a queue that is not paused changes nothing.'],
  options: {},
  arity: { min: 1, max: 1 },
  async run(queue, { args: [name] }) {
    await queue.resume(name);
    return { json: { queue: name, paused: false }, text: `Resumed queue '${name}'.` };
  },
};
