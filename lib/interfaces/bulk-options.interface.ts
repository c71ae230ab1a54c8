/** Options of `TaskQueue.retryAll`. */
export interface RetryAllOptions {
  /** Which tasks to retry: `'dead'` (the only state a task can be retried from). */
  state: 'dead';
  /** Only tasks of this name (default: every name). */
  name?: string | undefined;
}

/** Options of `TaskQueue.drain`. */
export interface DrainOptions {
  /** Remove delayed tasks too (default false: only waiting ones). */
  delayed?: boolean | undefined;
}

/** Options of `TaskQueue.clean`. */
export interface CleanOptions {
  /** Only tasks that finished at least this many ms ago (default 0: all). */
  olderThanMs?: number | undefined;
  /** Remove at most this many, the oldest first (default: no limit). */
  limit?: number | undefined;
}

/** Options of `TaskQueue.obliterate`. */
export interface ObliterateOptions {
  /** Remove the queue even while its workers run tasks (their outcomes are then discarded). Default false. */
  force?: boolean | undefined;
}
