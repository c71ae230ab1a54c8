/** What this app's worker is doing now, as the health check reads it. */
export interface WorkerStatus {
  /** Whether this app runs a worker at all (it has handlers and `worker` is not false). */
  enabled: boolean;
  /** Whether its consumers run: started, and not shutting down. */
  running: boolean;
  /**
   * Per queue it consumes: tasks in its slots, those it holds and has not started (its buffer), its
   * concurrency, and how long the longest-running attempt has run (ms; null when none runs).
   */
  queues: Array<{ queue: string; running: number; buffered: number; concurrency: number; oldestRunningMs: number | null }>;
}

/** What tells it: the worker host on Redis, the test worker under TaskModule.forTesting. */
export interface WorkerStatusSource {
  status(): WorkerStatus;
}

/**
 * The token of this app's WorkerStatusSource: the health check reads the
 * worker through it, so that a health check tested under the test mode
 * judges the test worker as one on Redis judges the worker host.
 */
export const WORKER_STATUS = Symbol.for('nestjs-redis-tasks:worker-status');
