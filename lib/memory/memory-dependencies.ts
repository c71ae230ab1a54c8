import type { ResolvedRetention } from '../config/resolved-options.js';
import type { MemoryQueue } from './memory-queue.js';
import { effective } from './own-retention.js';

// The dependency graph of one queue, as lib/redis/lua/includes/dependencies.lua
// keeps it: a blocked task holds the ids it still waits for, each dependency
// the ids waiting for it (kept until it is deleted, for relations), and results
// are copied to the dependent as each dependency completes.

/** Moves a blocked task whose last dependency finished to waiting, or to delayed when it asked for a delay or a later runAt. */
export function unblock(q: MemoryQueue, id: string, now: number): void {
  const task = q.tasks.get(id);
  if (!task) return;
  q.blocked.delete(id);
  let runAt = now;
  if (task.dependencyDelay !== null) runAt = now + task.dependencyDelay;
  else if (task.runAt > now) runAt = task.runAt;
  if (runAt > now) {
    q.toDelayed(task, runAt);
  } else {
    task.runAt = now;
    q.toWaiting(task);
    q.wake();
  }
}

/**
 * A dead task being retried waits again for those of its dependencies that
 * are unfinished now (retried themselves): it is blocked on them, and true is
 * returned. Completed ones give their results (again); dead or removed ones count as ended.
 */
export function waitAgain(q: MemoryQueue, id: string, now: number): boolean {
  const task = q.tasks.get(id)!;
  const unfinished = new Set<string>(['waiting', 'delayed', 'active', 'blocked']);
  // A dependency that completed after the task died (retried and run since) had no blocked dependent to give its result to.
  for (const dep of task.dependsOn) {
    const other = q.tasks.get(dep);
    if (other?.state === 'completed') task.dependencyResults.set(dep, other.resultJson ?? '');
  }
  const pending = task.dependsOn.filter((dep) => unfinished.has(q.tasks.get(dep)?.state ?? ''));
  if (pending.length === 0) return false;
  for (const dep of pending) {
    const other = q.tasks.get(dep)!;
    other.dependents.add(id);
    other.hasDependents = true;
  }
  task.pending = new Set(pending);
  task.state = 'blocked';
  q.blocked.add(id, now);
  return true;
}

/** How a dependency ended, for its dependents. */
export type DependencyOutcome = { kind: 'completed'; resultJson: string } | { kind: 'dead'; reason: string };

/**
 * Tells the dependents of `id` how it ended. A dependent of a failed task
 * goes dead too, and so on down the graph, unless it runs anyway
 * (dependencyFailure 'run'). Dependents that go dead follow their own
 * retention as settled dead tasks do (removed at once by removeOnDead true or
 * a count of 0, else trimming the dead set by their own limits); those under
 * the module's retention trim it by `deadKeep` when given.
 */
export function notifyDependents(q: MemoryQueue, id: string, outcome: DependencyOutcome, now: number, deadKeep: ResolvedRetention | null): void {
  const removeAfter: string[] = [];
  const ownTrims: ResolvedRetention[] = [];
  let died = 0;
  const todo: Array<{ id: string; outcome: DependencyOutcome }> = [{ id, outcome }];
  for (let i = 0; i < todo.length; i++) {
    const dep = todo[i];
    const finished = q.tasks.get(dep.id);
    const dependents = finished ? [...finished.dependents] : [];
    for (const x of dependents) {
      const task = q.tasks.get(x);
      // A dependent that ended dead through another dependency stays named here, and once removed its id
      // may be a new task's: only a task that depends on this one acts.
      if (!task || task.state !== 'blocked' || !task.dependsOn.includes(dep.id)) continue;
      if (dep.outcome.kind === 'completed' || task.dependencyFailure === 'run') {
        if (dep.outcome.kind === 'completed') task.dependencyResults.set(dep.id, dep.outcome.resultJson);
        task.pending.delete(dep.id);
        if (task.pending.size === 0) unblock(q, x, now);
        continue;
      }
      const error = { message: `dependency ${dep.id} ended dead${dep.outcome.reason !== '' ? `: ${dep.outcome.reason}` : ''}` };
      q.blocked.delete(x);
      task.pending.clear();
      task.state = 'dead';
      task.error = error;
      task.finishedAt = now;
      q.dead.add(x, now);
      q.emit(task, 'dead', now, undefined, { error });
      const keep = effective(task.removeOnDead, deadKeep ?? { age: -1, count: -1 });
      // Removed only after the walk: its own dependents are still to be told.
      if (keep.remove || keep.count === 0) removeAfter.push(x);
      else if (task.removeOnDead !== null) ownTrims.push(keep);
      else died += 1;
      if (task.hasDependents) todo.push({ id: x, outcome: { kind: 'dead', reason: `its dependency ${dep.id} ended dead` } });
    }
  }
  for (const x of removeAfter) {
    q.dead.delete(x);
    q.deleteTask(x);
  }
  for (const keep of ownTrims) q.trim(q.dead, now, keep.age, keep.count);
  if (deadKeep && died > 0) q.trim(q.dead, now, deadKeep.age, deadKeep.count);
}
