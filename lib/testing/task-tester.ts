import { Inject, Injectable } from '@nestjs/common';
import { TASK_ENGINE } from '../engine/engine.tokens.js';
import type { TaskEngine } from '../engine/task-engine.js';
import type { TaskDefinition } from '../interfaces/task-definition.interface.js';
import type { TaskInfo } from '../interfaces/task-info.interface.js';
import type { TaskRef } from '../interfaces/task-ref.interface.js';
import { VirtualClock } from '../memory/memory-clock.js';
import { MemoryScheduleEngine } from '../memory/memory-schedule-engine.js';
import { MemoryStore } from '../memory/memory-store.js';
import { promoteAllDue } from '../memory/memory-fetcher.js';
import { followingOccurrence } from '../policies/schedule-timing.js';
import { enqueuedOptions, type EnqueuedTask } from './enqueued-task.js';
import { TESTING_SETTINGS, type TestingSettings } from './testing-settings.js';
import { TestWorker } from './test-worker.js';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import { checkAdvanceMs, checkDrainOptions, checkEnqueuedFilter, checkRunNextOptions } from './tester-options.checks.js';
import { timers } from '../timers/own-timers.js';

/** Options of `TaskTester.drain` (the main entry's `DrainOptions` are those of `TaskQueue.drain`). */
export interface TesterDrainOptions {
  /**
   * Whether drain may move the virtual clock to delayed tasks and backoff:
   * `true` (default) until no task is left, a number of ms to move it at most
   * (later tasks stay delayed), or `false` to run only what is due now. On
   * real timers (`timers: 'real'`) drain waits for them instead, as long.
   */
  advanceTime?: boolean | number | undefined;
  /** Most attempts drain runs before it gives up with an error (default 10,000): a guard against tasks that enqueue tasks without end. */
  maxAttempts?: number | undefined;
}

/** @deprecated The name of the main entry's `TaskQueue.drain` options too: use `TesterDrainOptions`. */
export type DrainOptions = TesterDrainOptions;

/** What a drain did. */
export interface DrainReport {
  /** Attempts run. */
  attempts: number;
  /** How far the virtual clock moved, in ms (on real timers: how long drain waited for tasks to come due). */
  advancedMs: number;
}

/**
 * Drives the test mode (`TaskModule.forTesting`): lists what was enqueued,
 * runs waiting tasks through the real pipeline (guards, interceptors, pipes,
 * filters, worker events) with retries, backoff, follow-up tasks and
 * dependencies, moves the virtual clock, and fires schedules. Only the
 * queues this app has handlers for run, as with a real worker.
 */
@Injectable()
export class TaskTester {
  /** @internal Made by Nest's injector (left out of the built types, which would name optional peers). */
  constructor(
    private readonly worker: TestWorker,
    private readonly store: MemoryStore,
    private readonly schedules: MemoryScheduleEngine,
    @Inject(TASK_ENGINE) private readonly engine: TaskEngine,
    @Inject(TESTING_SETTINGS) private readonly settings: TestingSettings,
  ) {}

  /** 'fake' or 'inline', as forTesting was given. */
  get mode(): TestingSettings['mode'] {
    return this.settings.mode;
  }

  /** The tasks enqueued so far (by TaskQueue, by handlers, by schedules), oldest first; only those of one task when given. */
  enqueued<P = unknown>(task?: string | TaskDefinition<P, unknown, unknown>): EnqueuedTask<P>[] {
    checkEnqueuedFilter(task);
    const name = typeof task === 'object' && task !== null ? task.name : task;
    return this.store.added
      .filter((added) => name === undefined || added.task.name === name)
      .map(({ queue, task: t }) => ({
        id: t.id,
        name: t.name,
        queue,
        payload: JSON.parse(t.payloadJson) as P,
        options: enqueuedOptions(t),
        state: this.store.queue(queue).tasks.get(t.id)?.state ?? null,
      }));
  }

