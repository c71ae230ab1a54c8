import type { RegisteredHandler } from '../discovery/task-handler.registry.js';
import { HandlerGates } from './handler-gates.js';
import { timers } from '../timers/own-timers.js';

/** What the run queue needs of a fetched task. */
export interface Schedulable {
  handler: RegisteredHandler | undefined;
  /** The task as fetched: the length of its payload's JSON when large. */
  task?: { payloadChars?: number };
}

/** Handler runs shorter than this on average make prefetching pay. */
const SHORT_RUN_MS = 10;
/** About how much work, by the handlers' average run time, a worker leases ahead of its free slots. */
const PREFETCH_WORK_MS = 20;
/** Most tasks that rule leases ahead (a worker whose concurrency is higher prefetches its concurrency). */
const MAX_PREFETCH = 64;
/**
 * About how many characters of payload JSON the tasks leased ahead may hold, by the recent payloads'
 * average size: 64 tasks of 20 MB, leased ahead of quick runs, held 1.7 GB of heap.
 */
export const PREFETCH_PAYLOAD_CHARS = 8 * 1024 * 1024;
/**
 * How long buffered tasks may wait while no run ends (every slot held by a
 * run far longer than the average) before they go back to the queue, where
 * another worker can take them: the buffer holds about PREFETCH_WORK_MS of
 * work, so a wait this long means the runs in the slots are not like the
 * ones the buffer was sized by.
 */
export const BUFFER_HOLD_MS = 1_000;
/** How often the hold is looked at while tasks wait in the buffer: a hand-back comes within BUFFER_HOLD_MS and one look more. */
const HOLD_LOOKS = 4;

/**
 * Decides when fetched tasks start. At most `concurrency` run (or wait for
 * their handler's own limit) at once; when handlers are short, more wait in a
 * local buffer, so the next tasks start the moment slots free instead of after
 * the round trip that settles the previous ones, and a settle carries the
 * outcomes of many tasks. The buffer holds about PREFETCH_WORK_MS of work (at
 * least `concurrency` tasks, at most MAX_PREFETCH beyond that unless the
 * concurrency is higher), so a task of higher priority enqueued meanwhile waits
 * behind that much at most. Long handlers get no buffer: a buffered task is one
 * another worker cannot take. When no run ends for BUFFER_HOLD_MS while tasks
 * wait in the buffer (slow runs of a handler that is mostly quick hold every
 * slot), the buffer is handed back and none is kept until a run ends.
 */
export class RunQueue<T extends Schedulable> {
  private readonly gates = new HandlerGates<T>();
  private readonly buffer: T[] = [];
  private running = 0;
  private averageRunMs = SHORT_RUN_MS * 10;
  /** Recent payloads' average JSON length (0 while all are small): bounds the buffer by PREFETCH_PAYLOAD_CHARS. */
  private averagePayloadChars = 0;
  private drainScheduled = false;
  /** Runs ended so far: the hold timer tells from it whether any ended while it waited. */
  private runsEnded = 0;
  private holdTimer: ReturnType<typeof timers.setTimeout> | null = null;
  /** Looks in a row that found tasks waiting in the buffer and no run ended since the look before. */
  private stillLooks = 0;
  /** Tasks a fetch already on its way brought while the buffer was held back: handed back together, at the turn's end. */
  private refused: T[] = [];
  /** The buffer was handed back for waiting too long: none is kept until a run ends. */
  private heldBack = false;

  constructor(
    private readonly concurrency: number,
    private readonly start: (item: T) => void,
    /** Takes buffered tasks that waited BUFFER_HOLD_MS while no run ended, to hand them back to the queue. */
    private readonly handBack: (items: T[]) => void = () => undefined,
  ) {}

  /** Tasks leased ahead and waiting here for a slot. */
  get buffered(): number {
    return this.buffer.length;
  }

  /** Slots a task arriving now would start in at once: neither running nor promised to a buffered task. */
  get freeSlots(): number {
    return Math.max(0, this.concurrency - this.running - this.buffer.length);
  }

  /** How many tasks may be held beyond the running ones now. */
  get prefetch(): number {
    if (this.heldBack || this.averageRunMs >= SHORT_RUN_MS) return 0;
    // Durations are whole milliseconds: an average near 0 means "well under one".
    const byWork = Math.round((this.concurrency * PREFETCH_WORK_MS) / Math.max(this.averageRunMs, 0.1));
    const prefetch = Math.max(this.concurrency, Math.min(MAX_PREFETCH, byWork));
    return this.averagePayloadChars === 0 ? prefetch : Math.min(prefetch, Math.floor(PREFETCH_PAYLOAD_CHARS / this.averagePayloadChars));
  }

