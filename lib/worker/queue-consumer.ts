import type { Logger } from '@nestjs/common';
import type { TaskHandlerRegistry } from '../discovery/task-handler.registry.js';
import type { AttemptOutcome, FetchReply, FetchRequest, Lease } from '../engine/attempt.js';
import type { QueueWaker } from '../engine/event-reader.js';
import type { TaskEngine } from '../engine/task-engine.js';
import { RedisUnavailableError } from '../errors/redis-unavailable.error.js';
import { TaskAbortedError } from '../errors/task-aborted.error.js';
import { AttemptState } from '../execution/attempt-state.js';
import { LazyAbort } from '../execution/lazy-abort.js';
import { brokenEntriesLine } from './broken-entries-line.js';
import { idList } from './id-list.js';
import { DueTimer } from './due-timer.js';
import { LeaseKeeper } from './lease-keeper.js';
import { runObservedAttempt, type AttemptSurroundings } from './observed-attempt.js';
import { DeadTaskWarnings } from './dead-task-warnings.js';
import { MisplacedTaskWarnings } from './misplaced-task-warnings.js';
import { NoHandlerWarnings } from './no-handler-warnings.js';
import { OutageReporter } from './outage-reporter.js';
import { traced } from '../telemetry/untraced.js';
import { ReplyOrder } from './reply-order.js';
import { RunQueue } from './run-queue.js';
import { SettleBatcher } from './settle-batcher.js';
import { SlotLedger, type Slot } from './slot-ledger.js';
import type { RunOutcome } from './task-runner.js';
import type { TaskTelemetry } from '../telemetry/task-telemetry.js';
import type { WorkerEvents } from './worker-events.js';
import { timers } from '../timers/own-timers.js';

/** How long a shutdown retries handing its tasks back through an outage (at most a lease). */
const SHUTDOWN_HAND_BACK_MS = 3_000;

/** Safety net for a lost wake-up: an idle worker looks at its queue at least this often. */
const IDLE_CHECK_MS = 5_000;

/** Settings of one consumer. */
export interface ConsumerSettings {
  concurrency: number;
  leaseMs: number;
  workerToken: string;
  /** Fleet-wide limits of this queue's handlers: task name -> most running at once. */
  handlerLimits: ReadonlyMap<string, number>;
  /** Lines kept per task log. */
  logMaxLines: number;
  /** Largest encoded result stored (maxResultBytes). */
  maxResultBytes: number;
  /** The task names of this queue this app has handlers for. */
  handlerNames: readonly string[];
}

const sleep = (ms: number) => new Promise<void>((resolve) => timers.setTimeout(resolve, ms));
const nextTurn = () => new Promise<void>((resolve) => timers.setImmediate(resolve));

/** What a consumer's stop did: attempts let finish within the grace period, tasks handed back unstarted or cut off. */
export interface StopSummary {
  finished: number;
  handedBack: number;
}

/**
 * Runs one queue's tasks in this process, up to `concurrency` at once. It
 * fetches as many tasks as it has free slots in one call, records each task's
 * outcome and fetches the next in one call, blocks on the store when the queue
 * is empty, and keeps a local timer for the next delayed task.
 */
export class QueueConsumer {
  private readonly ledger: SlotLedger;
  private readonly surroundings: AttemptSurroundings;
  private readonly runQueue: RunQueue<Slot>;
  private readonly batcher: SettleBatcher;
  /** Fetch replies read in the order their calls went out (see ReplyOrder). */
  private readonly order = new ReplyOrder();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly leases: LeaseKeeper;
  private readonly outage: OutageReporter;
  private readonly dueTimer = new DueTimer(() => this.onDue());
  private readonly noHandlerWarnings: NoHandlerWarnings;
  private readonly deadWarnings: DeadTaskWarnings;
  /** Dead-task warnings waiting for their settle (see record). */
  private readonly deadOnSettle = new Map<AttemptOutcome, () => void>();
  private readonly misplacedWarnings: MisplacedTaskWarnings;
  private stopping = false;
  /** When stop() began (local ms), or null while running. */
  private stoppingSince: number | null = null;
  /** Tasks the store took back from this consumer since its stop began (see StopSummary). */
  private handedBackWhileStopping = 0;
  private waker: QueueWaker | null = null;
  /** A fetch waits behind the waker for news: a due task pokes it instead of fetching beside it. */
  private waitingForNews = false;
  /** When this consumer first poked the wait in progress (null: not poked). A fetch behind a poked wait ran after it. */
  private pokedAt: number | null = null;
  private loopDone: Promise<void> = Promise.resolve();

