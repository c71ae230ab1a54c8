import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { hostname } from 'node:os';
import { RESOLVED_TASK_OPTIONS, queueSettings, type ResolvedTaskOptions } from '../config/resolved-options.js';
import { TaskHandlerRegistry, type RegisteredHandler } from '../discovery/task-handler.registry.js';
import { servedQueues } from '../discovery/served-queues.js';
import type { FetchRequest, FetchedTask, Lease } from '../engine/attempt.js';
import { TaskAbortedError } from '../errors/task-aborted.error.js';
import { TASK_ENGINE } from '../engine/engine.tokens.js';
import type { TaskEngine } from '../engine/task-engine.js';
import { AttemptState } from '../execution/attempt-state.js';
import { LazyAbort } from '../execution/lazy-abort.js';
import { runObservedAttempt } from '../worker/observed-attempt.js';
import { RunQueue } from '../worker/run-queue.js';
import { MemoryStore } from '../memory/memory-store.js';
import { WorkerEvents } from '../worker/worker-events.js';
import { TaskTelemetry } from '../telemetry/task-telemetry.js';
import { timers, within } from '../timers/own-timers.js';
import type { WorkerStatus, WorkerStatusSource } from '../worker/worker-status.js';

/** Leases of the test mode never run out: nothing recovers them, and virtual time may jump far. */
const LEASE_MS = 1_000_000_000_000;

interface Job {
  queue: string;
  task: FetchedTask;
  handler: RegisteredHandler | undefined;
}

/** What one look at the queues found. */
export interface FillResult {
  started: number;
  /** Ms until the earliest delayed task (or rate-limit window) of any queue not paused, or null. */
  nextDueInMs: number | null;
  /**
   * A queue had no free slot when it was looked at: it may hold tasks due
   * now, so the clock must not move to `nextDueInMs` before it is looked at
   * again (a slot that freed meanwhile would otherwise let a retry's backoff
   * pass ahead of the tasks waiting behind it).
   */
  full: boolean;
}

/**
 * The test mode's worker: it takes tasks from the in-memory engine through
 * the port, as a worker does, runs them through the same attempt executor
 * (Nest's pipeline, time limits, worker events) and records each outcome as
 * it ends. It runs only when told: TaskTester's runNext and drain, or the
 * inline runner. Queues and concurrency are this app's worker's: the queues
 * its handlers name, `worker.concurrency` (or the queue's own) at once, each
 * handler's own limit.
 */
@Injectable()
export class TestWorker implements OnApplicationBootstrap, BeforeApplicationShutdown, WorkerStatusSource {
  private readonly held = new Map<string, number>();
  /** The attempts running now, to abort and hand back at shutdown. */
  private readonly attempts = new Map<FetchedTask, { queue: string; state: AttemptState; giveUp: () => void; since: number }>();
  private stopping = false;
  private bootstrapped = false;
  private readonly runQueues = new Map<string, RunQueue<Job>>();
  private readonly running = new Set<Promise<void>>();
  private readonly finishedListeners = new Set<() => void>();
  readonly workerToken = `test.${process.pid.toString(36)}`;
  private readonly startedAt = Date.now();
  /** This turn's record is written (readvertise), and whether it changed since. */
  private advertising = false;
  private advertiseAfterTurn = false;

  /** @internal Made by Nest's injector (left out of the built types, which would name optional peers). */
  constructor(
    @Inject(TASK_ENGINE) private readonly engine: TaskEngine,
    @Inject(RESOLVED_TASK_OPTIONS) private readonly options: ResolvedTaskOptions,
    private readonly registry: TaskHandlerRegistry,
    private readonly events: WorkerEvents,
    private readonly store: MemoryStore,
    private readonly telemetry: TaskTelemetry,
  ) {}

  /**
   * Lists this worker as `workers()` does a worker on Redis (its queues,
   * handlers, concurrency and running count), so a task's `lease.workerId`
   * names a listed worker and `queues()` lists the queues it serves.
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.advertise();
    this.bootstrapped = true;
  }

  /**
   * What the health check reads, as of the worker host on Redis: whether this
   * app has a worker, whether it runs (bootstrapped, not closing), and per
   * queue the attempts running now, those taken and waiting for a slot of
   * their handler, and how long the longest running one has run (real time,
   * whatever the virtual clock says).
   */
  status(): WorkerStatus {
    const queues = this.queues();
    const now = timers.monotonicMs();
    return {
      enabled: queues.length > 0,
      running: queues.length > 0 && this.bootstrapped && !this.stopping,
      queues: queues.map((queue) => {
        const since = [...this.attempts.values()].filter((a) => a.queue === queue).map((a) => a.since);
        const held = this.held.get(queue) ?? 0;
        return {
          queue,
          running: since.length,
          buffered: Math.max(0, held - since.length),
          concurrency: this.concurrency(queue),
          oldestRunningMs: since.length > 0 ? Math.round(now - Math.min(...since)) : null,
        };
      }),
    };
  }