  /**
   * Starts the task, or keeps it until a slot (or its handler) frees up.
   * Tasks come in the order they are to run: slots freed since the last
   * drain go to the tasks waiting in the buffer first, or a fetch reply
   * landing before that drain would start newer tasks, of lower priority
   * too, ahead of older ones.
   */
  offer(item: T): void {
    const chars = item.task?.payloadChars ?? 0;
    // Large payloads count at once (the next fetch is sized by them), small ones fade them out.
    if (chars > this.averagePayloadChars || this.averagePayloadChars > 0) {
      this.averagePayloadChars = chars > this.averagePayloadChars ? chars : Math.floor(this.averagePayloadChars + (chars - this.averagePayloadChars) / 8);
    }
    while (this.running < this.concurrency && this.buffer.length > 0) this.startNow(this.buffer.shift()!);
    if (this.running < this.concurrency) {
      this.startNow(item);
      return;
    }
    // Back to the queue, not charged an attempt, for any worker: what a fetch sent before a hand-back brings
    // (a fetch waiting for news, which the hand-back's own wake ended; kept, this worker would lease again
    // what it handed back for others), and what would hold the buffer over its payload bound (a fetch sized
    // while payloads were small).
    if (this.heldBack || (chars > 0 && this.bufferedChars() + chars > PREFETCH_PAYLOAD_CHARS)) {
      this.refuse(item);
      return;
    }
    this.buffer.push(item);
    this.watchBuffer();
  }

  /** Hands the task back with the others refused in this turn, together at the turn's end. */
  private refuse(item: T): void {
    if (this.refused.push(item) === 1) timers.setImmediate(() => this.handBack(this.refused.splice(0)));
  }

  /** The payload characters the buffer holds (counted only while large payloads come: the buffer is short). */
  private bufferedChars(): number {
    let chars = 0;
    for (const item of this.buffer) chars += item.task?.payloadChars ?? 0;
    return chars;
  }

  /**
   * Hands the buffer back once tasks have waited in it for BUFFER_HOLD_MS with
   * no run ending: one timer, looking HOLD_LOOKS times per hold while tasks
   * wait, so a wait is measured from about when it began, not from a look armed
   * during an earlier one.
   */
  private watchBuffer(): void {
    if (this.holdTimer !== null) return;
    let ended = this.runsEnded;
    this.stillLooks = 0;
    const look = () => {
      this.holdTimer = null;
      if (this.buffer.length === 0) return;
      this.stillLooks = this.runsEnded === ended ? this.stillLooks + 1 : 0;
      ended = this.runsEnded;
      if (this.stillLooks < HOLD_LOOKS) {
        this.holdTimer = timers.setTimeout(look, BUFFER_HOLD_MS / HOLD_LOOKS);
        this.holdTimer.unref();
        return;
      }
      this.heldBack = true;
      this.handBack(this.buffer.splice(0));
    };
    this.holdTimer = timers.setTimeout(look, BUFFER_HOLD_MS / HOLD_LOOKS);
    this.holdTimer.unref();
  }

  private startNow(item: T): void {
    this.running += 1;
    if (this.gates.tryEnter(item.handler, item)) this.start(item);
  }

  /**
   * A run ended after `ms` (null: the task was not run, and says nothing of
   * how long runs take): its slot goes to the next task of the same
   * handler, or to a buffered one. Buffered tasks start on the next turn of
   * the event loop, after the outcomes of this turn have left for Redis: the
   * worker then runs them while Redis records those, instead of each waiting
   * for the other.
   */
  finished(item: T, ms: number | null): void {
    this.runsEnded += 1;
    this.heldBack = false;
    if (ms !== null) this.averageRunMs += (ms - this.averageRunMs) / 8;
    const next = this.gates.leave(item.handler);
    if (next !== undefined) {
      this.start(next);
      return;
    }
    this.running -= 1;
    if (this.buffer.length > 0 && !this.drainScheduled) {
      this.drainScheduled = true;
      timers.setImmediate(() => {
        this.drainScheduled = false;
        while (this.running < this.concurrency && this.buffer.length > 0) this.startNow(this.buffer.shift()!);
      });
    }
  }

  /** Takes every task that has not started out (at shutdown, to hand them back). */
  drainWaiting(): T[] {
    if (this.holdTimer !== null) timers.clearTimeout(this.holdTimer);
    this.holdTimer = null;
    const waiting = [...this.buffer, ...this.gates.drainHeld()];
    this.running -= waiting.length - this.buffer.length;
    this.buffer.length = 0;
    return waiting;
  }
}