  constructor(
    readonly queue: string,
    private readonly engine: TaskEngine,
    private readonly registry: TaskHandlerRegistry,
    private readonly settings: ConsumerSettings,
    private readonly logger: Logger,
    telemetry: TaskTelemetry,
    events: WorkerEvents,
  ) {
    this.runQueue = new RunQueue<Slot>(
      settings.concurrency,
      (slot) => this.run(slot),
      // Tasks leased ahead that waited behind runs far longer than usual: back to the queue, for another worker.
      (slots) => void this.track(this.handBack(slots)),
    );
    this.ledger = new SlotLedger(() => settings.concurrency + this.runQueue.prefetch);
    this.outage = new OutageReporter(queue, logger, events);
    this.noHandlerWarnings = new NoHandlerWarnings(queue, logger);
    this.deadWarnings = new DeadTaskWarnings(queue, logger);
    this.misplacedWarnings = new MisplacedTaskWarnings(queue, logger);
    this.batcher = new SettleBatcher(
      queue,
      engine,
      this.ledger,
      this.order,
      (count) => this.request(count),
      (call) => this.withRetry(call),
      (reply, sentAt) => this.acceptSettled(reply, sentAt),
      // Not while a fetch waits for news on the waker's own connection: Redis could run the two in either order,
      // and the worker read the later one's tasks first. Whatever this one would take wakes that one instead.
      () => !this.stopping && !this.waitingForNews,
      (outcome, reason) => {
        this.deadOnSettle.delete(outcome);
        this.outage.discarded(outcome.lease.id, reason);
      },
      (outcome) => {
        const warn = this.deadOnSettle.get(outcome);
        if (warn === undefined) return;
        this.deadOnSettle.delete(outcome);
        // Logged a turn later, not in the settle's reply handling: a logger that throws must not break it.
        timers.setImmediate(warn);
      },
      (flush) => void this.track(flush.finally(() => this.ledger.signalIfFree())),
    );
    this.leases = new LeaseKeeper(queue, engine, settings.leaseMs, settings.workerToken, this.ledger, (leases) => this.onLeasesLost(leases), this.outage, logger);
    this.leases.onRecovered = (requeued, dead) => telemetry.metrics?.recovered(queue, requeued, dead);
    this.surroundings = { engine, events, telemetry, logMaxLines: settings.logMaxLines, maxResultBytes: settings.maxResultBytes };
  }

  /** Tasks this consumer holds in its slots now (running or waiting for their handler): for the heartbeat and the health check. */
  get running(): number {
    return Math.max(0, this.ledger.size - this.runQueue.buffered);
  }

  /** Tasks it leased ahead and holds in its buffer, not started yet. */
  get buffered(): number {
    return this.runQueue.buffered;
  }

  /** How long its longest-running attempt has run (ms), or null: for the health check's maxRunningMs. */
  oldestRunningMs(): number | null {
    return this.ledger.oldestRunningMs();
  }

  /** Most tasks of its queue running at once in this process. */
  get concurrency(): number {
    return this.settings.concurrency;
  }

  /** The task names of its queue this app has handlers for. */
  get handlerNames(): readonly string[] {
    return this.settings.handlerNames;
  }

  async start(): Promise<void> {
    this.waker = await this.engine.createWaker(this.queue, this.settings.handlerNames);
    this.leases.start();
    this.loopDone = this.loop();
  }

  /**
   * Stops renewing and recovering at once: a shutdown cut short by a stalled
   * Redis closes the connections under the calls still out (see WorkerHost).
   */
  cutShort(): void {
    this.leases.stop();
  }

