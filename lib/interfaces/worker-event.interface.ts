import type { TaskErrorInfo, TaskProgress } from './task-info.interface.js';

/** What the worker that runs a task reports, in this process, as it happens. */
export type WorkerEventType = 'active' | 'progress' | 'completed' | 'failed' | 'error';

/** The task an attempt event is about. */
export interface WorkerTaskFields<P = unknown> {
  queue: string;
  id: string;
  name: string;
  /** This attempt, 1-based. */
  attempt: number;
  maxAttempts: number;
  /** The payload as stored (before the task's schema, if any, ran). */
  payload: P;
  /** When the task was enqueued: epoch ms, store time. */
  enqueuedAt: number;
}

/** An attempt is about to start: fired before guards, interceptors, pipes and the handler run. */
export interface WorkerActiveEvent<P = unknown> extends WorkerTaskFields<P> {
  type: 'active';
}

/** The handler reported progress (`task.progress(value)`). */
export interface WorkerProgressEvent<P = unknown> extends WorkerTaskFields<P> {
  type: 'progress';
  progress: TaskProgress;
}

/** The attempt succeeded, before its outcome is recorded. */
export interface WorkerCompletedEvent<P = unknown, R = unknown> extends WorkerTaskFields<P> {
  type: 'completed';
  result: R;
  /** How long the attempt ran, in ms. */
  durationMs: number;
}

/** The attempt failed, before its outcome is recorded: on every failed attempt, retried or not. */
export interface WorkerFailedEvent<P = unknown> extends WorkerTaskFields<P> {
  type: 'failed';
  /** The failure as it is recorded with the task. */
  error: TaskErrorInfo;
  /** What the handler (or the pipeline, or the time limit) threw, as it was thrown; undefined when the worker itself failed the task. */
  thrown: unknown;
  /** Whether the task runs again (attempts remain and the failure is not permanent, or it was rate limited). */
  willRetry: boolean;
  /** When it runs again, in ms from now; null when it does not. */
  retryDelayMs: number | null;
  durationMs: number;
}

/** What a worker-level failure was doing. */
export type WorkerOperation = 'fetch' | 'settle' | 'renew' | 'recover' | 'release' | 'lease';

/**
 * The worker itself failed, not a task: the store could not be reached (the
 * worker retries by itself), a task's lease was lost (another worker may run
 * it), or an attempt's outcome could not be recorded.
 */
export interface WorkerErrorEvent {
  type: 'error';
  queue: string;
  operation: WorkerOperation;
  error: Error;
  /** The task concerned, for 'lease' and for an outcome that was not recorded. */
  taskId?: string;
}

/** Any worker event. */
export type WorkerEvent = WorkerActiveEvent | WorkerProgressEvent | WorkerCompletedEvent | WorkerFailedEvent | WorkerErrorEvent;

/** The event of one type. */
export type WorkerEventOf<T extends WorkerEventType> = Extract<WorkerEvent, { type: T }>;
