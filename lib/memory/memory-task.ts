import type { BackoffOptions } from '../interfaces/backoff-options.interface.js';
import type { TaskLogLine } from '../interfaces/task-log.interface.js';
import type { RetentionOverride } from '../interfaces/retention-option.js';
import type { TaskErrorInfo, TaskInfo, TaskProgress } from '../interfaces/task-info.interface.js';
import type { TaskState } from '../interfaces/task-state.js';
import type { TaskAttempt } from '../interfaces/task-insight.interface.js';
import { leaseOf } from '../engine/lease-holder.js';
import { traceIdOf } from '../engine/trace-id.js';

/**
 * One task as the in-memory engine keeps it: the same fields as the Redis
 * engine's record (lib/redis/lua/README.md), as plain values. User values
 * (payload, result, progress) stay JSON text, so what comes back has made the
 * same JSON round trip as it would through Redis.
 */
export interface MemoryTask {
  id: string;
  name: string;
  payloadJson: string;
  state: TaskState;
  priority: number;
  /** Enqueue sequence: FIFO among equal priority. */
  seq: number;
  maxAttempts: number;
  enqueuedAt: number;
  backoff: BackoffOptions | null;
  timeoutMs: number;
  /** When it is (or was) due. */
  runAt: number;
  removeOnComplete: RetentionOverride | null;
  removeOnDead: RetentionOverride | null;
  dependencyFailure: 'dead' | 'run';
  /** Delay counted from the moment its dependencies complete, or null. */
  dependencyDelay: number | null;
  /** Tasks that wait for this one. */
  dependents: Set<string>;
  hasDependents: boolean;
  /** Dependencies a blocked task still waits for. */
  pending: Set<string>;
  /** Dependency id -> result JSON ('' for none), copied as each completes. */
  dependencyResults: Map<string, string>;
  attempts: number;
  startedAt: number | null;
  leaseToken: string | null;
  /** Counts against its handler's fleet-wide limit while it runs. */
  countedInLimit: boolean;
  /** The lease's startedAt when it was leased ahead of a free slot (FetchRequest.startNow), else null. */
  leasedAhead: number | null;
  /** Recovery has once put it back uncounted after a lease leased ahead ran out. */
  aheadForgiven: boolean;
  resultJson: string | undefined;
  error: TaskErrorInfo | null;
  progressJson: string | undefined;
  finishedAt: number | null;
  /** A waitFor watches it: its final event is written even with events off. */
  awaited: boolean;
  /** Lines written with TaskContext.log, oldest first. */
  log: TaskLogLine[];
  /** The trace context of its enqueue span, when it was enqueued with tracing on. */
  traceContext: string | null;
  /** A schedule occurrence's link to the schedule() call that made it. */
  traceLink: string | null;
  /** The dependencies it was enqueued with, as given. */
  dependsOn: string[];
  /** Its failed attempts, oldest first, bounded by HISTORY_RUNS_KEPT times maxAttempts (the Redis engine's history list). */
  history: TaskAttempt[];
  /** Times it was retried from dead: its history's runs count them (the Redis record's `rr`). */
  retries: number;
}

/** The wait score of the Redis engine: higher priority first, then enqueue order. */
export function waitScore(task: Pick<MemoryTask, 'priority' | 'seq'>): number {
  return (1_000_000 - task.priority) * 4_294_967_296 + (task.seq % 4_294_967_296);
}

/** A stored JSON value, parsed; nothing (or '') is undefined. */
export function parseStored(json: string | undefined): unknown {
  return json === undefined || json === '' ? undefined : (JSON.parse(json) as unknown);
}

/** A task as `get` and `list` show it. */
export function taskInfo(queue: string, task: MemoryTask, leaseExpiresAt?: number): TaskInfo {
  const info: TaskInfo = {
    id: task.id,
    name: task.name,
    queue,
    payload: parseStored(task.payloadJson),
    state: task.state,
    priority: task.priority,
    attempts: task.attempts,
    maxAttempts: task.maxAttempts,
    result: parseStored(task.resultJson),
    error: task.error && { ...task.error },
    progress: parseStored(task.progressJson) as TaskProgress | undefined,
    enqueuedAt: task.enqueuedAt,
    runAt: task.runAt,
    startedAt: task.startedAt,
    finishedAt: task.finishedAt,
  };
  if (task.state === 'blocked') info.pendingDependencies = [...task.pending].sort();
  const traceId = traceIdOf(task.traceContext);
  if (traceId) info.traceId = traceId;
  const lease = task.state === 'active' ? leaseOf(task.leaseToken, leaseExpiresAt) : undefined;
  if (lease) info.lease = lease;
  return info;
}
