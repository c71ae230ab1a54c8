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
}

/** Options of `TaskQueue.schedule`. */
export interface ScheduleOptions extends ScheduleTiming {
  /** Queue of the occurrences: default the queue of this app's handler for the task, else `'default'`. */
  queue?: string | undefined;
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
  /** When the next occurrence is due: epoch ms, Redis time. */
  next: number;
}
