/**
 * One local timer for the earliest moment the worker must look at its queue
 * again: the next delayed task's due time, or the end of a rate-limit window.
 * Due times come from Redis as "in N ms", so the local clock only measures a
 * delay and never decides whether something is due. Redis' own blocking
 * timeouts are not used for this: they fire on the server's 100 ms tick.
 */
export class DueTimer {
  private timer: NodeJS.Timeout | null = null;
  private at = Number.POSITIVE_INFINITY;
  private stopped = false;

  constructor(private readonly onDue: () => void) {}

  /** Makes sure the timer fires within `inMs` (keeps an earlier one). */
  arm(inMs: number): void {
    // Far-off tasks are looked at again within the hour: setTimeout cannot wait past ~24 days.
    const delay = Math.min(inMs, 3_600_000);
    const at = Date.now() + delay;
    if (this.stopped || at >= this.at) return;
    if (this.timer) clearTimeout(this.timer);
    this.at = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.at = Number.POSITIVE_INFINITY;
      if (!this.stopped) this.onDue();
    }, delay + 1);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
