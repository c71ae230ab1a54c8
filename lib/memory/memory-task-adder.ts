import { ENDED_DEPENDENTS_MAX, REFUSED_WITH_BATCH, type AddResult, type NewTask } from '../engine/new-task.js';
import type { MemoryQueue } from './memory-queue.js';
import type { MemoryTask } from './memory-task.js';

/** Why a task whose dependency does not exist is refused; the same words as the Redis engine's. */
function missingDependency(dep: string): string {
  return `dependsOn: no task ${dep} in this queue (never added, cancelled, or removed by remove() or retention)`;
}

/**
 * Adds a batch of tasks to one queue, all or nothing: every dependency must
 * exist, or come earlier in the batch, before anything is written (as
 * lib/redis/lua/enqueue.lua does). Returns one result per task; `onAdded` is
 * told of each task created.
 */
export function addToQueue(q: MemoryQueue, tasks: readonly NewTask[], now: number, onAdded: (task: NewTask) => void): AddResult[] {
  const seen = new Set<string>();
  for (const [index, task] of tasks.entries()) {
    // A task that exists is answered with its ref, whatever it depends on (a re-send after retention removed a dependency).
    const exists = seen.has(task.id) || q.tasks.has(task.id);
    const missing = exists ? undefined : task.dependsOn.find((dep) => !seen.has(dep) && !q.tasks.has(dep));
    if (missing !== undefined) {
      return tasks.map((t, i) => ({ ref: { id: t.id, queue: q.name }, created: false, error: i === index ? missingDependency(missing) : REFUSED_WITH_BATCH }));
    }
    seen.add(task.id);
  }
  const added = new Set<string>();
  return tasks.map((task) => {
    // A repeat of an id this call added existed, even when that task ended dead on arrival and was removed at once.
    const created = !added.has(task.id) && addTask(q, task, now);
    added.add(task.id);
    if (created) onAdded(task);
    return { ref: { id: task.id, queue: q.name }, created };
  });
}

/**
 * Adds one task: its record and its place in waiting, delayed or blocked
 * (or dead at once, when a dependency already ended dead), with its edges in
 * the dependency graph. False when a task with its id exists: nothing changes.
 * Used by enqueue and by the firing of schedule occurrences.
 */
export function addTask(q: MemoryQueue, t: NewTask, now: number): boolean {
  if (q.tasks.has(t.id)) return false;
  const pending: string[] = [];
  const results = new Map<string, string>();
  let failed: string | null = null;
  for (const dep of t.dependsOn) {
    const other = q.tasks.get(dep);
    // Checked before the batch was added: absent now only as an earlier task of the batch that ended dead and was removed at once.
    if (!other || other.state === 'dead') failed ??= t.dependencyFailure === 'run' ? null : dep;
    else if (other.state === 'completed') results.set(dep, other.resultJson ?? '');
    else pending.push(dep);
  }
  q.seq += 1;
  const runAt = t.runAt ?? (t.delayMs > 0 ? now + t.delayMs : now);
  const task: MemoryTask = {
    id: t.id, name: t.name, payloadJson: t.payloadJson, state: 'waiting', priority: t.priority, seq: q.seq,
    maxAttempts: t.maxAttempts, enqueuedAt: now, backoff: t.backoff && { ...t.backoff }, timeoutMs: t.timeoutMs, runAt,
    removeOnComplete: t.removeOnComplete, removeOnDead: t.removeOnDead, dependencyFailure: t.dependencyFailure,
    dependencyDelay: t.dependsOn.length > 0 && t.delayMs > 0 ? t.delayMs : null, dependents: new Set(), hasDependents: false,
    pending: new Set(pending), dependencyResults: results, attempts: 0, startedAt: null, leaseToken: null, countedInLimit: false, leasedAhead: null, aheadForgiven: false,
    resultJson: undefined, error: null, progressJson: undefined, finishedAt: null, awaited: false, log: [],
    traceContext: t.traceContext ?? null, traceLink: null, dependsOn: [...t.dependsOn], history: [], retries: 0,
  };
  q.tasks.set(t.id, task);
  if (failed !== null) {
    task.state = 'dead';
    q.dead.add(t.id, now);
  } else if (pending.length > 0) {
    task.state = 'blocked';
    q.blocked.add(t.id, now);
  } else if (runAt > now) {
    q.toDelayed(task, runAt);
  } else {
    q.toWaiting(task);
    q.wake();
  }
  // Every stored dependency lists it (TaskQueue.relations), as on Redis: an unfinished one it waits for
  // always; one that had ended, or any of a task dead on arrival, up to ENDED_DEPENDENTS_MAX (not when it is
  // removed at once).
  const removedAtOnce = failed !== null && t.removeOnDead === 'remove';
  for (const dep of t.dependsOn) {
    const other = q.tasks.get(dep);
    if (other === undefined) continue;
    const waitedFor = failed === null && pending.includes(dep);
    if (!waitedFor && (removedAtOnce || other.dependents.size >= ENDED_DEPENDENTS_MAX)) continue;
    other.dependents.add(t.id);
    other.hasDependents = true;
  }
  q.emit(task, 'enqueued', now);
  if (failed !== null) {
    task.error = { message: `dependency ${failed} ended dead` };
    task.finishedAt = now;
    q.emit(task, 'dead', now, undefined, { error: task.error });
    if (task.removeOnDead === 'remove') {
      q.dead.delete(t.id);
      q.deleteTask(t.id);
    }
  }
  return true;
}