  /**
   * Runs the next due task (of `queue`, or of the first queue with one) and
   * records its outcome; resolves with the task after that attempt, or null
   * when none is due. With `advanceTime` (default true) a delayed task counts
   * as next: the clock moves to it.
   */
  async runNext(options?: { queue?: string; advanceTime?: boolean }): Promise<TaskInfo | null> {
    const { queue, advanceTime } = checkRunNextOptions(options);
    this.worker.checkInitialised('runNext');
    let step = await this.worker.runOne(queue);
    if (!step.ran && step.nextDueInMs !== null && advanceTime) {
      await this.passTime(step.nextDueInMs);
      step = await this.worker.runOne(queue);
    }
    await this.store.eventsDelivered();
    return step.ran ? this.engine.get(step.ran.queue, step.ran.id) : null;
  }

  /**
   * Runs tasks until none is left to run: retries after their backoff,
   * follow-ups enqueued by handlers, dependents once unblocked, delayed ones
   * once the clock reaches them (see TesterDrainOptions.advanceTime). Blocked tasks,
   * paused queues and queues without a handler here stay as they are.
   * Resolves once @OnTaskEvent listeners and waitFor have seen it all.
   */
  async drain(options?: TesterDrainOptions): Promise<DrainReport> {
    const { budgetMs: budget, maxAttempts: limit } = checkDrainOptions(options);
    this.worker.checkInitialised('drain');
    let attempts = 0;
    let advancedMs = 0;
    for (;;) {
      // A drain running when app.close() began ends here, saying so, rather than with a report of what it did not run.
      this.worker.checkInitialised('drain');
      const { started, nextDueInMs, full } = await this.worker.fill();
      attempts += started;
      if (attempts > limit) {
        await this.worker.settled();
        throw new Error(`drain: ran ${limit} attempts and tasks remain (a handler may enqueue tasks without end); raise maxAttempts if this is expected`);
      }
      if (started > 0 || this.worker.busy > 0) {
        await this.worker.nextChange();
        continue;
      }
      // Its slots freed while it was looked at: look again before the clock moves.
      if (full) continue;
      if (nextDueInMs === null || advancedMs + nextDueInMs > budget) break;
      await this.passTime(nextDueInMs);
      advancedMs += nextDueInMs;
    }
    await this.store.eventsDelivered();
    return { attempts, advancedMs };
  }

  /** Moves the virtual clock forward by `ms` without running anything (in inline mode the runner then starts what became due). */
  advanceTime(ms: number): void {
    const clock = this.virtualClock();
    if (!clock) throw new InvalidTaskOptionsError("advanceTime: this test mode runs on real timers (timers: 'real'); drain() and runNext() wait for due tasks instead");
    clock.advance(checkAdvanceMs(ms));
    // What fell due is waiting now, as a live worker's timer makes it on Redis (a paused queue's too).
    for (const queue of this.worker.queues()) {
      promoteAllDue(this.store.queue(queue), this.store.now());
      this.store.queue(queue).wake();
    }
  }

  /** The engine's clock, epoch ms. */
  now(): number {
    return this.store.now();
  }

  /**
   * Fires the next occurrence of schedule `id` now (for a `@TaskHandler`
   * schedule, the id is the task name), whatever its due time: its task is
   * enqueued (not run) and the schedule moves on to its following occurrence,
   * or, when the clock has passed several due times (advanceTime), to the
   * first one after now: the overdue one fires once, as on Redis after downtime.
   */
  async fireSchedule(id: string): Promise<TaskRef> {
    const ref = this.schedules.fireEarly(id, (s) => followingOccurrence(s.spec, s.next, this.store.now()));
    if (!ref) throw new InvalidTaskOptionsError(`fireSchedule: no schedule '${id}' (known: ${[...this.store.schedules.keys()].join(', ') || 'none'})`);
    await this.store.eventsDelivered();
    return ref;
  }

  /**
   * Forgets every task, event, pause and the enqueued() list; schedules and
   * the clock stay. Running attempts finish first (after app.close(), those it
   * handed back are not waited for).
   */
  async clear(): Promise<void> {
    await this.worker.settled();
    this.store.clear();
  }

  /** Lets `ms` pass: the virtual clock moves at once; on real timers, waits that long. */
  private async passTime(ms: number): Promise<void> {
    const clock = this.virtualClock();
    if (clock) clock.advance(ms);
    else await new Promise<void>((resolve) => timers.setTimeout(resolve, Math.max(1, ms)));
  }

  private virtualClock(): VirtualClock | null {
    return this.store.clock instanceof VirtualClock ? this.store.clock : null;
  }
}
