import type { Logger } from '@nestjs/common';
import { hostname } from 'node:os';
import type { TaskEngine } from '../engine/task-engine.js';
import type { WorkerInfo, WorkerQueueInfo } from '../interfaces/worker-info.interface.js';
import { TaskStoreError } from '../errors/task-store.error.js';
import { timers, within } from '../timers/own-timers.js';

/** How soon a beat Redis refused for want of memory is tried again. */
const OOM_RETRY_MS = 1_000;
/** Longest stop() waits for the beat in flight and the record's removal: the record expires with its ttl anyway. */
const STOP_WAIT_MS = 1_000;

/**
 * This app's worker heartbeat: one store call per interval (a third of
 * `ttlMs`), not per task. The record says who the worker is and what it runs;
 * it expires `ttlMs` after the last beat, so a worker that died drops out of
 * `TaskQueue.workers()` and stops being handed tasks in a rolling deploy.
 */
export class WorkerHeartbeat {
  private timer: NodeJS.Timeout | null = null;
  /** A beat sooner than the interval, while Redis refuses them for want of memory (see start). */
  private retry: NodeJS.Timeout | null = null;
  /** The beat on its way, which stop() lets land before it retires the record (else it would list the worker again). */
  private inFlight: Promise<void> | null = null;
  private readonly startedAt = Date.now();
  private failing = false;
  private stopping: Promise<void> | null = null;
  /** When the beat now out was sent (local ms), and whether its wait was said to be a stall. */
  private inFlightSince = 0;
  private stallSaid = false;

  constructor(
    private readonly engine: TaskEngine,
    private readonly instanceId: string,
    private readonly ttlMs: number,
    /** What it runs now, per queue. */
    private readonly queues: () => WorkerQueueInfo[],
    private readonly logger: Logger,
  ) {}

  /**
   * Beats once (so the fleet knows this worker before it fetches), then on
   * the timer. Redis takes a beat while out of memory (heartbeat.lua says
   * why); a store that refuses it anyway refuses the beat, not the start:
   * taking and finishing tasks is what frees its memory, so a worker started
   * in that incident runs, unadvertised until a beat succeeds. Meanwhile it
   * beats every second rather than every third of the ttl: a worker of the old
   * version in a rolling deploy sends tasks of a handler no live worker
   * advertises dead ('no handler'), so the window is kept short.
   */
  async start(): Promise<void> {
    try {
      await this.engine.heartbeat(this.record(), this.ttlMs);
    } catch (error) {
      if (!(error instanceof TaskStoreError && error.failure === 'out-of-memory')) throw error;
      this.logger.warn(`${error.message}; the worker starts anyway (finishing tasks frees memory), and the heartbeat will retry`);
      this.failing = true;
    }
    this.timer = timers.setInterval(() => void this.beat(), this.intervalMs());
    this.timer.unref();
    if (this.failing) this.retrySoon();
  }

  /**
   * Stops beating and removes the record, waiting STOP_WAIT_MS at most: a
   * stalled Redis (without commandTimeout) would otherwise hold app.close() forever.
   */
  stop(): Promise<void> {
    this.stopping ??= this.stopOnce();
    return this.stopping;
  }

  private async stopOnce(): Promise<void> {
    if (this.timer) timers.clearInterval(this.timer);
    this.timer = null;
    if (this.retry) timers.clearTimeout(this.retry);
    this.retry = null;
    const retiring = (async () => {
      await this.inFlight;
      await this.engine.retireWorker(this.instanceId).catch(() => undefined);
    })();
    await within(retiring, STOP_WAIT_MS, undefined);
  }

  private record(): Omit<WorkerInfo, 'lastSeenAt'> {
    return { instanceId: this.instanceId, host: hostname(), pid: process.pid, startedAt: this.startedAt, heartbeatEveryMs: this.intervalMs(), queues: this.queues() };
  }

  /**
   * One beat at a time: a beat still out when the next is due is the one
   * that counts. One out for a whole interval or more means Redis keeps the
   * connection but does not answer (a stopped process, a long script): no call
   * fails then without commandTimeout, so nothing else would say so.
   */
  private beat(): Promise<void> {
    if (this.inFlight) {
      const waitedMs = timers.monotonicMs() - this.inFlightSince;
      // Not while a failure is being reported (failing): a beat cut off by commandTimeout fails, and says so once per outage.
      if (!this.stallSaid && !this.stopping && !this.failing && waitedMs >= this.intervalMs()) {
        this.stallSaid = true;
        this.logger.warn(
          `Redis has not answered the worker heartbeat for ${Math.round(waitedMs)} ms: it may be stalled (a stopped process, a ` +
            "long script); every call waits for it meanwhile, enqueues in this process's memory. connection.commandTimeout bounds each call",
        );
      }
      return this.inFlight;
    }
    this.inFlightSince = timers.monotonicMs();
    this.inFlight = this.beatOnce().then((answered) => {
      this.inFlight = null;
      if (!this.stallSaid) return;
      this.stallSaid = false;
      // At the stall line's level, so a log filtered to warnings shows its end. A beat that failed after
      // the wait (commandTimeout, a Cluster down) was not answered: its failure line says what happened.
      if (answered && !this.stopping) this.logger.warn(`Redis answered the worker heartbeat again, after ${Math.round(timers.monotonicMs() - this.inFlightSince)} ms`);
    });
    return this.inFlight;
  }

  private intervalMs(): number {
    return Math.max(50, Math.floor(this.ttlMs / 3));
  }

  /** One beat; whether Redis took it. */
  private async beatOnce(): Promise<boolean> {
    try {
      await this.engine.heartbeat(this.record(), this.ttlMs);
      // Its end at its start's level, so a log filtered to warnings shows both.
      if (this.failing) this.logger.warn('worker heartbeat works again');
      this.failing = false;
      return true;
    } catch (error) {
      // Stopped meanwhile (a shutdown cut short closes the connections under a beat): nothing will retry.
      if (this.stopping) return false;
      // Once per outage: the connection reports the outage itself too. The engine's message already says what failed.
      if (!this.failing) this.logger.warn(`${error instanceof Error ? error.message : String(error)}; the worker heartbeat will retry`);
      this.failing = true;
      // Only a refusal for memory: in an outage the beats would queue on the connection instead.
      if (error instanceof TaskStoreError && error.failure === 'out-of-memory') this.retrySoon();
      return false;
    }
  }

  private retrySoon(): void {
    if (this.retry || this.timer === null) return;
    this.retry = timers.setTimeout(() => {
      this.retry = null;
      void this.beat();
    }, OOM_RETRY_MS);
    this.retry.unref();
  }
}
