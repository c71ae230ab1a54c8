import type { Logger } from '@nestjs/common';
import type { WorkerOperation } from '../interfaces/worker-event.interface.js';
import type { WorkerEvents } from './worker-events.js';
import { traced } from '../telemetry/untraced.js';
import { timers } from '../timers/own-timers.js';

const sleep = (ms: number) => new Promise<void>((resolve) => timers.setTimeout(resolve, ms));

/**
 * How one queue's worker lives through a Redis outage: one warning when its
 * calls start failing (not one per attempt, nor one per kind of call), one
 * when every kind that failed works again, and calls that must not be lost
 * retried as long as their caller says. An outage is tracked by the kinds of
 * call failing: one kind failing on (a renewal refused while fetches work)
 * keeps it open, rather than each fetch ending it and the next renewal
 * starting it again.
 */
export class OutageReporter {
  /** Outcomes not recorded in this event-loop turn, by reason, logged together at its end. */
  private readonly discards = new Map<string, string[]>();
  /** The kinds of call failing now; the outage is over when none is. */
  private readonly failing = new Set<WorkerOperation>();
  /** When the outage's first failure was logged (local ms), or null while calls succeed. */
  private failingSince: number | null = null;

  constructor(
    private readonly queue: string,
    private readonly logger: Logger,
    private readonly events: WorkerEvents,
  ) {}

  /** A worker call failed: an 'error' worker event every time, a log line once per outage. */
  failed(operation: WorkerOperation, error: unknown, message: string): void {
    this.emit(operation, error);
    this.failing.add(operation);
    this.warnOnce(message);
  }

  /** An 'error' worker event, when anyone listens. */
  emit(operation: WorkerOperation, error: unknown, taskId?: string): void {
    if (!this.events.wants('error')) return;
    // From an untraced loop (see untraced.ts): the @OnWorkerEvent listeners run in the root context, traced as usual.
    traced(() => this.events.emit({ type: 'error', queue: this.queue, operation, error: error instanceof Error ? error : new Error(String(error)), ...(taskId !== undefined && { taskId }) }));
  }

  /**
   * An outcome the store did not take: the 'error' worker event for it, and a
   * warning for those of one event-loop turn together (a failover can refuse a
   * settle's whole batch), naming up to ten ids. Refused because the lease was
   * gone, the outcome is lost and the task runs again (or ran), unless this
   * very outcome was recorded by an earlier send of the call whose reply was
   * lost (a resent settle finds its lease already ended): the store cannot tell
   * the two apart, so the warning says both.
   */
  discarded(taskId: string, reason: string): void {
    this.emit('settle', new Error(`the outcome of task ${taskId} was not recorded: ${reason}`), taskId);
    const ids = this.discards.get(reason);
    if (ids) ids.push(taskId);
    else this.discards.set(reason, [taskId]);
    if (this.discards.size === 1 && this.discards.get(reason)!.length === 1) timers.setImmediate(() => this.logDiscards());
  }

  private logDiscards(): void {
    for (const [reason, ids] of this.discards) {
      const shown = ids.length > 10 ? `${ids.slice(0, 10).join(', ')} and ${ids.length - 10} more` : ids.join(', ');
      this.logger.warn(`queue '${this.queue}': the store did not take the outcome of ${ids.length} task(s): ${reason}: ${shown}`);
    }
    this.discards.clear();
  }

  /** Logs the first failure of an outage. */
  private warnOnce(message: string): void {
    if (this.failingSince !== null) return;
    this.failingSince = timers.monotonicMs();
    this.logger.warn(`queue '${this.queue}': ${message}`);
  }

  /**
   * A call of this kind succeeded. Once no kind is failing, the outage is
   * over: its end is logged at its start's level, so a log filtered to warnings shows both.
   */
  recovered(operation: WorkerOperation): void {
    if (!this.failing.delete(operation) || this.failing.size > 0 || this.failingSince === null) return;
    const lastedMs = Math.round(timers.monotonicMs() - this.failingSince);
    this.failingSince = null;
    this.logger.warn(`queue '${this.queue}': Redis calls work again (after ${lastedMs} ms of failures)`);
  }

  /**
   * Retries a call that must not be lost while it fails, for as long as
   * `keepTrying` says (told the error and when the call first failed, local
   * ms); resolves with null when it gives up, after logging `giveUp`.
   */
  async retry<T>(operation: WorkerOperation, call: () => Promise<T>, keepTrying: (error: unknown, failingSince: number) => boolean, giveUp: string): Promise<T | null> {
    const failingSince = timers.monotonicMs();
    let pause = 50;
    for (;;) {
      let result: T;
      try {
        result = await call();
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        this.emit(operation, error);
        if (!keepTrying(error, failingSince)) {
          this.logger.error(`queue '${this.queue}': ${giveUp} (${reason})`);
          // Given up: this kind no longer keeps the outage open (its error line said what was lost).
          this.failing.delete(operation);
          if (this.failing.size === 0) this.failingSince = null;
          return null;
        }
        this.failing.add(operation);
        this.warnOnce(`${operation === 'settle' ? 'recording a task outcome' : `the ${operation} call`} failed (${reason}); retrying`);
        await sleep(pause);
        pause = Math.min(1_000, pause * 2);
        continue;
      }
      // A logger that throws must not turn a call that went through into a failure: its caller holds its reply.
      try {
        this.recovered(operation);
      } catch {
        // The line is lost; the call is not.
      }
      return result;
    }
  }
}
