import type { TaskErrorInfo } from './task-info.interface.js';

/** Attempts that ended in one minute of a queue, as `TaskQueue.throughput` returns them. */
export interface ThroughputPoint {
  /** Start of the minute, epoch ms (Redis time). */
  minute: number;
  /** Attempts that completed in that minute. */
  completed: number;
  /** Attempts that failed in that minute (retried or ended dead; a lost lease counts). */
  failed: number;
}

/** One attempt of a task, as `TaskQueue.history` returns it. */
export interface TaskAttempt {
  /** 1-based attempt number (it starts again at 1 after a retry of a dead task). */
  attempt: number;
  /** When it started, epoch ms (Redis time); 0 when the store did not know. */
  startedAt: number;
  /** When it ended, or null while it runs. */
  endedAt: number | null;
  outcome: 'running' | 'completed' | 'failed' | 'dead';
  /** The error of a failed or dead attempt. */
  error?: TaskErrorInfo;
  /** For a failed attempt: when the next attempt was due (after the backoff). */
  retryAt?: number;
  /**
   * Which run of the task the attempt belongs to: 1, then one more for each
   * retry from dead (`retry`, `retryAll`), whose attempts count from 1 again.
   */
  run: number;
}

/** A task's place in the dependency graph, as `TaskQueue.relations` returns it. */
export interface TaskRelations {
  /** Every task it was enqueued to depend on, in the order given (whether still stored or not). */
  dependencies: string[];
  /** The stored tasks that were enqueued to depend on it, sorted. */
  dependents: string[];
}
