import type { TaskEngine } from '../engine/task-engine.js';

/**
 * The queues among `names` that hold a task of this id, in the order given.
 * Ids are unique within a queue only, so a bare id (from a log line, a
 * support ticket) may name a task of any queue: TaskQueue.findQueues,
 * waitFor's not-found message, the CLI's lookups and the dashboard's find
 * box all ask this.
 */
export async function queuesHolding(engine: Pick<TaskEngine, 'existing'>, names: readonly string[], id: string): Promise<string[]> {
  // An existence check, not a read: a task's payload and result may be megabytes.
  const found = await Promise.all(names.map(async (name) => ((await engine.existing(name, [id]))[0] ? name : null)));
  return found.filter((name): name is string => name !== null);
}
