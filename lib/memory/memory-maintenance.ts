import type { Lease } from '../engine/attempt.js';
import type { ObliterateResult, QueueGauges } from '../engine/task-maintenance.js';
import type { TaskLogLine } from '../interfaces/task-log.interface.js';
import { notifyDependents, waitAgain } from './memory-dependencies.js';
import { leased } from './memory-outcomes.js';
import type { MemoryQueue } from './memory-queue.js';
import type { ScoredSet } from './scored-set.js';

// The TaskMaintenance part of the port in memory: the same rules as the
// Redis scripts (log, gauges, waiting-age, retry-dead, drain, clean,
// obliterate), each run to its end at once, so no batching is needed.

/** Wait scores of one priority level share their high part (see waitScore). */
const LEVEL = 4_294_967_296;

/** Appends a line to a running task's log while `lease` holds it, keeping the newest `maxLines`. */
export function appendLog(q: MemoryQueue, lease: Lease, message: string, maxLines: number, now: number): boolean {
  const task = leased(q, lease);
  if (!task) return false;
  task.log.push({ at: now, message });
  if (task.log.length > maxLines) task.log.splice(0, task.log.length - maxLines);
  return true;
}

/** A task's log, oldest line first; null when there is no such task. */
export function readLog(q: MemoryQueue, id: string): TaskLogLine[] | null {
  const task = q.tasks.get(id);
  return task ? task.log.map((line) => ({ at: line.at, message: line.message })) : null;
}

/** The gauge counts, counted again only once the stored ones are `maxAgeMs` old. */
export function gauges(q: MemoryQueue, maxAgeMs: number, now: number): QueueGauges {
  if (q.gaugeSnapshot && now - q.gaugeSnapshot.at < maxAgeMs) return { ...q.gaugeSnapshot.gauges };
  let parked = 0;
  for (const set of q.parked.values()) parked += set.size;
  const counted = { waiting: q.wait.size + parked, delayed: q.delayed.size, active: q.active.size, dead: q.dead.size };
  q.gaugeSnapshot = { at: now, gauges: counted };
  return { ...counted };
}

/** How long the longest-waiting front task of the first `maxLevels` priority levels has been due; null when none waits. */
export function waitingAge(q: MemoryQueue, maxLevels: number, now: number): number | null {
  let oldest: number | null = null;
  let level: number | null = null;
  let levels = 0;
  for (const [id, score] of q.wait.entries()) {
    const thisLevel = Math.floor(score / LEVEL);
    if (thisLevel === level) continue;
    if (++levels > maxLevels) break;
    level = thisLevel;
    const age = Math.max(0, now - q.tasks.get(id)!.runAt);
    if (oldest === null || age > oldest) oldest = age;
  }
  return oldest;
}

/** Moves dead tasks (of `name` when given) back to waiting with fresh attempts; returns how many. */
export function retryDead(q: MemoryQueue, name: string | null, now: number): number {
  const chosen = q.dead.range(0, q.dead.size).filter((id) => name === null || q.tasks.get(id)!.name === name);
  const toRetry = new Set(chosen);
  // A flow's dependencies go first, so each dependent retried after them waits for them again (waitAgain),
  // as Redis's walks hold dependents back: dependencies in the set, depth first, before the task.
  const ordered: string[] = [];
  const visit = (id: string) => {
    if (!toRetry.delete(id)) return;
    for (const dep of q.tasks.get(id)!.dependsOn) visit(dep);
    ordered.push(id);
  };
  chosen.forEach(visit);
  let waiting = 0;
  for (const id of ordered) {
    const task = q.tasks.get(id)!;
    q.dead.delete(id);
    Object.assign(task, { attempts: 0, retries: task.retries + 1, runAt: now, finishedAt: null, startedAt: null, progressJson: undefined });
    q.emit(task, 'enqueued', now);
    if (!waitAgain(q, id, now)) {
      q.toWaiting(task);
      waiting += 1;
    }
  }
  if (waiting > 0) q.wake();
  return ordered.length;
}

/** Removes waiting tasks (parked ones too) and, when asked, delayed ones; a removed task's dependents are told it ended dead. */
export function drain(q: MemoryQueue, delayed: boolean, now: number): number {
  const sets: ScoredSet[] = [q.wait, ...q.parked.values()];
  if (delayed) sets.push(q.delayed);
  let removed = 0;
  for (const set of sets) {
    for (const id of set.range(0, set.size)) {
      set.delete(id);
      if (q.tasks.get(id)?.hasDependents) notifyDependents(q, id, { kind: 'dead', reason: 'it was drained' }, now, null);
      q.deleteTask(id);
      removed += 1;
    }
  }
  return removed;
}

/** Removes up to `limit` (null: all) tasks of a finished state that finished at least `olderThanMs` ago, oldest first; returns their ids. */
export function clean(q: MemoryQueue, state: 'completed' | 'dead', olderThanMs: number, limit: number | null, now: number): string[] {
  const set = state === 'completed' ? q.completed : q.dead;
  const ids = set.upTo(now - olderThanMs, limit ?? Number.POSITIVE_INFINITY);
  for (const id of ids) {
    set.delete(id);
    q.deleteTask(id);
  }
  return ids;
}

/** Removes every task of the queue, unless one is running and `force` is false. */
export function obliterate(q: MemoryQueue, force: boolean): ObliterateResult {
  if (!force && q.active.size > 0) return { status: 'refused', running: q.active.size };
  const removed = q.tasks.size;
  q.clear();
  return { status: 'done', removed };
}
