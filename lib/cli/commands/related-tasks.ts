import type { TaskState } from '../../interfaces/task-state.js';
import type { TaskQueue } from '../../producer/task-queue.js';

/** A dependency or dependent of a task, with its state now: null when it is no longer stored (removed, or by retention). */
export interface RelatedTask {
  id: string;
  state: TaskState | null;
}

/** The state of each of the first `limit` of `ids` in queue `name` (a flow's tasks share one queue), in order. */
export async function statesOf(queue: TaskQueue, name: string, ids: readonly string[], limit: number): Promise<RelatedTask[]> {
  return Promise.all(ids.slice(0, limit).map(async (id) => ({ id, state: (await queue.get(id, { queue: name }))?.state ?? null })));
}
