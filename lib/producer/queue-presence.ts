import type { TaskCounts } from '../interfaces/task-info.interface.js';
import { TASK_STATES } from '../interfaces/task-state.js';
import type { TaskQueue } from './task-queue.js';

/**
 * Whether the prefix knows queue `name`, for tools that would otherwise read
 * a typo as an empty queue, or pause a queue of its own: listed, or holding a
 * task or a pause (0.1.0 listed no queue, and one it last used is listed only
 * once it is used again). `counts`: the queue's, when the caller has them.
 */
export async function queuePresence(tasks: TaskQueue, name: string, counts?: TaskCounts): Promise<{ known: boolean; listed: readonly string[] }> {
  const listed = await tasks.queues();
  if (listed.includes(name)) return { known: true, listed };
  const c = counts ?? (await tasks.counts(name));
  return { known: c.paused || TASK_STATES.some((state) => c[state] > 0), listed };
}
