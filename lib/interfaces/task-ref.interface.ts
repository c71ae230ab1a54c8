/** Identifies a task: what `enqueue` returns and what lookups accept. */
export interface TaskRef {
  readonly id: string;
  readonly queue: string;
}

/** Where to look a task up when given a bare id. */
export interface TaskLookupOptions {
  /** Queue of the task (default `'default'`). Ignored when a `TaskRef` is given. */
  queue?: string;
}

/** Options of `waitFor`. */
export interface WaitForOptions extends TaskLookupOptions {
  /** How long to wait in ms before rejecting with `WaitForTimeoutError`. */
  timeout: number;
}
