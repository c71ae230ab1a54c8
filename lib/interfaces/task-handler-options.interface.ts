import type { HandlerScheduleOptions } from './schedule.interface.js';
import type { RemoveOption } from './retention-option.js';
import type { TaskPolicyOptions } from './task-policy-options.interface.js';

/** Options of `@TaskHandler`. */
export interface TaskHandlerOptions extends TaskPolicyOptions {
  /** Queue this handler consumes and its tasks go to by default (default `'default'`). */
  queue?: string | undefined;
  /** Most runs of this handler at once within one worker process. */
  concurrency?: number | undefined;
  /** Most runs of this handler at once across the whole fleet (enforced in Redis). */
  globalConcurrency?: number | undefined;
  /** Retention of its tasks once completed, over the module's. */
  removeOnComplete?: RemoveOption | undefined;
  /** Retention of its tasks once dead, over the module's. */
  removeOnDead?: RemoveOption | undefined;
  /**
   * Enqueue this task on a recurring timing, `{ cron, timezone? }` or `{ every }` (ms), with `payload`
   * (default null). Checked at bootstrap; the schedule's id is the task name.
   */
  schedule?: HandlerScheduleOptions | undefined;
}

/**
 * Options of `@TaskHandler(definition, ...)`: only what the worker applies. The queue and the policy are the
 * definition's (`defineTask(name, { queue, attempts, ... })`), so that an app without the handler enqueues
 * with them too; bootstrap refuses them here.
 */
export type DefinitionHandlerOptions = Pick<TaskHandlerOptions, 'concurrency' | 'globalConcurrency' | 'schedule'>;
