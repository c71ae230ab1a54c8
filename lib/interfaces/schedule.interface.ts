import type { BackoffOptions } from './backoff-options.interface.js';
import type { RemoveOption } from './retention-option.js';
import type { TaskPolicyOptions } from './task-policy-options.interface.js';

/** When a schedule fires: exactly one of `cron` and `every`. */
export interface ScheduleTiming {
  /** A cron expression: 5 fields (minute precision) or 6 (a leading seconds field), e.g. `'0 * * * *'`. */
  cron?: string | undefined;
  /** A fixed interval in ms (at least 100): the first run comes `every` ms after the schedule is created. */
  every?: number | undefined;
  /** IANA timezone the cron expression is read in (default UTC), e.g. `'Europe/Berlin'`. Only with `cron`. */
  timezone?: string | undefined;
}

/** The `schedule` option of `@TaskHandler`: the handler's task is enqueued on this timing, with `payload` (default null). */
export interface HandlerScheduleOptions extends ScheduleTiming {
  payload?: unknown;
  /** Priority of each occurrence, as enqueue's: integer from -1,000,000 to 1,000,000, higher runs first; default 0. */
  priority?: number | undefined;
}

/**
 * Options of `TaskQueue.schedule`: the timing, and what each occurrence is enqueued with. The policy and
 * retention given here win over the handler's (or the definition's) and the defaults, as an enqueue's do.
 */
export interface ScheduleOptions extends ScheduleTiming, TaskPolicyOptions {
  /** Queue of the occurrences: default the queue of this app's handler for the task, else `'default'`. */
  queue?: string | undefined;
  /** Priority of each occurrence, as enqueue's: integer from -1,000,000 to 1,000,000, higher runs first; default 0. */
  priority?: number | undefined;
  /** Retention of each occurrence once completed, over the handler's and module's. */
  removeOnComplete?: RemoveOption | undefined;
  /** Retention of each occurrence once dead, over the handler's and module's. */
  removeOnDead?: RemoveOption | undefined;
}

/** A stored schedule, as `TaskQueue.schedules()` lists it. */
export interface ScheduleInfo<P = unknown> {
  id: string;
  /** Name of the task each occurrence enqueues. */
  name: string;
  queue: string;
  payload: P;
  cron?: string;
  every?: number;
  timezone?: string;
  /** Priority of each occurrence (0 unless the schedule gave one). */
  priority: number;
  /**
   * The policy each occurrence is enqueued with, fixed when the schedule was saved: the schedule's own
   * options, else its handler's, else the queue's and module's defaults (as an enqueue would get).
   */
  attempts: number;
  /** Absent: retried at once. */
  backoff?: BackoffOptions;
  /** Each attempt's time limit in ms; absent: none. */
  timeout?: number;
  /**
   * An occurrence's retention once completed, when the schedule, its handler or its queue's `defaults` set
   * one (fixed when the schedule was saved, as the rest of the policy); absent: the module's `retention`.
   */
  removeOnComplete?: RemoveOption;
  /** The same, once dead. */
  removeOnDead?: RemoveOption;
  /** When the next occurrence is due: epoch ms, Redis time. */
  next: number;
}
