import type { Logger } from '@nestjs/common';
import type { RegisteredHandler, TaskHandlerRegistry } from '../discovery/task-handler.registry.js';
import { decideRetry } from '../policies/retry-policy.js';
import type { AttemptOutcome, FetchReply, FetchedTask, FetchRequest, Lease, QueueWaker, TaskEngine } from '../engine/task-engine.js';
import { LazyAbort } from '../execution/lazy-abort.js';
import { AttemptIo } from './attempt-io.js';
import { DueTimer } from './due-timer.js';
import { OutageReporter } from './outage-reporter.js';
import { RunScheduler } from './run-queue.js';
import { LeaseKeeper } from './lease-keeper.js';
import { runAttempt, type RunOutcome } from './task-runner.js';

/** Safety net for a lost wake-up: an idle worker looks at its queue at least this often. */
const IDLE_CHECK_MS = 5_000;

interface Slot {
  task: FetchedTask;
  handler: RegisteredHandler | undefined;
  controller: LazyAbort;
  /** Set when the outcome no longer matters: handed back at shutdown, or lease lost. */
  abandoned: boolean;
}

/** Settings of one consumer. */
export interface ConsumerSettings {
  concurrency: number;
  leaseMs: number;
  workerToken: string;
  /** Fleet-wide limits of this queue's handlers: 'name=limit;...' ('' = none). */
  handlerLimits: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs one queue's tasks in this process, up to `concurrency` at once. It
 * fetches as many tasks as it has free slots in one call, settles each task
 * and fetches the next in one call, blocks on Redis when the queue is empty,
 * and keeps a local timer for the next delayed task.
 */
export class QueueConsumer {
  /** Every task this worker holds a lease on: running, buffered, or waiting for its handler. */
  private readonly slots = new Map<string, Slot>();
  private readonly scheduler: RunScheduler<Slot>;
  private readonly pending = new Set<Promise<unknown>>();
  private readonly leases: LeaseKeeper;
  /** Slots promised to fetches in flight. */
  private reserved = 0;
  private stopping = false;
  private waker: QueueWaker | null = null;
  private loopDone: Promise<void> = Promise.resolve();
  private slotFreed: (() => void) | null = null;
  private readonly dueTimer = new DueTimer(() => this.onDue());
  private readonly outage: OutageReporter;
  /** Outcomes waiting for the end of this event-loop turn, to be settled in one call. */
  private outcomes: AttemptOutcome[] = [];
  /** Freed slots held for the fetch half of that settle. */
  private heldForSettle = 0;
  /** Leases whose outcome is queued or on its way to Redis: still this worker's until recorded. */
  private readonly settling = new Map<string, Lease>();

  constructor(
    readonly queue: string,
    private readonly engine: TaskEngine,
    private readonly registry: TaskHandlerRegistry,
    private readonly settings: ConsumerSettings,
    private readonly logger: Logger,
  ) {
    this.scheduler = new RunScheduler<Slot>(settings.concurrency, (slot) => this.run(slot));
    this.outage = new OutageReporter(queue, logger);
    this.leases = new LeaseKeeper(
      queue,
      engine,
      settings.leaseMs,
      settings.workerToken,
      () => this.heldLeases(),
      (ids) => this.onLeasesLost(ids),
      logger,
    );
  }

  async start(): Promise<void> {
    this.waker = await this.engine.createWaker(this.queue);
    this.leases.start();
    this.loopDone = this.loop();
  }

  /** Stops fetching, lets running tasks finish for `graceMs`, then aborts and hands back the rest. */
  async stop(graceMs: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.dueTimer.stop();
    this.waker?.close();
    this.slotFreed?.();
    await this.loopDone;
    await this.handBack(this.scheduler.drainWaiting());
    const deadline = Date.now() + graceMs;
    while (this.slots.size > 0 && Date.now() < deadline) {
      await Promise.race([this.nextSlotFreed(), sleep(Math.min(100, Math.max(1, deadline - Date.now())))]);
    }
    await this.handBack([...this.slots.values()]);
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    this.leases.stop();
  }

  private free(): number {
    return this.settings.concurrency + this.scheduler.prefetch - this.slots.size - this.reserved;
  }

  private request(count: number): FetchRequest {
    return { count, workerToken: this.settings.workerToken, leaseMs: this.settings.leaseMs, handlerLimits: this.settings.handlerLimits };
  }

  private async loop(): Promise<void> {
    let pause = 0;
    while (!this.stopping) {
      try {
        if (this.free() <= 0) {
          await this.nextSlotFreed();
          continue;
        }
        const asked = this.free();
        const got = await this.fetch(asked);
        if (got < asked && !this.stopping) await this.waker!.wait(IDLE_CHECK_MS);
        pause = 0;
        this.outage.recovered();
      } catch (error) {
        if (this.stopping) break;
        this.outage.warnOnce(`fetching failed (${error instanceof Error ? error.message : String(error)}); retrying`);
        pause = Math.min(2_000, pause ? pause * 2 : 100);
        await sleep(pause);
      }
    }
  }

  private nextSlotFreed(): Promise<void> {
    return new Promise((resolve) => {
      this.slotFreed = resolve;
    });
  }

  private signalIfFree(): void {
    if (this.free() > 0 && this.slotFreed) {
      const resolve = this.slotFreed;
      this.slotFreed = null;
      resolve();
    }
  }

