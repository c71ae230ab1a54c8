import type { Logger } from '@nestjs/common';
import { hostname } from 'node:os';
import type { TaskEngine } from '../engine/task-engine.js';
import type { WorkerInfo, WorkerQueueInfo } from '../interfaces/worker-info.interface.js';
import { TaskStoreError } from '../errors/task-store.error.js';
import { timers } from '../timers/own-timers.js';

/**
 * This app's worker heartbeat: one store call per interval (a third of
 * `ttlMs`), not per task. The record says who the worker is and what it runs;
 * it expires `ttlMs` after the last beat, so a worker that died drops out of
 * `TaskQueue.workers()` and stops being handed tasks in a rolling deploy.
 */
export class WorkerHeartbeat {
  private timer: NodeJS.Timeout | null = null;
  private readonly startedAt = Date.now();
  private failing = false;

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
   * the timer. A Redis that is out of memory refuses the beat, not the start:
   * taking and finishing tasks is what frees its memory, so a worker started
   * in that incident runs, unadvertised until a beat succeeds.
   */
  async start(): Promise<void> {
    try {
      await this.engine.heartbeat(this.record(), this.ttlMs);
    } catch (error) {
      if (!(error instanceof TaskStoreError && error.failure === 'out-of-memory')) throw error;
      this.logger.warn(`${error.message}; the worker starts anyway (finishing tasks frees memory), and the heartbeat will retry`);
      this.failing = true;
    }
    this.timer = timers.setInterval(() => void this.beat(), Math.max(50, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
  }

  /** Stops beating and removes the record. */
  async stop(): Promise<void> {
    if (this.timer) timers.clearInterval(this.timer);
    this.timer = null;
    await this.engine.retireWorker(this.instanceId).catch(() => undefined);
  }

  private record(): Omit<WorkerInfo, 'lastSeenAt'> {
    return { instanceId: this.instanceId, host: hostname(), pid: process.pid, startedAt: this.startedAt, queues: this.queues() };
  }

  private async beat(): Promise<void> {
    try {
      await this.engine.heartbeat(this.record(), this.ttlMs);
      // Its end at its start's level, so a log filtered to warnings shows both.
      if (this.failing) this.logger.warn('worker heartbeat works again');
      this.failing = false;
    } catch (error) {
      // Once per outage: the connection reports the outage itself too. The engine's message already says what failed.
      if (!this.failing) this.logger.warn(`${error instanceof Error ? error.message : String(error)}; the worker heartbeat will retry`);
      this.failing = true;
    }
  }
}
