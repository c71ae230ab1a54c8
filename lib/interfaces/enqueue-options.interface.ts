import type { TaskPolicyOptions } from './task-policy-options.interface.js';

/** Options of one `enqueue`. They win over the handler's options, which win over module defaults. */
export interface EnqueueOptions extends TaskPolicyOptions {
  /** Idempotency key: while a task with this id exists in the queue, enqueue adds nothing and returns it. */
  id?: string;
  /** Run no sooner than this many ms from now (judged by Redis time). */
  delay?: number;
  /** Run no sooner than this moment. Exclusive with `delay`. */
  runAt?: Date;
  /** Integer from -1,000,000 to 1,000,000; higher runs first; default 0. */
  priority?: number;
  /** Queue to add the task to (default: the handler's queue if this app has the handler, else `'default'`). */
  queue?: string;
}

/** One item of `enqueueMany`. */
export interface EnqueueManyItem<P = unknown> {
  name: string;
  payload: P;
  options?: EnqueueOptions;
}
