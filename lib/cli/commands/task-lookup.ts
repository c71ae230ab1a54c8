import { DEFAULTS } from '../../config/defaults.js';
import { checkName } from '../../config/option-checks.js';
import type { TaskQueue } from '../../producer/task-queue.js';
import { stringOption } from '../cli-args.js';
import type { OptionValues, Place } from '../cli-command.js';
import { CommandFailure } from '../cli-errors.js';
import { shortList } from '../text-lists.js';
import { knownQueue } from './known-queue.js';

/** Why a task may be missing, said in every "no task" message. */
const GONE = '(never added, cancelled, or removed by remove() or retention)';

/** The failure for a task id that queue `name` does not have. */
export function noSuchTask(id: string, name: string): CommandFailure {
  return new CommandFailure(`no task '${id}' in queue '${name}' ${GONE}`);
}

/**
 * What a one-task command does with a task found in another queue when no
 * --queue was given and the default queue has no such task: 'act' reads or
 * moves it there, saying so (show, retry, promote: what the operator asked,
 * on the one task of that id); 'tell' names the queue and changes nothing, as
 * a removal cannot be undone and should name what it removes.
 */
export type Search = 'act' | 'tell';

/** The queue a one-task command acts on, and a line to print first saying how it was found, newline included ('' when --queue named it or 'default' has it). */
export interface TaskPlace {
  queue: string;
  note: string;
}

/**
 * Finds the queue of task `id` (checked as the library checks an id, named
 * as the command line has it): --queue when given (refused when the prefix
 * does not know it), else 'default' when it has the task, else the one other
 * queue of the prefix that has it. Fails (exit 1) when no queue has it, when
 * several do, or, for `search` 'tell', when only another queue does.
 */
export async function locateTask(queue: TaskQueue, command: string, id: string, values: OptionValues, place: Place, search: Search): Promise<TaskPlace> {
  checkName(id, command, '<id>');
  const given = stringOption(values, 'queue');
  if (given !== undefined) return { queue: await knownQueue(queue, command, given, '--queue', place), note: '' };
  if (await queue.get(id, { queue: DEFAULTS.queue })) return { queue: DEFAULTS.queue, note: '' };
  const holders = (await queue.findQueues(id)).filter((name) => name !== DEFAULTS.queue);
  const missing = `no task '${id}' in queue '${DEFAULTS.queue}'`;
  if (holders.length === 0) {
    const others = (await queue.queues()).some((name) => name !== DEFAULTS.queue);
    const elsewhere = others ? ` nor in any other queue of prefix '${place.prefix}'` : '';
    throw new CommandFailure(`${missing}${elsewhere} ${GONE}`);
  }
  if (holders.length > 1) throw new CommandFailure(`${missing}; queues ${shortList(holders)} each have one: pass --queue <queue> to say which`);
  const [holder] = holders;
  if (search === 'tell') throw new CommandFailure(`${missing}; queue '${holder}' has it: pass --queue ${holder} to ${command} it there`);
  return { queue: holder, note: `Found task '${id}' in queue '${holder}' (queue '${DEFAULTS.queue}' has none, and no --queue was given).\n` };
}

/**
 * Why an operation on one task changed nothing: it does not exist, or it is
 * in a state the operation does not take (read after the refusal, to say which).
 */
export async function refusal(queue: TaskQueue, id: string, name: string, wanted: string): Promise<CommandFailure> {
  const task = await queue.get(id, { queue: name });
  if (!task) return noSuchTask(id, name);
  return new CommandFailure(`task '${id}' in queue '${name}' is ${task.state}; ${wanted}`);
}
