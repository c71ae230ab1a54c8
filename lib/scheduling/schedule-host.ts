import { Inject, Injectable, Logger, Optional, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { RESOLVED_TASK_OPTIONS, type ResolvedTaskOptions } from '../config/resolved-options.js';
import { TaskStoreError } from '../errors/task-store.error.js';
import { SCHEDULE_POLL_MS, ScheduleFirer } from './schedule-firer.js';
import { SCHEDULE_ENGINE } from '../engine/engine.tokens.js';
import type { ScheduleEngine } from '../engine/schedule-engine.js';
import { TaskScheduler } from './task-scheduler.js';
import { TaskTelemetry } from '../telemetry/task-telemetry.js';
import { untraced } from '../telemetry/untraced.js';
import { timers, within } from '../timers/own-timers.js';

/** Longest shutdown waits for a firing pass in flight (each of its calls is quick on a Redis that answers). */
const PASS_STOP_WAIT_MS = 5_000;

/** Injection token: false keeps this app from firing schedules by itself (the test mode's virtual time fires them on request). */
export const SCHEDULE_FIRING = Symbol.for('nestjs-redis-tasks:schedule-firing');

/**
 * Said once when the generation mark shows Redis lost its data: the only
 * line about it in many apps (a worker cannot tell a queue emptied by its
 * work from one emptied by a restart), so it names the tasks, not only the
 * schedules.
 */
const LOST_DATA =
  'Redis lost its data (restarted with nothing saved, or flushed): the tasks it held are gone (waiting, delayed, running and ' +
  'finished ones); saved the declared schedules again';

/**
 * Lifecycle of schedules in this app: at bootstrap (after the Redis
 * connection is ready, as it depends on the engine) it saves the schedules
 * the app's handlers declare, then, in an app with a worker, runs firing
 * passes on a local timer: at the earliest due time, at least every
 * SCHEDULE_POLL_MS, and at once after a change made through this app; when
 * the store lost its data, it saves the declared schedules again. Stops
 * in beforeApplicationShutdown, waiting for a pass in flight, so `app.close()`
 * leaves no timer behind and the connection is still open for that pass.
 */
@Injectable()
export class ScheduleHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('TaskModule');
  private firer: ScheduleFirer | null = null;
  private timer: NodeJS.Timeout | null = null;
  private passing: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private failing = false;
  /** The store's mark (ScheduleEngine.generation) when the declared schedules were last saved. */
  private generation: string | null = null;
  /** Whether passes look at the mark: only an app declaring schedules has any to save again. */
  private watchesMark = false;
  /** Saving them again failed, and was logged: logged again only once it works. */
  private restoreFailing = false;
  private stopListening: (() => void) | null = null;

  constructor(
    private readonly scheduler: TaskScheduler,
    @Inject(SCHEDULE_ENGINE) private readonly engine: ScheduleEngine,
    @Inject(RESOLVED_TASK_OPTIONS) private readonly options: ResolvedTaskOptions,
    private readonly telemetry: TaskTelemetry,
    @Optional() @Inject(SCHEDULE_FIRING) private readonly firing: boolean = true,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.engine.ready();
    const firing = Boolean(this.options.worker) && this.firing;
    // Only an app declaring schedules has anything to save again (and makes the mark). Read before
    // saving: a loss between the two is then seen by the first pass.
    this.watchesMark = firing && this.scheduler.hasDeclared();
    if (this.watchesMark) this.generation = await this.markOf();
    await this.scheduler.saveDeclared();
    if (!firing || this.stopped) return;
    this.firer = new ScheduleFirer(this.engine, this.logger, (queue, name) => this.telemetry.occurrenceAdded(queue, name));
    this.stopListening = this.scheduler.onChange(() => this.wake());
    this.pass();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.stopListening?.();
    if (this.timer) timers.clearTimeout(this.timer);
    this.timer = null;
    // A pass waiting on a Redis that stopped answering (no commandTimeout) must not hold app.close() forever.
    await within(this.passing ?? Promise.resolve(), PASS_STOP_WAIT_MS, undefined);
  }

  /** Looks again now (or right after the pass in flight). */
  private wake(): void {
    if (this.stopped || !this.firer) return;
    if (this.passing) {
      this.again = true;
      return;
    }
    if (this.timer) timers.clearTimeout(this.timer);
    this.timer = null;
    this.pass();
  }

  /**
   * Saves the schedules the handlers declare again when the store's mark
   * changed: a Redis restarted empty (or flushed) has lost them, and nothing
   * else would bring them back before the app restarts. A stall or an outage
   * that lost nothing leaves the mark, so runtime changes to declared
   * schedules (an unschedule, another timing) stay. An unchanged one stays as it is.
   */
  private async restoreIfLost(): Promise<void> {
    if (!this.watchesMark) return;
    const generation = await this.markOf();
    if (generation === null || generation === this.generation) return;
    let saved: number;
    try {
      saved = await this.scheduler.saveDeclared();
    } catch (error) {
      if (!this.restoreFailing) {
        this.logger.warn(`schedules: Redis lost its data, and saving the declared schedules again failed (${error instanceof Error ? error.message : String(error)}); retrying`);
      }
      this.restoreFailing = true;
      return;
    }
    // Not known before (Redis was full at bootstrap): saved again to be sure, which is no news.
    if (saved > 0 && this.generation !== null) this.logger.warn(LOST_DATA);
    this.generation = generation;
    this.restoreFailing = false;
  }

  /**
   * The store's mark, or null while Redis is full and cannot make one (a
   * worker starts on a full Redis; nothing could be saved again meanwhile anyway).
   */
  private async markOf(): Promise<string | null> {
    try {
      return await this.engine.generation();
    } catch (error) {
      if (error instanceof TaskStoreError && error.failure === 'out-of-memory') return null;
      throw error;
    }
  }

  private pass(): void {
    if (!this.firer) return;
    // Untraced: a pass started by a schedule() call would otherwise put its Redis commands in that call's trace.
    this.passing = untraced(async () => {
      await this.restoreIfLost();
      return this.firer!.pass();
    })
      .then(
        (delayMs) => {
          // At the outage's own level: a log filtered to warnings shows its end too.
          if (this.failing) this.logger.warn('schedules: firing resumed');
          this.failing = false;
          return delayMs;
        },
        (error: unknown) => {
          // Logged once per outage, not once per pass; the connection logs the outage itself too.
          if (!this.failing) this.logger.warn(`schedules: firing failed (${error instanceof Error ? error.message : String(error)}); retrying`);
          this.failing = true;
          return SCHEDULE_POLL_MS;
        },
      )
      .then((delayMs) => {
        this.passing = null;
        if (this.stopped) return;
        this.timer = timers.setTimeout(() => {
          this.timer = null;
          this.pass();
        }, this.again ? 0 : delayMs);
        this.again = false;
      });
  }
}