  /**
   * Throws unless the app was initialised: before init() (a testing module
   * only compiled) no handler is known, and a drain would run nothing, silently.
   */
  checkInitialised(where: string): void {
    if (!this.registry.complete) {
      throw new Error(`TaskTester.${where}: the app is not initialised, so its handlers are not known yet: call init() on the compiled testing module (await moduleRef.init(), or app.init()) before running tasks`);
    }
    // After app.close() nothing starts: a drain would run nothing and say so with a quiet zero.
    if (this.stopping) throw new Error(`TaskTester.${where}: the app was closed (app.close() was called), so no task runs any more; run tasks before closing it`);
  }

  /** The queues this app's worker consumes (see servedQueues), in the order their handlers were found; none with `worker: false`. */
  queues(): string[] {
    return [...servedQueues(this.options, this.registry).keys()];
  }

  /** Tasks taken and not yet recorded. */
  get busy(): number {
    return [...this.held.values()].reduce((sum, n) => sum + n, 0);
  }

  /** Calls `listener` each time an attempt has been recorded. */
  onFinished(listener: () => void): () => void {
    this.finishedListeners.add(listener);
    return () => this.finishedListeners.delete(listener);
  }

  /**
   * As a worker on Redis stops: nothing more starts, running attempts have
   * `shutdownGraceMs` to finish, then the others are aborted (their signal's
   * reason a TaskAbortedError of kind 'shutdown') and their tasks handed back
   * without counting the attempt; what those handlers return is not recorded.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.engine.retireWorker(this.workerToken);
    // Taken but not started (waiting for a handler's slot): handed back now, as a worker hands back its buffer.
    for (const [queue, runQueue] of this.runQueues) {
      const waiting = runQueue.drainWaiting();
      if (waiting.length === 0) continue;
      this.held.set(queue, (this.held.get(queue) ?? 0) - waiting.length);
      await this.engine.release(queue, waiting.map((job) => job.task.lease));
    }
    await within(this.settled(), this.options.worker?.shutdownGraceMs ?? 0, undefined);
    const leases = new Map<string, Lease[]>();
    for (const [task, { queue, state, giveUp }] of this.attempts) {
      state.abandon(new TaskAbortedError(task.id, 'shutdown'));
      giveUp();
      leases.set(queue, [...(leases.get(queue) ?? []), task.lease]);
    }
    for (const [queue, held] of leases) await this.engine.release(queue, held);
  }

  /** Takes due tasks into every free slot of every queue and starts them. */
  async fill(): Promise<FillResult> {
    let started = 0;
    let nextDueInMs: number | null = null;
    let full = false;
    if (this.stopping) return { started, nextDueInMs, full };
    for (const queue of this.queues()) {
      const free = this.concurrency(queue) - (this.held.get(queue) ?? 0);
      if (free <= 0) full = true;
      const reply = await this.engine.fetch(queue, this.request(queue, Math.max(0, free)));
      // Shutdown began while this fetch was on its way: what it took goes back untouched.
      if (this.stopping) {
        if (reply.tasks.length > 0) await this.engine.release(queue, reply.tasks.map((task) => task.lease));
        return { started, nextDueInMs: null, full };
      }
      for (const task of reply.tasks) this.start(queue, task);
      started += reply.tasks.length;
      nextDueInMs = this.earlierDue(nextDueInMs, queue, reply.nextDueInMs);
    }
    return { started, nextDueInMs, full };
  }

  /** Takes one due task of `queue` (or of the first queue that has one), runs it and records it; null when none was due. */
  async runOne(onlyQueue?: string): Promise<Omit<FillResult, 'full'> & { ran: { queue: string; id: string } | null }> {
    let nextDueInMs: number | null = null;
    const consumed = !this.options.worker || this.stopping ? [] : onlyQueue === undefined ? this.queues() : [onlyQueue];
    for (const queue of consumed) {
      const reply = await this.engine.fetch(queue, this.request(queue, 1));
      const [task] = reply.tasks;
      if (task && this.stopping) {
        await this.engine.release(queue, [task.lease]);
        return { started: 0, nextDueInMs: null, ran: null };
      }
      if (task) {
        // Among the running attempts, so a shutdown gives it its grace period too, and counted as running.
        const run = this.run({ queue, task, handler: this.registry.get(task.name) });
        this.running.add(run);
        this.hold(queue, 1);
        try {
          await run;
        } finally {
          this.running.delete(run);
          this.hold(queue, -1);
        }
        return { started: 1, nextDueInMs: null, ran: { queue, id: task.id } };
      }
      nextDueInMs = this.earlierDue(nextDueInMs, queue, reply.nextDueInMs);
    }
    return { started: 0, nextDueInMs, ran: null };
  }

