import type { TaskEngine } from '../engine/task-engine.js';
import { timers } from '../timers/own-timers.js';
import { untraced } from '../telemetry/untraced.js';

/** How often the tasks that waitFor calls wait on are checked for existence. */
const CHECK_MS = 1_000;
/**
 * How long a task found missing has for its final event to arrive before its
 * waiters are told it vanished: a task removed on completion (removeOnComplete)
 * is deleted in the same step that writes its final event, which the event
 * follower may deliver a moment after a check saw the record gone.
 */
const GRACE_MS = 1_000;

/**
 * Notices tasks that disappear while waitFor waits on them (cancelled, removed
 * by hand, evicted): no event says so, so while anyone waits the awaited ids
 * are checked once a second, one store call per queue.
 */
export class VanishedTaskCheck {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly engine: Pick<TaskEngine, 'existing'>,
    /** The ids waited on now, by queue. */
    private readonly awaited: () => ReadonlyMap<string, readonly string[]>,
    /** Tells the waiters of a task that it is gone (a no-op when they were answered meanwhile). */
    private readonly onGone: (queue: string, id: string) => void,
  ) {}

  /** Makes sure a check is coming (call when a wait starts). */
  wake(): void {
    if (this.timer) return;
    // Untraced: the checks would otherwise go into the trace of the waitFor that started them.
    this.timer = untraced(() => timers.setTimeout(() => void this.check(), CHECK_MS));
    this.timer.unref();
  }

  private async check(): Promise<void> {
    this.timer = null;
    const awaited = this.awaited();
    if (awaited.size === 0) return;
    await Promise.all(
      [...awaited].map(async ([queue, ids]) => {
        try {
          const found = await this.engine.existing(queue, ids);
          ids.forEach((id, i) => {
            if (!found[i]) timers.setTimeout(() => this.onGone(queue, id), GRACE_MS).unref();
          });
        } catch {
          // The store is unreachable: the next check tries again; waitFor's own timeout still runs.
        }
      }),
    );
    this.wake();
  }
}
