import type { CliCommand } from '../cli-command.js';
import { textTable } from '../text-table.js';
import { countColumns, countCells } from './count-cells.js';

/** `queues`: every queue of the prefix with its counts. */
export const queuesCommand: CliCommand = {
  name: 'queues',
  summary: 'every queue of the prefix with its task counts',
  usage: 'queues',
  help: [
    'Lists every queue that was enqueued to, is served by a worker or has a schedule (TaskQueue.queues()),',
    'with its tasks in each state and whether it is paused. An obliterated queue drops out until it is used again.',
  ],
  options: {},
  arity: { min: 0, max: 0 },
  changes: false,
  async run(queue, _input, place) {
    const names = await queue.queues();
    const counted = await Promise.all(names.map(async (name) => ({ queue: name, ...(await queue.counts(name)) })));
    const rows = counted.map((c) => [c.queue, ...countCells(c)]);
    // Naming where it looked: no queues at all most often means the wrong --prefix or --url.
    return { json: counted, text: textTable([{ header: 'QUEUE' }, ...countColumns], rows, `No queues under prefix '${place.prefix}' on ${place.redis}.`) };
  },
};
