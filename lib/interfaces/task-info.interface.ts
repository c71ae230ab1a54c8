import type { TaskPayloadIssue } from '../errors/task-payload.error.js';
import type { TaskState } from './task-state.js';

/** The error recorded for a task's last failed attempt. */
export interface TaskErrorInfo {
  message: string;
  stack?: string;
  /** The error's `name` (e.g. `TaskTimeoutError`), when it had one. */
  name?: string;
  /** For a payload its schema refused (`TaskPayloadError`): what was wrong, and where. */
  issues?: TaskPayloadIssue[];
}

/** A progress report: a number (commonly 0 to 100) or a JSON object. */
export type TaskProgress = number | Record<string, unknown>;

/** A task as stored, returned by `get`. Timestamps are epoch milliseconds (Redis time). */
export interface TaskInfo<P = unknown, R = unknown> {
  id: string;
  name: string;
  queue: string;
  payload: P;
  state: TaskState;
  priority: number;
  /** Attempts made so far. */
  attempts: number;
  maxAttempts: number;
  /** The handler's return value, once completed (`undefined` before, or for a void handler). */
  result: R | undefined;
  /** The last failure, or null if none. */
  error: TaskErrorInfo | null;
  progress: TaskProgress | undefined;
  enqueuedAt: number;
  /** When the task is (or was) due to run. */
  runAt: number;
  /** When the latest attempt started, or null if none has. */
  startedAt: number | null;
  finishedAt: number | null;
  /** For a blocked task: the ids of the dependencies it still waits for. */
  pendingDependencies?: string[];
  /** The trace id of its enqueue span, when it was enqueued with tracing on (an OpenTelemetry SDK registered). */
  traceId?: string;
  /** For an active task: which worker runs it, and until when its lease holds. */
  lease?: TaskLease;
}

/**
 * A task without its payload, result and progress: what `list(state, { values: false })` returns, for a
 * listing that shows none of them (those values can be megabytes each, and are then not read at all).
 */
export type TaskSummary = Omit<TaskInfo, 'payload' | 'result' | 'progress'>;

/** The lease of an active task. */
export interface TaskLease {
  /** The worker running it: the `instanceId` that `TaskQueue.workers()` lists (with its host and pid) while the worker lives. */
  workerId: string;
  /**
   * When the lease runs out unless the worker renews it (epoch ms, Redis
   * time). In the past, the worker stopped renewing (it died, or lost Redis):
   * a live worker of the queue takes the task back as a lost attempt.
   */
  expiresAt: number;
}

/** Task counts of one queue by state. */
export interface TaskCounts {
  blocked: number;
  waiting: number;
  delayed: number;
  active: number;
  completed: number;
  dead: number;
  /** Whether the queue is paused (see TaskQueue.pause). */
  paused: boolean;
}
