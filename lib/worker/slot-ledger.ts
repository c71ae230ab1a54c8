import type { RegisteredHandler } from '../discovery/task-handler.registry.js';
import type { FetchedTask, Lease } from '../engine/attempt.js';
import type { UnnamedLease } from '../engine/task-engine.js';
import type { AttemptState } from '../execution/attempt-state.js';
import { timers } from '../timers/own-timers.js';
import { RecentOutcomes } from './recent-outcomes.js';

/** A fetched task this worker holds a lease on: running, buffered, or waiting for its handler. */
export interface Slot {
  task: FetchedTask;
  handler: RegisteredHandler | undefined;
  /** Its `abandoned` is set when the outcome no longer matters: handed back at shutdown, or lease lost. */
  attempt: AttemptState;
  /** When its attempt began to run here (local ms); undefined while it waits in the buffer. */
  runningSince?: number;
}

/**
 * One consumer's slots, counted in one place. A slot is free, reserved for a
 * fetch in flight, held by a task, or held by a finished task until the
 * settle that records it has fetched a task in its place; leases stay the
 * worker's (and are renewed) until their outcome is recorded.
 */
export class SlotLedger {
  private readonly held = new Map<string, Slot>();
  /**
   * Slots whose task this worker fetched again while their attempt still ran
   * (its lease was taken back meanwhile: the store was out of reach or refused
   * renewals), by lease token. Aborted as lease-lost, they hold their slot
   * until the handler returns, apart from the new attempt's.
   */
  private readonly superseded = new Map<string, Slot>();
  /** Outcomes queued or on their way to the store: their leases are still this worker's. */
  private readonly recording = new Map<string, { lease: Lease; startedAt: number }>();
  /**
   * Leases of tasks that ran but whose outcome the store never took (it stayed
   * out of reach or refused too long): still the worker's in the store until
   * recovery takes them, which counts the attempt. Renewals name them so they
   * are not handed back as orphans, which would refund an attempt that ran.
   */
  private readonly unrecorded = new Map<string, Lease>();
  private reserved = 0;
  /** Slots of finished tasks, kept for the fetch half of the settle that records them. */
  private heldForSettle = 0;
  /** Who waits for a slot to free up (the fetch loop), if anyone. */
  private waiter: (() => void) | null = null;
  /** When each call that fetches and is still in flight was sent (local ms), by handle, oldest first. */
  private readonly fetchesInFlight = new Map<number, number>();
  private nextFetch = 0;

  /** The latest outcomes the store took (see RecentOutcomes). */
  private readonly finished = new RecentOutcomes();

  /** `capacity()` is how many tasks the worker may hold now (concurrency plus any prefetch). */
  constructor(private readonly capacity: () => number) {}

  /** Slots neither held nor reserved. */
  free(): number {
    return this.capacity() - this.held.size - this.superseded.size - this.reserved;
  }

  /** Reserves slots for a fetch in flight. */
  reserve(count: number): void {
    this.reserved += count;
  }

  /** Gives back a fetch's reservation once its reply is in (the tasks it brought are added on their own). */
  unreserve(count: number): void {
    this.reserved -= count;
  }

  /**
   * A fetched task now holds a slot. Returns the slot of an attempt of the
   * same task still running here under an older lease, which the store took
   * back before leasing the task again: the caller aborts it.
   */
  add(slot: Slot): Slot | null {
    const { id, token } = slot.task.lease;
    // Fetched again: the store took the old lease back.
    this.unrecorded.delete(id);
    const previous = this.held.get(id);
    this.held.set(id, slot);
    if (!previous || previous.task.lease.token === token) return null;
    this.superseded.set(previous.task.lease.token, previous);
    return previous;
  }

  get(id: string): Slot | undefined {
    return this.held.get(id);
  }

  /** Tasks held, a superseded attempt still running included. */
  get size(): number {
    return this.held.size + this.superseded.size;
  }

  /** Every slot held by a task (not the superseded ones, already aborted). */
  slots(): Slot[] {
    return [...this.held.values()];
  }

  /**
   * How long the longest-running attempt held here has run (ms), or null when none runs. An abandoned one
   * counts: a handler that ignores its signal after its lease was lost holds its slot as long as it runs.
   */
  oldestRunningMs(now = timers.monotonicMs()): number | null {
    let oldest: number | null = null;
    for (const slot of [...this.held.values(), ...this.superseded.values()]) {
      if (slot.runningSince !== undefined && (oldest === null || slot.runningSince < oldest)) oldest = slot.runningSince;
    }
    return oldest === null ? null : Math.round(now - oldest);
  }

