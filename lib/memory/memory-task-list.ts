import type { TaskInfo } from '../interfaces/task-info.interface.js';
import type { TaskState } from '../interfaces/task-state.js';
import type { MemoryQueue } from './memory-queue.js';
import { taskInfo } from './memory-task.js';
import type { ScoredSet } from './scored-set.js';

/** The set each listable state lives in, ordered oldest first. */
const STATE_SETS: Record<'blocked' | 'delayed' | 'completed' | 'dead', (q: MemoryQueue) => ScoredSet> = {
  blocked: (q) => q.blocked,
  delayed: (q) => q.delayed,
  completed: (q) => q.completed,
  dead: (q) => q.dead,
};

/**
 * A page of tasks in one state, in the Redis engine's order: waiting ones in
 * run order (parked ones included), active ones by start, the others by the
 * score of their set (then id).
 */
export function listTasks(q: MemoryQueue, state: TaskState, offset: number, limit: number): TaskInfo[] {
  let ids: string[];
  if (state === 'active') {
    const running = q.active.entries().map(([id]) => q.tasks.get(id)!);
    running.sort((a, b) => (a.startedAt ?? 0) - (b.startedAt ?? 0) || (a.id < b.id ? -1 : 1));
    ids = running.slice(offset, offset + limit).map((task) => task.id);
  } else if (state === 'waiting') {
    const scored = [q.wait, ...q.parked.values()].flatMap((set) => set.entries());
    scored.sort((a, b) => a[1] - b[1]);
    ids = scored.slice(offset, offset + limit).map(([id]) => id);
  } else {
    ids = STATE_SETS[state](q).range(offset, limit);
  }
  return ids.map((id) => taskInfo(q.name, q.tasks.get(id)!));
}
