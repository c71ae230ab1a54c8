import { durationOption, integerOption, stringOption } from '../cli-args.js';
import type { CliCommand } from '../cli-command.js';
import { UsageError } from '../cli-errors.js';
import { knownQueue } from './known-queue.js';
import { stateHint } from '../../config/renamed-options.js';

/** `clean <queue> <completed|dead>`: removes finished tasks, as retention would, now. */
export const cleanCommand: CliCommand = {
  name: 'clean',
  summary: "removes a queue's completed or dead tasks (those finished long enough ago)",
  usage: 'clean <queue> <completed|dead> [--older-than <duration>] [--limit <n>]',
  help: [
    '--older-than <d>  only tasks that finished at least this long ago: 90s, 15m, 2h, 7d, or ms (default: all)',
    '--limit <n>       remove at most n tasks, the oldest first (default: no limit)',
    'Removes each task with its result, error, log and history, as retention would (TaskQueue.clean), in short',
    'bounded steps; asks no question. Fails (exit 1) for a queue the prefix does not know.',
    'With --json: { "queue", "state", "removed": <count>, "ids": [the ids removed] }.',
  ],
  options: { 'older-than': { type: 'string' }, limit: { type: 'string' } },
  arity: { min: 2, max: 2 },
  changes: true,
  async run(queue, { args: [given, state], values }, place) {
    if (state !== 'completed' && state !== 'dead') {
      throw new UsageError(`clean: state must be completed or dead (only finished tasks are cleaned), got '${state}'${stateHint(state)}`);
    }
    const olderThanMs = durationOption('clean', values, 'older-than', 0);
    const limit = values.limit === undefined ? undefined : integerOption('clean', values, 'limit', 1, 1, Number.MAX_SAFE_INTEGER);
    const name = await knownQueue(queue, 'clean', given, '<queue>', place);
    const ids = await queue.clean(name, state, limit === undefined ? { olderThanMs } : { olderThanMs, limit });
    const age = stringOption(values, 'older-than');
    const finished = age !== undefined && olderThanMs > 0 ? ` that finished at least ${/^\d+$/.test(age) ? `${age} ms` : age} ago` : '';
    return { json: { queue: name, state, removed: ids.length, ids }, text: `Removed ${ids.length} ${state} task${ids.length === 1 ? '' : 's'}${finished} from queue '${name}'.` };
  },
};
