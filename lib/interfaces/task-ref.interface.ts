// Type-only: the result type a ref's task resolves with. Never set at run time.
declare const TASK_RESULT: unique symbol;

/**
 * Identifies a task: what `enqueue` returns and what lookups accept. `R` is
 * the result type of a task enqueued with a definition, so `waitFor(ref)` is
 * typed; refs of different result types stay assignable to each other.
 */
export interface TaskRef<R = unknown> {
  readonly id: string;
  readonly queue: string;
  /** Type-only, never present: carries R (a method, so refs stay mutually assignable). */
  [TASK_RESULT]?(result: R): void;
}

/** Where to look a task up when given a bare id. */
export interface TaskLookupOptions {
  /** Queue of the task (default `'default'`). Ignored when a `TaskRef` is given. */
  queue?: string | undefined;
}

/** Options of `waitFor`. */
export interface WaitForOptions extends TaskLookupOptions {
  /** How long to wait in ms before rejecting with `WaitForTimeoutError`. */
  timeout: number;
}
