import { HISTORY_RUNS_KEPT } from '../engine/history-runs.js';
import type { TaskErrorInfo } from '../interfaces/task-info.interface.js';
import type { TaskAttempt, TaskRelations, ThroughputPoint } from '../interfaces/task-insight.interface.js';
import type { MemoryQueue } from './memory-queue.js';
import type { MemoryTask } from './memory-task.js';

// Throughput counters and attempt history in memory, kept as
// lib/redis/lua/includes/attempt-record.lua keeps them on Redis.

const MINUTE_MS = 60_000;
/** How long a minute's counters are kept, as THROUGHPUT_TTL_S on Redis. */
const KEEP_MS = 2 * 60 * MINUTE_MS;

/** Adds completed and failed attempts to the minute holding `now`, forgetting minutes older than two hours. */
export function countAttempts(q: MemoryQueue, now: number, completed: number, failed: number): void {
  if (completed === 0 && failed === 0) return;
  const minute = now - (now % MINUTE_MS);
  const counts = q.throughput.get(minute) ?? { completed: 0, failed: 0 };
  counts.completed += completed;
  counts.failed += failed;
  q.throughput.set(minute, counts);
  for (const old of q.throughput.keys()) if (old <= now - KEEP_MS) q.throughput.delete(old);
}

/** Appends a failed attempt to a task's history, in its run; `retryAt` null: it ended the task dead. */
export function recordFailedAttempt(task: MemoryTask, now: number, retryAt: number | null, error: TaskErrorInfo): void {
  const entry: TaskAttempt = { attempt: task.attempts, startedAt: task.startedAt ?? 0, endedAt: now, outcome: retryAt === null ? 'dead' : 'failed', error, run: task.retries + 1 };
  if (retryAt !== null) entry.retryAt = retryAt;
  task.history.push(entry);
  const kept = HISTORY_RUNS_KEPT * Math.max(1, task.maxAttempts);
  if (task.history.length > kept) task.history.splice(0, task.history.length - kept);
}

/** The last `minutes` minutes of counters, oldest first. */
export function throughput(q: MemoryQueue, now: number, minutes: number): ThroughputPoint[] {
  const first = now - (now % MINUTE_MS) - (minutes - 1) * MINUTE_MS;
  return Array.from({ length: minutes }, (_, m) => {
    const minute = first + m * MINUTE_MS;
    const counts = q.throughput.get(minute);
    return { minute, completed: counts?.completed ?? 0, failed: counts?.failed ?? 0 };
  });
}

/** A task's attempts: the failed ones kept, then the running or completed latest one. */
export function history(q: MemoryQueue, id: string): TaskAttempt[] | null {
  const task = q.tasks.get(id);
  if (!task) return null;
  const attempts = task.history.map((entry) => ({ ...entry, ...(entry.error ? { error: { ...entry.error } } : {}) }));
  const current = { attempt: task.attempts, startedAt: task.startedAt ?? 0, run: task.retries + 1 };
  if (task.state === 'active') attempts.push({ ...current, endedAt: null, outcome: 'running' });
  if (task.state === 'completed' && task.attempts > 0) attempts.push({ ...current, endedAt: task.finishedAt ?? 0, outcome: 'completed' });
  return attempts;
}

/** A task's dependencies as enqueued and its dependents still stored. */
export function relations(q: MemoryQueue, id: string): TaskRelations | null {
  const task = q.tasks.get(id);
  if (!task) return null;
  return { dependencies: [...task.dependsOn], dependents: [...task.dependents].filter((d) => q.tasks.get(d)?.dependsOn.includes(id)).sort() };
}
