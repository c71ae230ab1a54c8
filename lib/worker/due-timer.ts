import { timers } from '../timers/own-timers.js';

/**
 * One local timer for the earliest moment the worker must look at its queue
 * again: the next delayed task's due time, or the end of a rate-limit window.
 * Due times come from Redis as "in N ms", so the local clock only measures a
 * delay and never decides whether something is due; it is the monotonic one
 * (`since` too), so a step of the wall clock moves no timer. Redis' own blocking
 * timeouts are not used for this: they fire on the server's 100 ms tick.
 */
export class DueTimer {
  private timer: NodeJS.Timeout | null = null;
  private at = Number.POSITIVE_INFINITY;
  private stopped = false;

  constructor(private readonly onDue: () => void) {}

  /**
   * Makes sure the timer fires within `inMs` of `since` (keeps an earlier one).
   * `since` is the earliest moment the store can have measured `inMs` from:
   * when the request left. Counting from the reply's arrival instead made the
   * timer late by the reply's round trip and by whatever this process did
   * before it read the reply, a few milliseconds on a busy machine; counted
   * from `since` it fires at the due time or before it, and a look that comes
   * early finds the task not due yet and is told how long is left.
   */
  arm(inMs: number, since = timers.monotonicMs()): void {
    // Far-off tasks are looked at again within the hour: setTimeout cannot wait past ~24 days.
    const delay = Math.min(inMs, 3_600_000);
    const now = timers.monotonicMs();
    const at = Math.min(since, now) + delay;
    if (this.stopped || at >= this.at) return;
    if (this.timer) timers.clearTimeout(this.timer);
    this.at = at;
    this.timer = timers.setTimeout(() => {
      this.timer = null;
      this.at = Number.POSITIVE_INFINITY;
      if (!this.stopped) this.onDue();
    }, Math.max(0, at - now) + 1);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) timers.clearTimeout(this.timer);
    this.timer = null;
  }
}