  /** Stops fetching, lets running tasks finish for `graceMs`, then aborts and hands back the rest. */
  async stop(graceMs: number): Promise<StopSummary> {
    if (this.stopping) return { finished: 0, handedBack: 0 };
    this.handedBackWhileStopping = 0;
    this.stopping = true;
    this.stoppingSince = timers.monotonicMs();
    this.dueTimer.stop();
    // A fetch waiting for news ends and its reply still arrives: what it took is handed back as it comes (accept).
    const wakerClosed = this.waker?.close();
    this.ledger.wakeWaiter();
    await this.loopDone;
    await wakerClosed;
    const handBackMs = this.shutdownRetryMs();
    const waiting = this.runQueue.drainWaiting();
    await this.handBack(waiting, handBackMs);
    // The attempts given the grace period: those whose lease is still this worker's.
    const running = this.ledger.slots().filter((slot) => !slot.attempt.abandoned);
    const deadline = timers.monotonicMs() + graceMs;
    while (this.ledger.size > 0 && timers.monotonicMs() < deadline) {
      await Promise.race([this.ledger.nextFreed(), sleep(Math.min(100, Math.max(1, deadline - timers.monotonicMs())))]);
    }
    const overran = this.ledger.slots();
    // Slots whose lease was lost already are not the store's to hand back (their handler ignored its signal).
    const cut = overran.filter((slot) => !slot.attempt.abandoned);
    if (cut.length > 0) this.logger.warn(overranGraceLine(this.queue, cut, graceMs));
    await this.handBack(overran, handBackMs);
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    this.leases.stop();
    // Finished: ended within the grace period with the lease still theirs (their outcome recorded, or being recorded).
    const finished = running.filter((slot) => !overran.includes(slot) && !slot.attempt.abandoned).length;
    return { finished, handedBack: this.handedBackWhileStopping };
  }

  private request(count: number): FetchRequest {
    const { workerToken, leaseMs, handlerLimits, handlerNames } = this.settings;
    // Tasks past the free slots wait in the buffer: leased ahead, their attempt is not counted by a
    // recovery (once per task) if this process dies before running them. Another fetch in flight may
    // take some of these slots first; its tasks are then counted as the ones that start at once.
    return { count, startNow: Math.min(count, this.runQueue.freeSlots), workerToken, leaseMs, handlerLimits, handlerNames };
  }

  private async loop(): Promise<void> {
    let pause = 0;
    let afterNews = false;
    while (!this.stopping) {
      try {
        if (this.ledger.free() <= 0) {
          await this.ledger.nextFreed();
          continue;
        }
        const asked = this.ledger.free();
        const { got, broken } = await this.fetch(asked, afterNews);
        // The queue had less than asked: the next fetch waits for news. Broken entries
        // were moved out of the way: what is behind them is fetched at once, not after a wait.
        afterNews = got < asked && broken === 0;
        // The tasks just fetched start first: their pipelines (guards, interceptors,
        // pipes) take a few microtask hops before the handler runs, and a fetch sent
        // meanwhile would hold them up by its socket writes, tens of microseconds
        // each on a loaded machine. The wait for news begins one event-loop turn later.
        if (afterNews && got > 0) await nextTurn();
        pause = 0;
        this.outage.recovered('fetch');
      } catch (error) {
        if (this.stopping) break;
        afterNews = false;
        this.outage.failed('fetch', error, `fetching failed (${error instanceof Error ? error.message : String(error)}); retrying`);
        pause = Math.min(2_000, pause ? pause * 2 : 100);
        await sleep(pause);
      }
    }
  }

  /**
   * Fetches up to `count` tasks (once the queue has news, when `afterNews`) and
   * starts them; returns how many came, and how many broken entries were met.
   */
  private async fetch(count: number, afterNews = false): Promise<{ got: number; broken: number }> {
    this.ledger.reserve(count);
    const sent = this.ledger.fetchSent();
    try {
      const request = this.request(count);
      if (afterNews) {
        const reply = await this.track(this.fetchAfterNews(request));
        // A wait can end long after it was sent, so only a poke of this consumer's
        // dates its fetch: it ran after the poke (or, woken by news before it, earlier
        // still, when counting from the poke is still no later than from the reply).
        return { got: this.accept(reply, this.pokedAt ?? undefined), broken: reply.brokenIds.length };
      }
      const sentAt = timers.monotonicMs();
      const { ticket, reply } = await this.track(this.order.send(() => this.engine.fetch(this.queue, request)));
      return { got: await this.order.deliver(ticket, () => this.accept(reply, sentAt)), broken: reply.brokenIds.length };
    } finally {
      this.ledger.fetchDone(sent);
      this.ledger.unreserve(count);
      this.ledger.signalIfFree();
    }
  }

