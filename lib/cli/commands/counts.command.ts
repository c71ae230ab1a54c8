import type { CliCommand } from '../cli-command.js';
import { textTable } from '../text-table.js';
import { countColumns, countCells } from './count-cells.js';
import { knownQueue } from './known-queue.js';

/** `counts <queue>`: one queue's tasks in each state. */
export const countsCommand: CliCommand = {
  name: 'counts',
  summary: "a queue's task counts by state, and whether it is paused",
  usage: 'counts <queue>',
  help: [
    'Prints how many tasks of <queue> are in each state (one consistent snapshot) and whether it is paused.',
    'Fails (exit 1) for a queue the prefix does not know, naming the known ones.',
  ],
  options: {},
  arity: { min: 1, max: 1 },
  changes: false,
  async run(queue, { args: [given] }, place) {
    const name = await knownQueue(queue, 'counts', given, '<queue>', place);
    const counts = { queue: name, ...(await queue.counts(name)) };
    return { json: counts, text: textTable([{ header: 'QUEUE' }, ...countColumns], [[name, ...countCells(counts)]], '') };
  },
};
