import type { Redis } from 'ioredis';
import type { QueueKeys } from '../../../lib/redis/queue-keys.js';

/**
 * Samples the active set while a scenario runs: a member's score is its
 * lease's expiry (Redis time), so `now - score` is how long a task has stayed
 * active past its lease. Records the worst seen.
 */
export class LeaseWatch {
  /** Longest a task was seen active past its lease expiry, in ms (0: never). */
  maxOverdueMs = 0;
  /** The task seen most overdue, if any. */
  worstId: string | null = null;
  samples = 0;
  private timer: NodeJS.Timeout | null = null;
  private busy = false;

  constructor(private readonly admin: Redis, private readonly keys: QueueKeys, private readonly everyMs = 200) {}

  start(): this {
    this.timer = setInterval(() => void this.sample(), this.everyMs);
    // A failed scenario must not keep jest alive through this timer.
    this.timer.unref();
    return this;
  }

  /** Stops sampling after one last sample. */
  async stop(): Promise<void> {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = null;
    await this.sample();
  }

  async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const replies = (await this.admin.multi().time().zrange(this.keys.active, 0, 0, 'WITHSCORES').exec()) ?? [];
      const [[timeError, time], [rangeError, first]] = replies as Array<[Error | null, unknown]>;
      if (timeError || rangeError) return;
      this.samples++;
      const [seconds, micros] = time as [string, string];
      const nowMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
      const [id, score] = first as string[];
      if (id === undefined) return;
      const overdue = nowMs - Number(score);
      if (overdue > this.maxOverdueMs) {
        this.maxOverdueMs = overdue;
        this.worstId = id;
      }
    } catch {
      // Redis is away (a restart scenario): nothing to sample.
    } finally {
      this.busy = false;
    }
  }
}
