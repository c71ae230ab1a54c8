import type { TaskPolicyOptions } from './task-policy-options.interface.js';

/** Options of `@TaskHandler`. */
export interface TaskHandlerOptions extends TaskPolicyOptions {
  /** Queue this handler consumes and its tasks go to by default (default `'default'`). */
  queue?: string;
  /** Most runs of this handler at once within one worker process. */
  concurrency?: number;
}
