import type { BackoffOptions } from '../interfaces/backoff-options.interface.js';
import type { TaskCounts, TaskInfo } from '../interfaces/task-info.interface.js';
import type { TaskRef } from '../interfaces/task-ref.interface.js';
import type { TaskState } from '../interfaces/task-state.js';
import type { EventStreamReader } from '../redis/event-stream-reader.js';

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
  /** Ids (in the same queue) that must complete first. */
  dependsOn: string[];
  dependencyFailure: 'dead' | 'run';
  /** Encoded retention of this task: '' (defaults), '1' (remove at once) or '<age>,<count>' (-1 = unset). */
  removeOnComplete: string;
  removeOnDead: string;
}

/** The error of the items of a batch refused because of another item of it. */
export const REFUSED_WITH_BATCH = 'not added: another task of the same batch was refused';

/** Result of adding one task. */
export interface AddResult {
  ref: TaskRef;
  /** false when a task with that id already existed (nothing was added). */
  created: boolean;
  /** Why the task could not be added (nothing was written for it), e.g. a missing dependency. */
  error?: string;
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
  /** Fleet-wide handler limits this worker knows: 'name=limit;...' ('' = none). */
  handlerLimits: string;
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
  | { lease: Lease; kind: 'failed'; errorJson: string; then: FailOutcome }
  /** The handler was rate limited: put back after delayMs without using the attempt. */
  | { lease: Lease; kind: 'limited'; errorJson: string; delayMs: number };

/** A task's state as seen by waitFor. */
export type FinalState = { state: 'completed'; resultJson: string } | { state: 'dead'; errorJson: string };

/** What watch returns for an existing task. */
export interface WatchedTask {
  /** The final state, or null while the task is not finished. */
  final: FinalState | null;
  /** The id of the queue's newest event when the task was read: a reader starting there misses none after. */
  lastEventId: string;
}

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
  /** Marks a task as awaited (its final event is written even with events off) and reads it; undefined: no such task. */
  watch(queue: string, id: string): Promise<WatchedTask | undefined>;
  /** A reader of the queue's event stream on a connection of its own. */
  openEventReader(queue: string): Promise<EventStreamReader>;
  /**
   * The id of the queue's newest event ('0-0' when none), read on the command
   * connection: ordered before any later enqueue of this process.
   */
  lastEventId(queue: string): Promise<string>;
  createWaker(queue: string): Promise<QueueWaker>;
  /** Tasks in one state, oldest first (waiting: in the order they will run), a page at a time. */
  list(queue: string, state: TaskState, offset: number, limit: number): Promise<TaskInfo[]>;
  pause(queue: string): Promise<void>;
  resume(queue: string): Promise<void>;
  /** Results of a task's completed dependencies, by dependency id. */
  dependencyResults(queue: string, id: string): Promise<Record<string, unknown>>;
}
