import { byNaturalOrder } from '../../engine/natural-order.js';
import { DEFAULTS } from '../../config/defaults.js';
import { checkName } from '../../config/option-checks.js';
import type { TaskQueue } from '../../producer/task-queue.js';
import { stringOption } from '../cli-args.js';
import type { CliCommand, CommandResult, OptionValues, Place } from '../cli-command.js';
import { UsageError } from '../cli-errors.js';
import { quotedList, shortList } from '../text-lists.js';
import { knownQueue } from './known-queue.js';
import { statesOf } from './related-tasks.js';
import { locateTask, refusal } from './task-lookup.js';

/** Dependencies of a retried task whose state is read, to warn of dead ones: each is a read of the whole task. */
const CHECKED_DEPENDENCIES = 100;

/** `retry <id>` or `retry --all-dead`: dead tasks back to waiting with a fresh attempt budget. */
export const retryCommand: CliCommand = {
  name: 'retry',
  summary: 'moves a dead task (or every dead task of a queue) back to waiting',
  usage: 'retry <id> [--queue <queue>] | retry --all-dead [--queue <queue>] [--name <task name>]',
  help: [
    `--queue <queue>  the queue (default '${DEFAULTS.queue}'; for <id> without it, the one other queue that has the task)`,
    '--all-dead       every dead task of the queue (TaskQueue.retryAll), in short bounded steps, dependencies first',
    '--name <name>    with --all-dead: only dead tasks of that name',
    'Retried tasks get a fresh attempt budget. Fails (exit 1) when the task is not dead. A dependency of the task',
    'that is still dead counts as ended: the task runs without its result (the output names such dependencies).',
  ],
  options: { queue: { type: 'string' }, 'all-dead': { type: 'boolean' }, name: { type: 'string' } },
  arity: { min: 0, max: 1 },
  changes: true,
  async run(queue, { args: [id], values }, place) {
    if (values['all-dead']) {
      if (id !== undefined) throw new UsageError('retry: give either a task id or --all-dead, not both');
      return retryAllDead(queue, values, place);
    }
    if (id === undefined) throw new UsageError('retry: give a task id, or --all-dead');
    if (values.name !== undefined) throw new UsageError('retry: --name goes with --all-dead');
    const { queue: name, note } = await locateTask(queue, 'retry', id, values, place, 'act');
    if (!(await queue.retry(id, { queue: name }))) throw await refusal(queue, id, name, 'only dead tasks can be retried');
    const [task, relations] = await Promise.all([queue.get(id, { queue: name }), queue.relations(id, { queue: name })]);
    const dependencies = relations?.dependencies ?? [];
    const dead = (await statesOf(queue, name, dependencies, CHECKED_DEPENDENCIES)).filter((d) => d.state === 'dead').map((d) => d.id);
    const now = task?.state === 'blocked' ? 'it waits for its unfinished dependencies again' : 'it is waiting again';
    const lines = [`${note}Retried task '${id}' of queue '${name}': ${now}.`];
    if (dead.length > 0) {
      const one = dead.length === 1;
      lines.push(
        `Its ${one ? 'dependency' : 'dependencies'} ${quotedList(dead)} ${one ? 'is' : 'are'} dead and ${one ? 'counts' : 'count'} as ended: ` +
          `the task runs without ${one ? 'its result' : 'their results'}. Retry dependencies before their dependents (retry --all-dead does) to run a flow in order.`,
      );
    }
    if (dependencies.length > CHECKED_DEPENDENCIES) lines.push(`(Only its first ${CHECKED_DEPENDENCIES} of ${dependencies.length} dependencies were checked for dead ones.)`);
    return { json: { queue: name, id, retried: true, deadDependencies: dead }, text: lines.join('\n') };
  },
};

/** `retry --all-dead`: the queue (refused when the prefix does not know it), and TaskQueue.retryAll. */
async function retryAllDead(queue: TaskQueue, values: OptionValues, place: Place): Promise<CommandResult> {
  const given = stringOption(values, 'name');
  const taskName = given === undefined ? undefined : checkName(given, 'retry', '--name');
  const givenQueue = stringOption(values, 'queue');
  // Without --queue it is 'default', which a prefix whose queues all have names of their own lacks.
  const orElse = givenQueue === undefined ? 'or name the queue: retry --all-dead --queue <queue>' : undefined;
  const name = await knownQueue(queue, 'retry', givenQueue ?? DEFAULTS.queue, '--queue', place, orElse);
  const retried = await queue.retryAll(name, taskName === undefined ? { state: 'dead' } : { state: 'dead', name: taskName });
  const named = taskName === undefined ? '' : ` named '${taskName}'`;
  const lines = [`Retried ${retried} dead task${retried === 1 ? '' : 's'}${named} of queue '${name}'.`];
  if (retried === 0 && taskName !== undefined) {
    const hint = await unhandledNameHint(queue, name, taskName);
    if (hint !== null) lines.push(hint);
  }
  return { json: { queue: name, retried }, text: lines.join('\n') };
}

/**
 * When nothing was retried by a name that no live worker of the queue handles: the names they do handle,
 * as a misspelt --name retries nothing and says only that. Null when one handles it, or none is live.
 */
async function unhandledNameHint(queue: TaskQueue, name: string, taskName: string): Promise<string | null> {
  const handled = new Set((await queue.workers(name)).flatMap((w) => w.queues.filter((q) => q.queue === name).flatMap((q) => q.handlers)));
  if (handled.size === 0 || handled.has(taskName)) return null;
  return `No live worker of queue '${name}' handles a task named '${taskName}'; they handle ${shortList([...handled].sort(byNaturalOrder).map((n) => `'${n}'`))}.`;
}