  /** Fetches up to `count` tasks and starts them; returns how many came. */
  private async fetch(count: number): Promise<number> {
    this.reserved += count;
    try {
      const reply = await this.track(this.engine.fetch(this.queue, this.request(count)));
      return this.accept(reply);
    } finally {
      this.reserved -= count;
      this.signalIfFree();
    }
  }

  private accept(reply: FetchReply): number {
    for (const id of reply.brokenIds) {
      this.logger.warn(`queue '${this.queue}': task ${id} had no usable record (missing or hand-edited); moved to dead where it still existed, not run`);
    }
    if (reply.nextDueInMs !== null) this.dueTimer.arm(reply.nextDueInMs);
    const slots = reply.tasks.map((task) => {
      const slot: Slot = { task, handler: this.registry.get(task.name), controller: new LazyAbort(), abandoned: false };
      this.slots.set(task.id, slot);
      return slot;
    });
    if (this.stopping) {
      void this.handBack(slots);
    } else {
      for (const slot of slots) this.scheduler.offer(slot);
    }
    return reply.tasks.length;
  }

  private run(slot: Slot): void {
    const { task } = slot;
    const started = Date.now();
    void runAttempt(this.queue, task, slot.handler, slot.controller, new AttemptIo(this.engine, this.queue, task)).then((outcome) => {
      // Queue the outcome first: its flush must be scheduled before the start
      // of buffered tasks, so it leaves for Redis before they run.
      this.settle(slot, outcome);
      this.scheduler.finished(slot, Date.now() - started);
    });
  }

  /**
   * Queues the outcome; every outcome of this event-loop turn is recorded in
   * one call, which also fetches tasks for the slots they free.
   */
  private settle(slot: Slot, outcome: RunOutcome): void {
    const { task } = slot;
    this.slots.delete(task.id);
    if (slot.abandoned) {
      this.signalIfFree();
      return;
    }
    const lease: Lease = { id: task.id, token: task.leaseToken };
    this.settling.set(task.id, lease);
    if (outcome.kind === 'failed' && outcome.poison) {
      this.logger.warn(`queue '${this.queue}': task ${task.id} (${task.name}) cannot be run: ${outcome.error.message}; moved to dead`);
    }
    this.outcomes.push(
      outcome.kind === 'completed'
        ? { lease, kind: 'completed', resultJson: outcome.resultJson }
        : outcome.kind === 'limited'
          ? { lease, kind: 'limited', errorJson: JSON.stringify(outcome.error), delayMs: outcome.delayMs }
          : {
              lease,
              kind: 'failed',
              errorJson: JSON.stringify(outcome.error),
              then: decideRetry(task.attempt, task.maxAttempts, task.backoff, outcome.permanent),
            },
    );
    // The freed slot stays reserved until the settle's fetch half refills it.
    this.reserved += 1;
    this.heldForSettle += 1;
    if (this.outcomes.length === 1) {
      void this.track(new Promise<void>((resolve) => setImmediate(() => this.flushOutcomes().then(resolve))));
    }
  }

  private async flushOutcomes(): Promise<void> {
    const outcomes = this.outcomes;
    this.outcomes = [];
    this.reserved -= this.heldForSettle;
    this.heldForSettle = 0;
    const count = this.stopping ? 0 : Math.max(0, this.free());
    this.reserved += count;
    try {
      const reply = await this.withRetry(() => this.engine.settle(this.queue, outcomes, this.request(count)));
      if (reply) this.accept(reply);
    } finally {
      for (const outcome of outcomes) this.settling.delete(outcome.lease.id);
      this.reserved -= count;
      this.signalIfFree();
    }
  }

  /** A call that must not be lost, retried through an outage (see OutageReporter.retry). */
  private withRetry<T>(call: () => Promise<T>): Promise<T | null> {
    return this.outage.retry(this.settings.leaseMs, () => this.track(call()));
  }

  private async handBack(slots: Slot[]): Promise<void> {
    if (slots.length === 0) return;
    for (const slot of slots) {
      slot.abandoned = true;
      slot.controller.abort(new Error('worker shutting down: task handed back'));
      this.slots.delete(slot.task.id);
    }
    const leases = slots.map((s) => ({ id: s.task.id, token: s.task.leaseToken }));
    await this.withRetry(() => this.engine.release(this.queue, leases));
  }

  private heldLeases(): Lease[] {
    const running = [...this.slots.values()].filter((s) => !s.abandoned).map((s) => ({ id: s.task.id, token: s.task.leaseToken }));
    return [...running, ...this.settling.values()];
  }

  private onLeasesLost(ids: string[]): void {
    for (const id of ids) {
      const slot = this.slots.get(id);
      if (!slot || slot.abandoned) continue;
      slot.abandoned = true;
      slot.controller.abort(new Error('lease lost: the task was taken back (cancelled, recovered or removed)'));
    }
  }

  private onDue(): void {
    const count = this.free();
    // With no free slot, the next settle fetches the due task anyway.
    if (count > 0) this.fetch(count).catch((error: unknown) => this.outage.warnOnce(`fetching a due task failed (${String(error)})`));
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.pending.add(promise);
    const forget = () => this.pending.delete(promise);
    promise.then(forget, forget);
    return promise;
  }
}
