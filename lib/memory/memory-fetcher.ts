import type { FetchReply, FetchRequest, FetchedTask } from '../engine/attempt.js';
import type { MemoryQueue } from './memory-queue.js';
import { waitScore } from './memory-task.js';
import { ScoredSet } from './scored-set.js';

/** Moves delayed tasks that are due to waiting. */
function promoteDue(q: MemoryQueue, now: number): void {
  for (const id of q.delayed.upTo(now, 1_000)) {
    q.delayed.delete(id);
    const task = q.tasks.get(id);
    if (task) q.toWaiting(task);
  }
}

/** Tasks parked for a limit the worker no longer knows go back in line, in their old place. */
function unparkUnlimited(q: MemoryQueue, limits: ReadonlyMap<string, number>): void {
  for (const [name, parked] of q.parked) {
    if (limits.has(name)) continue;
    for (const [id, score] of parked.entries()) q.wait.add(id, score);
    q.parked.delete(name);
  }
}

/** How many starts the rate limit allows now, and when to look again if none. */
function rateAllowance(q: MemoryQueue, now: number, max: number): { allowed: number; lookAgain: number | null } {
  if (q.rate && q.rate.endsAt <= now) q.rate = null;
  const allowed = max - (q.rate?.count ?? 0);
  return allowed > 0 ? { allowed, lookAgain: null } : { allowed: 0, lookAgain: Math.max(1, q.rate!.endsAt - now) };
}

/**
 * Takes up to `request.count` waiting tasks for one worker, each with a lease
 * (its expiry is its score in the active set), as lib/redis/lua/includes/fetch.lua
 * does: nothing while paused, the queue's rate limit and the handlers'
 * fleet-wide limits enforced, and the time until the next delayed task is due.
 */
export function fetchFrom(q: MemoryQueue, request: FetchRequest, now: number): FetchReply {
  promoteDue(q, now);
  unparkUnlimited(q, request.handlerLimits);
  let n = q.paused ? 0 : request.count;
  let lookAgain: number | null = null;
  const rateLimit = q.settings.rateLimit;
  if (n > 0 && rateLimit) {
    const { allowed, lookAgain: wait } = rateAllowance(q, now, rateLimit.max);
    n = Math.min(n, allowed);
    lookAgain = wait;
  }
  const tasks: FetchedTask[] = [];
  while (tasks.length < n && q.wait.size > 0) {
    const [id] = q.wait.popFirst(1);
    const task = q.tasks.get(id)!;
    const limit = request.handlerLimits.get(task.name);
    if (limit !== undefined && (q.running.get(task.name) ?? 0) >= limit) {
      // Its handler runs at its fleet-wide limit: park it until a run ends.
      let parked = q.parked.get(task.name);
      if (!parked) q.parked.set(task.name, (parked = new ScoredSet()));
      parked.add(id, waitScore(task));
      continue;
    }
    task.attempts += 1;
    task.state = 'active';
    task.startedAt = now;
    task.leaseToken = `${request.workerToken}:${task.attempts}`;
    if (limit !== undefined) {
      q.running.set(task.name, (q.running.get(task.name) ?? 0) + 1);
      task.countedInLimit = true;
    }
    q.active.add(id, now + request.leaseMs);
    q.emit(task, 'started', now, task.attempts);
    const fetched: FetchedTask = {
      id, name: task.name, payload: JSON.parse(task.payloadJson) as unknown, attempt: task.attempts, maxAttempts: task.maxAttempts,
      backoff: task.backoff && { ...task.backoff }, timeoutMs: task.timeoutMs, enqueuedAt: task.enqueuedAt,
      waitedMs: Math.max(0, now - task.runAt), lease: { id, token: task.leaseToken },
    };
    if (task.traceContext !== null) fetched.traceContext = task.traceContext;
    if (task.traceLink !== null) fetched.traceLink = task.traceLink;
    tasks.push(fetched);
  }
  if (tasks.length > 0) {
    if (rateLimit) {
      q.rate ??= { count: 0, endsAt: now + rateLimit.perMs };
      q.rate.count += tasks.length;
    }
    // More is waiting than this worker took: pass the wake-up on to another.
    if (q.wait.size > 0) q.wake();
  }
  const first = q.delayed.first();
  if (first !== undefined) {
    const due = Math.max(0, q.delayed.score(first)! - now);
    if (lookAgain === null || due < lookAgain) lookAgain = due;
  }
  return { tasks, brokenIds: [], nextDueInMs: lookAgain };
}
