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

/**
 * Makes every delayed task that is due by `now` waiting, as a worker on
 * Redis does when its timer fires, whether or not the queue is paused.
 */
export function promoteAllDue(q: MemoryQueue, now: number): void {
  while (q.delayed.upTo(now, 1).length > 0) promoteDue(q, now);
}

/** Until when a live worker carries handler `name` (null: none does), as the heartbeats advertise it. */
function carriedUntil(q: MemoryQueue, name: string, now: number): number | null {
  const expiry = q.carriers.get(name);
  return expiry !== undefined && expiry > now ? expiry : null;
}

/** Parks a task for its handler, in its old place, until a run of it ends or a worker carrying it fetches. */
function park(q: MemoryQueue, id: string, score: number, name: string): void {
  let parked = q.parked.get(name);
  if (!parked) q.parked.set(name, (parked = new ScoredSet()));
  parked.add(id, score);
}

/**
 * Puts back in line, in their old place, the parked tasks this worker may
 * run now (as includes/handover.lua does): those of a handler it carries, up
 * to the room its fleet-wide limit leaves and to what this fetch takes (waking
 * another worker when more stay parked), and
 * those of a handler no live worker carries any more. Returns when the
 * earliest carrier of the others stops beating (null: none).
 */
function unparkRunnable(q: MemoryQueue, request: FetchRequest, now: number, count: number): number | null {
  const names = request.handlerNames.length > 0 ? new Set(request.handlerNames) : null;
  let earliest: number | null = null;
  let more = false;
  for (const [name, parked] of q.parked) {
    let room: number;
    if (names === null || names.has(name)) {
      const limit = request.handlerLimits.get(name);
      room = Math.min(count, limit === undefined ? parked.size : Math.max(0, limit - (q.running.get(name) ?? 0)));
      // More parked than this fetch takes, and no limit holding it back: another carrier is woken for them.
      more ||= room > 0 && room === count && parked.size > room;
    } else {
      const expiry = carriedUntil(q, name, now);
      if (expiry !== null) earliest = earliest === null ? expiry : Math.min(earliest, expiry);
      room = expiry === null ? parked.size : 0;
    }
    for (const [id, score] of parked.entries().slice(0, room)) {
      parked.delete(id);
      q.wait.add(id, score);
    }
    if (parked.size === 0) q.parked.delete(name);
  }
  if (more) q.wake();
  return earliest;
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
  // What this fetch may take, before anything parked is put back for it: a paused queue, or one with no
  // rate allowance left, takes nothing, and putting back (and waking other workers for) its parked tasks
  // would only move them back and forth.
  let n = q.paused ? 0 : request.count;
  const rateLimit = q.settings.rateLimit;
  let rateWait: number | null = null;
  if (n > 0 && rateLimit) {
    const { allowed, lookAgain: wait } = rateAllowance(q, now, rateLimit.max);
    n = Math.min(n, allowed);
    rateWait = wait;
  }
  const carriedBy = unparkRunnable(q, request, now, n);
  const names = request.handlerNames.length > 0 ? new Set(request.handlerNames) : null;
  let lookAgain: number | null = carriedBy === null ? null : carriedBy - now;
  // The window's end matters only to tasks it holds back: with none waiting, nothing is due then.
  if (rateWait !== null && q.wait.size > 0 && (lookAgain === null || rateWait < lookAgain)) lookAgain = rateWait;
  const tasks: FetchedTask[] = [];
  while (tasks.length < n && q.wait.size > 0) {
    const [id] = q.wait.popFirst(1);
    const task = q.tasks.get(id)!;
    const limit = request.handlerLimits.get(task.name);
    const carrier = names !== null && !names.has(task.name) ? carriedUntil(q, task.name, now) : null;
    if (carrier !== null) {
      // A rolling deploy: this worker lacks the handler and a live one carries it. Handed over, no attempt used.
      park(q, id, waitScore(task), task.name);
      if (lookAgain === null || carrier - now < lookAgain) lookAgain = carrier - now;
      q.wake();
      continue;
    }
    if (limit !== undefined && (q.running.get(task.name) ?? 0) >= limit) {
      // Its handler runs at its fleet-wide limit: park it until a run ends.
      park(q, id, waitScore(task), task.name);
      continue;
    }
    task.attempts += 1;
    task.state = 'active';
    task.startedAt = now;
    // Past the worker's free slots: it waits in its buffer (see recoverExpired).
    task.leasedAhead = tasks.length >= request.startNow ? now : null;
    // Unique per lease, as on Redis: a task retried from dead runs attempt 1 again.
    task.leaseToken = `${request.workerToken}:${task.attempts}:${now}`;
    if (limit !== undefined) {
      q.running.set(task.name, (q.running.get(task.name) ?? 0) + 1);
      task.countedInLimit = true;
    }
    q.active.add(id, now + request.leaseMs);
    q.emit(task, 'started', now, task.attempts);
    const fetched: FetchedTask = {
      id, name: task.name, payload: JSON.parse(task.payloadJson) as unknown, attempt: task.attempts, maxAttempts: task.maxAttempts,
      backoff: task.backoff && { ...task.backoff }, timeoutMs: task.timeoutMs, enqueuedAt: task.enqueuedAt,
      waitedMs: Math.max(0, now - task.runAt), startedAt: now, lease: { id, token: task.leaseToken },
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
