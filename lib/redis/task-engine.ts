import type { BackoffOptions } from '../interfaces/backoff-options.interface.js';
import type { TaskCounts, TaskInfo } from '../interfaces/task-info.interface.js';
import type { TaskRef } from '../interfaces/task-ref.interface.js';

// The seam between the Nest-facing code and the store. Producer and worker
// speak only these operations; nothing above this file builds a Redis command.

/** A validated, encoded task ready to store. */
export interface NewTask {
  /** The task's id: the caller's idempotency key, or one the producer generated (required by the store). */
  id: string | undefined;
  name: string;
  payloadJson: string;
  priority: number;
  delayMs: number;
  /** Absolute due time in epoch ms, or null. */
  runAt: number | null;
  maxAttempts: number;
  backoff: BackoffOptions | null;
  /** 0 = no limit. */
  timeoutMs: number;
}

/** Result of adding one task. */
export interface AddResult {
  ref: TaskRef;
  /** false when a task with that id already existed (nothing was added). */
  created: boolean;
}

/** A task handed to a worker, with the lease it holds. */
export interface FetchedTask {
  id: string;
  name: string;
  payloadJson: string;
  /** 1-based attempt this run is. */
  attempt: number;
  maxAttempts: number;
  backoff: BackoffOptions | null;
  timeoutMs: number;
  leaseToken: string;
}

/** What a fetch (or the fetch half of a settle) returns. */
export interface FetchReply {
  tasks: FetchedTask[];
  /** Ids found queued without a usable record: moved to dead or dropped. */
  brokenIds: string[];
  /** Ms until the earliest delayed task is due (Redis time), or null if none. */
  nextDueInMs: number | null;
}

/** A settle's outcome plus the next tasks it fetched. */
export interface SettleReply extends FetchReply {
  /** Per outcome, in order: false when the lease was no longer the caller's (the task was recovered elsewhere). */
  settled: boolean[];
}

/** Who fetches and how much: the fetch half of fetch/settle calls. */
export interface FetchRequest {
  count: number;
  workerToken: string;
  leaseMs: number;
}

/** A lease a worker holds on a running task. */
export interface Lease {
  id: string;
  token: string;
}

/** What becomes of a failed attempt. */
export type FailOutcome = { action: 'retry'; delayMs: number } | { action: 'dead' };

/** How one attempt ended, for `settle`. */
export type AttemptOutcome =
  | { lease: Lease; kind: 'completed'; resultJson: string }
  | { lease: Lease; kind: 'failed'; errorJson: string; then: FailOutcome };

/** A task's state as seen by waitFor. */
export type FinalState = { state: 'completed'; resultJson: string } | { state: 'dead'; errorJson: string };

/** Blocks until a queue has news (a task added, or another worker passing a wake-up on). */
export interface QueueWaker {
  /** Resolves on news or after timeoutMs; rejects once closed. */
  wait(timeoutMs: number): Promise<void>;
  close(): void;
}

/** The store behind TaskQueue and the worker host. */
export interface TaskEngine {
  /**
   * Adds tasks. Rejects with RedisUnavailableError (naming where the store is,
   * never credentials) when the store cannot be reached.
   */
  add(items: ReadonlyArray<{ queue: string; task: NewTask }>): Promise<AddResult[]>;
  fetch(queue: string, request: FetchRequest): Promise<FetchReply>;
  /** Records a batch of attempt outcomes of one worker and fetches its next tasks, atomically. */
  settle(queue: string, outcomes: readonly AttemptOutcome[], next: FetchRequest): Promise<SettleReply>;
  release(queue: string, leases: readonly Lease[]): Promise<number>;
  /**
   * Extends the worker's leases; returns the ids it no longer holds, and how many tasks leased to its
   * token but unknown to it (a lost fetch reply) older than `orphanAgeMs` were handed back.
   */
  renew(queue: string, workerToken: string, leases: readonly Lease[], leaseMs: number, orphanAgeMs: number): Promise<{ lost: string[]; orphans: number }>;
  recover(queue: string): Promise<{ requeued: number; dead: number }>;
  progress(queue: string, lease: Lease, progressJson: string): Promise<boolean>;
  get(queue: string, id: string): Promise<TaskInfo | null>;
  cancel(queue: string, id: string): Promise<boolean>;
  retry(queue: string, id: string): Promise<boolean>;
  counts(queue: string): Promise<TaskCounts>;
  /** Marks a task as awaited and returns its final state if it has one (null: pending; undefined: no such task). */
  watch(queue: string, id: string): Promise<FinalState | null | undefined>;
  /**
   * Calls `listener` with final states of awaited tasks of `queue`, and `onGap`
   * when some may have been missed (after a reconnect); returns the unsubscribe function.
   */
  onFinal(queue: string, listener: (id: string, state: FinalState) => void, onGap: () => void): Promise<() => Promise<void>>;
  createWaker(queue: string): Promise<QueueWaker>;
}
