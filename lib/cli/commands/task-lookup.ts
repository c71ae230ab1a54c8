import { DEFAULTS } from '../../config/defaults.js';
import type { TaskQueue } from '../../producer/task-queue.js';
import { stringOption } from '../cli-args.js';
import type { OptionValues } from '../cli-command.js';
import { CommandFailure } from '../cli-errors.js';

/** The `--queue` of a command on one task: the library's default queue when absent. */
export function queueOption(values: OptionValues): string {
  return stringOption(values, 'queue') ?? DEFAULTS.queue;
}

/**
 * Why an operation on one task changed nothing: it does not exist, or it is
 * in a state the operation does not take (read after the refusal, to say which).
 */
export async function refusal(queue: TaskQueue, id: string, name: string, wanted: string): Promise<CommandFailure> {
  const task = await queue.get(id, { queue: name });
  if (!task) return new CommandFailure(`no task '${id}' in queue '${name}' (never added, cancelled, or removed by remove() or retention)`);
  return new CommandFailure(`task '${id}' in queue '${name}' is ${task.state}; ${wanted}`);
}