  private async fetchAfterNews(request: FetchRequest): Promise<FetchReply> {
    this.waitingForNews = true;
    this.pokedAt = null;
    try {
      return await this.waker!.fetchAfterNews(request, IDLE_CHECK_MS);
    } finally {
      this.waitingForNews = false;
    }
  }

  /** `since`: the earliest moment the store can have answered (see DueTimer.arm); unknown: now. */
  private accept(reply: FetchReply, since?: number): number {
    if (reply.brokenIds.length > 0) this.logger.warn(brokenEntriesLine(this.queue, reply.brokenIds));
    if (reply.nextDueInMs !== null) this.dueTimer.arm(reply.nextDueInMs, since);
    const slots = reply.tasks.map((task) => {
      const slot: Slot = { task, handler: this.registry.get(task.name), attempt: new AttemptState(new LazyAbort()) };
      // The task's earlier attempt still runs here: its lease was taken back (the store refused renewals).
      const superseded = this.ledger.add(slot);
      if (superseded) this.loseLease(superseded);
      return slot;
    });
    if (this.stopping) {
      // Tracked: the stop waits for this hand-back as for its own.
      void this.track(this.handBack(slots));
    } else {
      for (const slot of slots) this.runQueue.offer(slot);
    }
    return reply.tasks.length;
  }

  /** A settle's fetch half: when it met broken entries, what is behind them is fetched at once. */
  private acceptSettled(reply: FetchReply, sentAt: number): void {
    this.accept(reply, sentAt);
    if (reply.brokenIds.length > 0 && !this.stopping) timers.setImmediate(() => this.onDue());
  }

  private run(slot: Slot): void {
    if (slot.attempt.abandoned) {
      // Its lease was lost while it waited in the buffer: the store gave the task to another attempt.
      this.ledger.drop(slot.task.lease);
      this.ledger.signalIfFree();
      this.runQueue.finished(slot, null);
      return;
    }
    slot.runningSince = timers.monotonicMs();
    // The outcome is queued first (record): its flush must be scheduled before
    // the start of buffered tasks, so it leaves for the store before they run.
    void runObservedAttempt(this.surroundings, this.queue, slot.task, slot.handler, slot.attempt, (run, outcome) => this.record(slot, run, outcome)).then(
      (ms) => this.runQueue.finished(slot, ms),
    );
  }

  /** Queues the outcome for the settle batch of this event-loop turn; returns it (null when the attempt was abandoned). */
  private record(slot: Slot, run: RunOutcome, outcome: AttemptOutcome): AttemptOutcome | null {
    const { task } = slot;
    if (slot.attempt.abandoned) {
      this.ledger.drop(task.lease);
      this.ledger.signalIfFree();
      return null;
    }
    // A payload that cannot be read has a line of its own, not the dead-task one.
    const poison = run.kind === 'failed' && run.poison === true;
    if (poison) this.logger.warn(`queue '${this.queue}': task ${task.id} (${task.name}) cannot be run: ${run.error.message}; moved to dead`);
    if (!slot.handler) {
      this.noHandlerWarnings.warn(task.name, task.id);
    } else {
      if (slot.handler.queue !== this.queue) this.misplacedWarnings.warn(task.id, slot.handler);
      // Said once the settle is taken: a lease lost meanwhile means the task is not dead but runs again.
      if (!poison && outcome.kind === 'failed' && outcome.then.action === 'dead') {
        const error = outcome.error;
        this.deadOnSettle.set(outcome, () => this.deadWarnings.warn(task, error));
      }
    }
    this.batcher.add(outcome);
    return outcome;
  }

  /** A settle, retried through an outage (see keepRecording). */
  private withRetry<T>(call: () => Promise<T>): Promise<T | null> {
    return this.outage.retry(
      'settle',
      () => this.track(call()),
      (error, failingSince) => this.keepRecording(error, failingSince),
      'could not record a task outcome; its lease will run out and the task will be taken back, this attempt counted',
    );
  }

