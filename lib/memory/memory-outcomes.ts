import type { ResolvedRetention } from '../config/resolved-options.js';
import type { AttemptOutcome, Lease } from '../engine/attempt.js';
import { workerOf } from '../engine/lease-holder.js';
import type { RecoverResult } from '../engine/task-engine.js';
import type { TaskErrorInfo } from '../interfaces/task-info.interface.js';
import { notifyDependents } from './memory-dependencies.js';
import type { MemoryQueue } from './memory-queue.js';
import type { MemoryTask } from './memory-task.js';
import { effective } from './own-retention.js';
import { countAttempts, recordFailedAttempt } from './memory-insights.js';

/** The module's retention, as settle and recover apply it. */
export interface Retention {
  completed: ResolvedRetention;
  dead: ResolvedRetention;
}

/** A copy of an error as a store would keep it: through JSON, so only what JSON carries stays. */
function stored(error: TaskErrorInfo): TaskErrorInfo {
  return JSON.parse(JSON.stringify(error)) as TaskErrorInfo;
}

/** The running task `lease` names, while the lease is still the caller's. */
export function leased(q: MemoryQueue, lease: Lease): MemoryTask | undefined {
  const task = q.tasks.get(lease.id);
  return task && task.leaseToken !== null && task.leaseToken === lease.token ? task : undefined;
}

/**
 * Records one attempt's outcome, as lib/redis/lua/settle.lua does; false when
 * the lease was no longer the caller's (nothing changes then). The lease ends
 * here, so a repeated settle of the same attempt finds nothing to change.
 */
export function settleOne(q: MemoryQueue, outcome: AttemptOutcome, now: number, retention: Retention): boolean {
  const task = leased(q, outcome.lease);
  if (!task) return false;
  q.endLease(task);
  if (outcome.kind === 'completed') {
    countAttempts(q, now, 1, 0);
    const resultJson = outcome.resultJson ?? '';
    q.emit(task, 'completed', now, task.attempts, { result: resultJson });
    if (task.hasDependents) notifyDependents(q, task.id, { kind: 'completed', resultJson }, now, null);
    const keep = effective(task.removeOnComplete, retention.completed);
    if (keep.remove || keep.count === 0) {
      q.deleteTask(task.id);
    } else {
      Object.assign(task, { state: 'completed', finishedAt: now, resultJson });
      q.completed.add(task.id, now);
      q.trim(q.completed, now, keep.age, keep.count);
    }
    return true;
  }
  const error = stored(outcome.error);
  if (outcome.kind === 'limited' || outcome.then.action === 'retry') {
    q.emit(task, 'retrying', now, task.attempts, { error });
    // A rate-limited attempt is handed back without counting.
    if (outcome.kind === 'limited') task.attempts -= 1;
    const delay = outcome.kind === 'limited' ? outcome.delayMs : outcome.then.action === 'retry' ? outcome.then.delayMs : 0;
    if (outcome.kind === 'failed') {
      countAttempts(q, now, 0, 1);
      recordFailedAttempt(task, now, now + delay, error);
    }
    task.error = error;
    if (delay > 0) {
      q.toDelayed(task, now + delay);
    } else {
      task.runAt = now;
      q.toWaiting(task);
      q.wake();
    }
    return true;
  }
  q.emit(task, 'dead', now, task.attempts, { error });
  countAttempts(q, now, 0, 1);
  recordFailedAttempt(task, now, null, error);
  if (task.hasDependents) notifyDependents(q, task.id, { kind: 'dead', reason: error.message }, now, retention.dead);
  die(q, task, error, now, retention.dead);
  return true;
}

/** Ends a task dead: removed at once when its retention keeps none, else kept and the dead set trimmed. */
function die(q: MemoryQueue, task: MemoryTask, error: TaskErrorInfo, now: number, module: ResolvedRetention): void {
  const keep = effective(task.removeOnDead, module);
  // Count 0 removes at once, as for completed tasks: added to the dead set, it
  // would trim that set to nothing, taking tasks whose own retention keeps them.
  if (keep.remove || keep.count === 0) {
    q.deleteTask(task.id);
    return;
  }
  Object.assign(task, { state: 'dead', error, finishedAt: now });
  q.dead.add(task.id, now);
  q.trim(q.dead, now, keep.age, keep.count);
}

/**
 * Takes back tasks whose lease ran out (lib/redis/lua/recover.lua): the lost
 * attempt counts; the task waits again while attempts remain, else ends dead.
 * A task leased ahead of a free slot may never have started: it is put back
 * uncounted, once per task.
 */
export function recoverExpired(q: MemoryQueue, now: number, limit: number, retention: Retention): RecoverResult {
  const deadKeep = retention.dead;
  let requeued = 0;
  let dead = 0;
  let unstarted = 0;
  const deadIds: string[] = [];
  const workers = new Set<string>();
  for (const id of q.active.upTo(now, limit)) {
    const task = q.tasks.get(id)!;
    const worker = task.leaseToken && workerOf(task.leaseToken);
    if (worker) workers.add(worker);
    // Leased ahead under this lease and not forgiven before: it may never have started.
    if (task.leasedAhead !== null && task.leasedAhead === task.startedAt && !task.aheadForgiven) {
      q.handBack(task);
      task.aheadForgiven = true;
      unstarted += 1;
      continue;
    }
    q.endLease(task);
    const error = { message: `attempt ${task.attempts} was lost: its worker stopped renewing the lease (crash, hang or lost connection)` };
    countAttempts(q, now, 0, 1);
    if (task.attempts < task.maxAttempts) {
      recordFailedAttempt(task, now, now, error);
      task.error = error;
      q.toWaiting(task);
      q.emit(task, 'retrying', now, task.attempts, { error });
      requeued += 1;
    } else {
      q.emit(task, 'dead', now, task.attempts, { error });
      recordFailedAttempt(task, now, null, error);
      if (task.hasDependents) notifyDependents(q, id, { kind: 'dead', reason: 'its worker was lost' }, now, deadKeep);
      die(q, task, error, now, deadKeep);
      dead += 1;
      deadIds.push(id);
    }
  }
  if (requeued + unstarted > 0) q.wake();
  // Finished tasks past their age, in a queue where none finishes to trim them.
  q.sweepByAge(q.completed, now, retention.completed.age, (task) => task.removeOnComplete);
  q.sweepByAge(q.dead, now, retention.dead.age, (task) => task.removeOnDead);
  return { requeued, dead, deadIds, workers: [...workers], unstarted };
}
