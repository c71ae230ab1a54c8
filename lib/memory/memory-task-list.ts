import { NAME_SCAN_WINDOW } from '../engine/task-engine.js';
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
 * score of their set (then id). With `name`, only that name's tasks among the
 * first NAME_SCAN_WINDOW of the state, as the Redis engine bounds it.
 */
export function listTasks(q: MemoryQueue, state: TaskState, offset: number, limit: number, name: string | null = null): TaskInfo[] {
  let ids: string[];
  const named = (list: string[]) => (name === null ? list : list.filter((id) => q.tasks.get(id)?.name === name));
  if (state === 'active') {
    const running = q.active.entries().map(([id]) => q.tasks.get(id)!);
    running.sort((a, b) => (a.startedAt ?? 0) - (b.startedAt ?? 0) || (a.id < b.id ? -1 : 1));
    ids = named(running.map((task) => task.id));
  } else if (state === 'waiting') {
    const window = (set: ScoredSet) => (name === null ? set.entries() : set.entries().slice(0, NAME_SCAN_WINDOW));
    const parked = name === null ? [...q.parked.values()] : [q.parked.get(name)].filter((set) => set !== undefined);
    const scored = [q.wait, ...parked].flatMap(window).filter(([id]) => name === null || q.tasks.get(id)?.name === name);
    scored.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
    ids = scored.map(([id]) => id);
  } else {
    const set = STATE_SETS[state](q);
    if (name === null) return set.range(offset, limit).map((id) => taskInfo(q.name, q.tasks.get(id)!, q.active.score(id)));
    ids = named(set.range(0, NAME_SCAN_WINDOW));
  }
  return ids.slice(offset, offset + limit).map((id) => taskInfo(q.name, q.tasks.get(id)!, q.active.score(id)));
}