  /**
   * Whether a settle that keeps failing is tried again. While Redis is out of
   * reach the outcome waits for it however long the outage lasts: the lease
   * stays listed in every renewal, so the first call that gets through keeps
   * it this worker's and the settle records the run as it happened (unless the
   * lease was recovered first, which counts the attempt). When Redis answers
   * with an error (out of memory, a slot moving), for at most a lease; during
   * a shutdown, for the shutdown's bound, so a worker stopped in an outage exits.
   */
  private keepRecording(error: unknown, failingSince: number): boolean {
    const now = timers.monotonicMs();
    if (this.stoppingSince !== null) return now - Math.max(failingSince, this.stoppingSince) < this.shutdownRetryMs();
    return error instanceof RedisUnavailableError || now - failingSince < this.settings.leaseMs;
  }

  /** How long a shutdown retries a call through an outage: at most a lease, after which recovery takes the tasks anyway. */
  private shutdownRetryMs(): number {
    return Math.min(this.settings.leaseMs, SHUTDOWN_HAND_BACK_MS);
  }

  /**
   * Aborts the slots' attempts and hands their tasks back without counting the
   * attempt, retrying through an outage for `retryMs` (a lease, after which
   * recovery takes them anyway; at shutdown, less, so that a worker stopped
   * while Redis is down still exits: its tasks are then recovered when their
   * leases run out, the attempt counted, as after a crash).
   */
  private async handBack(slots: Slot[], retryMs = this.settings.leaseMs): Promise<void> {
    if (slots.length === 0) return;
    for (const slot of slots) {
      slot.attempt.abandon(new TaskAbortedError(slot.task.id, 'shutdown'));
      this.ledger.drop(slot.task.lease);
    }
    const leases = slots.map((s) => s.task.lease);
    // Until the release below gets through, a renewal neither extends these leases nor reports them as
    // leases this worker never received (and hands them back itself, logging them as such).
    this.ledger.notRecorded(leases);
    const giveUp = `could not hand ${leases.length} task(s) back; their leases will run out and they will be taken back, the attempt counted`;
    const released = await this.outage.retry('release', () => this.track(this.engine.release(this.queue, leases)), (_error, failingSince) => timers.monotonicMs() - failingSince < retryMs, giveUp);
    // What the store took back (a lease it no longer held is not counted), for the shutdown's line.
    if (this.stopping) this.handedBackWhileStopping += released ?? 0;
  }

  private onLeasesLost(leases: readonly Lease[]): void {
    for (const { id, token } of leases) {
      const slot = this.ledger.get(id);
      // A slot of the same task under a newer lease (fetched again since) keeps running.
      if (!slot || slot.attempt.abandoned || slot.task.lease.token !== token) continue;
      this.loseLease(slot);
    }
  }

  /** Aborts an attempt whose lease is no longer this worker's: its outcome would be refused. */
  private loseLease(slot: Slot): void {
    if (slot.attempt.abandoned) return;
    const error = new TaskAbortedError(slot.task.id, 'lease-lost');
    // From the untraced lease keeper: a handler's abort listener is the app's code, traced as usual.
    traced(() => slot.attempt.abandon(error));
    this.outage.emit('lease', error, slot.task.id);
  }

  private onDue(): void {
    if (this.stopping) return;
    // The fetch waiting for news holds the free slots; ended now, it takes the due task.
    if (this.waitingForNews) {
      this.pokedAt ??= timers.monotonicMs();
      this.waker?.poke();
      return;
    }
    const count = this.ledger.free();
    // With no free slot, the next settle fetches the due task anyway.
    if (count > 0) this.fetch(count).catch((error: unknown) => this.outage.failed('fetch', error, `fetching a due task failed (${String(error)})`));
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.pending.add(promise);
    const forget = () => this.pending.delete(promise);
    promise.then(forget, forget);
    return promise;
  }
}

/** The shutdown's one line about the attempts it stopped: a handed-back task otherwise shows only as waiting again. */
function overranGraceLine(queue: string, slots: readonly Slot[], graceMs: number): string {
  const ids = idList(slots.map((s) => s.task.id));
  return `queue '${queue}': ${slots.length} task(s) still running when the shutdown grace period (${graceMs} ms) ended were aborted and are handed back, attempt not counted: ${ids}`;
}
