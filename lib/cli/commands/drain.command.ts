import type { CliCommand } from '../cli-command.js';
import { knownQueue } from './known-queue.js';

/** `drain <queue>`: removes the queue's waiting tasks (and delayed ones with --delayed). */
export const drainCommand: CliCommand = {
  name: 'drain',
  summary: "removes a queue's waiting tasks (and delayed ones with --delayed)",
  usage: 'drain <queue> [--delayed]',
  help: [
    '--delayed  remove delayed tasks too',
    'Asks no question (for scripts). Running tasks finish; blocked ones stay; dependents of a removed task end dead.',
    'Fails (exit 1) for a queue the prefix does not know, naming the known ones.',
  ],
  options: { delayed: { type: 'boolean' } },
  arity: { min: 1, max: 1 },
  changes: true,
  async run(queue, { args: [given], values }, place) {
    const name = await knownQueue(queue, 'drain', given, '<queue>', place);
    const delayed = values.delayed === true;
    const removed = await queue.drain(name, { delayed });
    const what = delayed ? 'waiting or delayed' : 'waiting';
    return { json: { queue: name, removed }, text: `Removed ${removed} ${what} task${removed === 1 ? '' : 's'} from queue '${name}'.` };
  },
};
