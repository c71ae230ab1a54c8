import { DEFAULTS } from '../../config/defaults.js';
import type { CliCommand } from '../cli-command.js';
import { statesOf } from './related-tasks.js';
import { MAX_SHOWN_VALUE, describeTask } from './show-text.js';
import { locateTask, noSuchTask } from './task-lookup.js';

/** Dependencies and dependents whose states `show` prints, of each: each is a read of the whole task. */
const SHOWN_RELATED = 10;

/** `show <id>`: one task's record, its dependencies and dependents, its attempts, its error with the stack, and its log. */
export const showCommand: CliCommand = {
  name: 'show',
  summary: 'one task: its fields, dependencies and dependents, each attempt, error with stack, and log lines',
  usage: 'show <id> [--queue <queue>]',
  help: [
    `--queue <queue>  the task's queue (default '${DEFAULTS.queue}'; without it, the one other queue that has the task)`,
    'Dependencies and dependents come with their states: a dependent ends dead when this task is cancelled,',
    'removed unfinished or dies (unless it runs anyway); a dead dependency counts as ended when this task is retried.',
    `Payload, result and progress are cut after ${MAX_SHOWN_VALUE} characters; --json prints them whole.`,
    'With --json: { "task": TaskInfo, "attempts": TaskAttempt[], "logs": [{ "at", "message" }],',
    '"relations": { "dependencies": string[], "dependents": string[] } }.',
  ],
  options: { queue: { type: 'string' } },
  arity: { min: 1, max: 1 },
  changes: false,
  async run(queue, { args: [id], values }, place) {
    const { queue: name, note } = await locateTask(queue, 'show', id, values, place, 'act');
    const at = { queue: name };
    const [task, logs, attempts, relations] = await Promise.all([queue.get(id, at), queue.logs(id, at), queue.history(id, at), queue.relations(id, at)]);
    if (!task) throw noSuchTask(id, name);
    const related = relations ?? { dependencies: [], dependents: [] };
    const [dependencies, dependents] = await Promise.all([
      statesOf(queue, name, related.dependencies, SHOWN_RELATED),
      statesOf(queue, name, related.dependents, SHOWN_RELATED),
    ]);
    const text = describeTask({
      task,
      attempts: attempts ?? [],
      logs: logs ?? [],
      dependencies: { shown: dependencies, total: related.dependencies.length },
      dependents: { shown: dependents, total: related.dependents.length },
    }, await place.now());
    return { json: { task, attempts: attempts ?? [], logs: logs ?? [], relations: related }, text: note + text };
  },
};
