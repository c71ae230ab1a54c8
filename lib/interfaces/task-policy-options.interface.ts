import type { BackoffOptions } from './backoff-options.interface.js';

/** The execution policy a task carries: set per enqueue, per handler or as module defaults. */
export interface TaskPolicyOptions {
  /** Attempts in all, the first included (integer >= 1). */
  attempts?: number | undefined;
  /** Delay between failed attempts. */
  backoff?: BackoffOptions | undefined;
  /**
   * Time limit in ms for one attempt. 0: no limit, even where a handler, queue
   * or module default sets one. Unset: the next level's, and no limit when none sets one.
   */
  timeout?: number | undefined;
}