  /** The slot of `lease` ends without an outcome to record (abandoned or handed back). */
  drop(lease: Lease): void {
    if (this.held.get(lease.id)?.task.lease.token === lease.token) this.held.delete(lease.id);
    else this.superseded.delete(lease.token);
  }

  /**
   * A task finished: its slot is kept for the settle that records `lease`,
   * whose lease stays this worker's until then. A superseded attempt's slot
   * just ends (its lease is gone; the store will refuse the outcome).
   */
  finish(lease: Lease): void {
    if (this.superseded.delete(lease.token)) return;
    const slot = this.held.get(lease.id);
    const own = slot?.task.lease.token === lease.token;
    this.recording.set(lease.id, { lease, startedAt: own ? slot.task.startedAt : 0 });
    if (own) this.held.delete(lease.id);
    this.reserved += 1;
    this.heldForSettle += 1;
  }

  /**
   * Turns the slots kept for a settle into the reservation of its fetch half:
   * returns how many tasks that settle may fetch (none when `fetching` is false).
   */
  claimForSettle(fetching: boolean): number {
    this.reserved -= this.heldForSettle;
    this.heldForSettle = 0;
    const count = fetching ? Math.max(0, this.free()) : 0;
    this.reserved += count;
    return count;
  }

  /**
   * A settle's reply is in (or it gave up): its outcomes are no longer on their way and its fetch reservation
   * is given back. `used`: those the store took that used their attempt (completed or failed).
   */
  recorded(leases: readonly Lease[], fetchCount: number, used: readonly Lease[] = []): void {
    for (const lease of used) {
      const recording = this.recording.get(lease.id);
      if (recording?.lease.token === lease.token) this.finished.add(lease, recording.startedAt);
    }
    // By token: an outcome of an older lease of the task must not end the recording of a newer one.
    for (const lease of leases) if (this.recording.get(lease.id)?.lease.token === lease.token) this.recording.delete(lease.id);
    this.reserved -= fetchCount;
  }

  /**
   * Splits leases a renewal found still this worker's in the store though it named none of them: runs
   * whose outcome it recorded, which the store lost since, and fetch replies it never received.
   */
  splitUnnamed(unnamed: readonly UnnamedLease[]): { finished: UnnamedLease[]; neverReceived: UnnamedLease[] } {
    return this.finished.split(unnamed);
  }

  /** A settle gave up on these outcomes: their leases are kept apart (see `unrecorded`) until the store takes them back. */
  notRecorded(leases: readonly Lease[]): void {
    for (const lease of leases) this.unrecorded.set(lease.id, lease);
  }

  /** Leases whose outcome was never recorded and that the store may still hold for this worker. */
  unrecordedLeases(): Lease[] {
    return [...this.unrecorded.values()];
  }

  /** A renewal found these leases no longer this worker's: those among the unrecorded ones are done with. */
  forgetUnrecorded(leases: readonly Lease[]): void {
    for (const lease of leases) if (this.unrecorded.get(lease.id)?.token === lease.token) this.unrecorded.delete(lease.id);
  }

  /** Every lease still this worker's: held by a task that is not abandoned, or waiting to be recorded. */
  leases(): Lease[] {
    const leases: Lease[] = [];
    for (const slot of this.held.values()) if (!slot.attempt.abandoned) leases.push(slot.task.lease);
    for (const { lease } of this.recording.values()) leases.push(lease);
    return leases;
  }

  /** A call that fetches (fetch, or a settle that fetches) is sent; returns its handle for fetchDone. */
  fetchSent(): number {
    const handle = this.nextFetch++;
    this.fetchesInFlight.set(handle, timers.monotonicMs());
    return handle;
  }

  /** That call's reply is in and its tasks are added (or it failed). */
  fetchDone(handle: number): void {
    this.fetchesInFlight.delete(handle);
  }

  /**
   * When the oldest fetching call still in flight was sent, or null. The store
   * may already have leased its tasks to this worker while its reply waits to
   * be read: the lease keeper must not take those for orphans.
   */
  oldestFetchSentAt(): number | null {
    for (const sentAt of this.fetchesInFlight.values()) return sentAt;
    return null;
  }

  /** Resolves the next time signalIfFree finds a free slot (or at once on wakeWaiter). */
  nextFreed(): Promise<void> {
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  /** Wakes whoever waits for a slot, when one is free now. */
  signalIfFree(): void {
    if (this.free() > 0) this.wakeWaiter();
  }

  /** Wakes whoever waits for a slot, free or not (the worker is stopping). */
  wakeWaiter(): void {
    const resolve = this.waiter;
    this.waiter = null;
    resolve?.();
  }
}