  /**
   * Resolves when one of the running attempts has been recorded or a queue
   * has news (a handler enqueued a task it may be waiting for), or, when
   * nothing runs yet, after a turn of the event loop.
   */
  async nextChange(): Promise<void> {
    if (this.running.size === 0) {
      // Tasks held back for a slot start on a later turn (see RunQueue): let it come.
      await new Promise((resolve) => timers.setImmediate(resolve));
      return;
    }
    let stop: () => void = () => undefined;
    const woken = new Promise<void>((resolve) => (stop = this.store.onWake(() => resolve())));
    try {
      await Promise.race([...this.running, woken]);
    } finally {
      stop();
    }
  }

  /** Resolves when every attempt started so far has been recorded. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  /** Tasks of `queue` taken (or given back): the record's running count follows. */
  private hold(queue: string, delta: number): void {
    this.held.set(queue, (this.held.get(queue) ?? 0) + delta);
    this.readvertise();
  }

  /** The earlier of two due times; a paused queue's runs nothing when it falls due, so it is no reason to move the clock. */
  private earlierDue(known: number | null, queue: string, dueInMs: number | null): number | null {
    if (dueInMs === null || this.store.queue(queue).paused) return known;
    return known === null ? dueInMs : Math.min(known, dueInMs);
  }

  /** The worker's record, as a heartbeat writes it; a lease of the test mode's length, which virtual time cannot outrun. */
  private async advertise(): Promise<void> {
    if (this.stopping || this.queues().length === 0) return;
    const queues = [...servedQueues(this.options, this.registry)].map(([queue, handlers]) => ({
      // Nothing leased ahead here (see request()): what it holds is in its slots.
      queue, handlers: handlers.map((h) => h.name), concurrency: this.concurrency(queue), running: this.held.get(queue) ?? 0, buffered: 0,
    }));
    await this.engine.heartbeat({ instanceId: this.workerToken, host: hostname(), pid: process.pid, startedAt: this.startedAt, queues }, LEASE_MS);
  }

  /**
   * The record again with its running counts: at once for the first attempt
   * that starts or ends in a turn of the event loop (a handler that reads
   * workers() sees itself), and once more after the turn for the others.
   */
  private readvertise(): void {
    if (this.advertising) {
      this.advertiseAfterTurn = true;
      return;
    }
    this.advertising = true;
    void this.advertise().catch(() => undefined);
    timers.setImmediate(() => {
      this.advertising = false;
      if (!this.advertiseAfterTurn) return;
      this.advertiseAfterTurn = false;
      void this.advertise().catch(() => undefined);
    });
  }

  private start(queue: string, task: FetchedTask): void {
    this.hold(queue, 1);
    this.runQueueOf(queue).offer({ queue, task, handler: this.registry.get(task.name) });
  }

  private runQueueOf(queue: string): RunQueue<Job> {
    let runQueue = this.runQueues.get(queue);
    if (!runQueue) {
      const started = new Map<Job, number>();
      runQueue = new RunQueue<Job>(this.concurrency(queue), (job) => {
        started.set(job, Date.now());
        const run = this.run(job).finally(() => {
          this.running.delete(run);
          this.hold(queue, -1);
          runQueue!.finished(job, Date.now() - (started.get(job) ?? Date.now()));
          started.delete(job);
          for (const listener of this.finishedListeners) listener();
        });
        this.running.add(run);
      });
      this.runQueues.set(queue, runQueue);
    }
    return runQueue;
  }

  /** One attempt, start to record, with the same span and metrics as the Redis worker's. */
  private async run({ queue, task, handler }: Job): Promise<void> {
    const surroundings = {
      engine: this.engine, events: this.events, telemetry: this.telemetry,
      logMaxLines: this.options.taskLogs.maxLines, maxResultBytes: this.options.maxResultBytes,
    };
    const state = new AttemptState(new LazyAbort());
    let giveUp: () => void = () => undefined;
    // Handed back at shutdown, the attempt is over for the tester (settled(), a drain, clear()) even if its handler ignores its signal.
    const givenUp = new Promise<void>((resolve) => (giveUp = resolve));
    this.attempts.set(task, { queue, state, giveUp, since: timers.monotonicMs() });
    try {
      const attempt = runObservedAttempt(surroundings, queue, task, handler, state, async (_run, outcome) => {
        // Handed back at shutdown: the task runs again, this outcome is not its.
        if (state.abandoned) return null;
        const { settled } = await this.engine.settle(queue, [outcome], this.request(queue, 0));
        return settled[0] ? outcome : null;
      });
      // Ending after it was given up, a failure has no one left to tell.
      attempt.catch(() => undefined);
      await Promise.race([attempt, givenUp]);
    } finally {
      this.attempts.delete(task);
    }
  }

  private concurrency(queue: string): number {
    return queueSettings(this.options, queue).concurrency ?? this.options.worker?.concurrency ?? 1;
  }

  private request(queue: string, count: number): FetchRequest {
    // No names: the test worker carries every handler of the app, so a task without one ends dead at once.
    // Nothing leased ahead: the test mode has no crash for recovery to tell apart.
    return { count, startNow: count, workerToken: this.workerToken, leaseMs: LEASE_MS, handlerLimits: this.registry.limitsOf(queue), handlerNames: [] };
  }
}
