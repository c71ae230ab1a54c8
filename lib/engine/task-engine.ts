import type { TaskCounts, TaskErrorInfo, TaskInfo } from '../interfaces/task-info.interface.js';
import type { TaskState } from '../interfaces/task-state.js';
import type { WorkerInfo } from '../interfaces/worker-info.interface.js';
import type { AttemptOutcome, FetchReply, FetchRequest, Lease, SettleReply } from './attempt.js';
import type { EventReader, QueueWaker } from './event-reader.js';
import type { AddResult, QueuedTask } from './new-task.js';
import type { TaskInsights } from './task-insights.js';
import type { TaskMaintenance } from './task-maintenance.js';

// The port between the Nest-facing code and a store. The producer, the worker,
// the events and the scheduler speak only these operations, in plain values:
// ids, epoch ms, parsed results and errors. User values (payloads, results,
// progress) go in as JSON text, since their callers must check that they
// encode; everything that comes back is parsed.

/** How many tasks of a state a name-filtered list looks at, from the front: it bounds the cost of a filtered page. */
export const NAME_SCAN_WINDOW = 10_000;

/** A finished task's outcome, as waitFor sees it. */
export type FinalState = { state: 'completed'; result: unknown } | { state: 'dead'; error: TaskErrorInfo };

/** A lease the store holds for a worker that the worker did not name when it renewed. */
export interface UnnamedLease extends Lease {
  /** When its attempt started (epoch ms, store time): with the id and token, it names the lease exactly. */
  startedAt: number;
}

/** What `remove` took: an unfinished task or a finished one; null when it removed nothing. */
export type RemovedTask = 'unfinished' | 'finished' | null;

/** What watch returns for an existing task. */
export interface WatchedTask {
  /** The final state, or null while the task is not finished. */
  final: FinalState | null;
  /** The id of the queue's newest event when the task was read: a reader starting there misses none after. */
  lastEventId: string;
}

/** What one recovery took back. */
export interface RecoverResult {
  requeued: number;
  dead: number;
  /** The ids moved to dead, for the warning that names them. */
  deadIds: string[];
  /** The workers whose leases ran out (their instanceId, as workers() listed them). */
  workers: string[];
  /**
   * Tasks leased ahead of a free slot (FetchRequest.startNow), which may never have started: put back in
   * their place in waiting without counting the attempt, once per task. Not in `requeued`.
   */
  unstarted: number;
}

/** The task store behind TaskQueue, the worker host and the event followers (task logs, probes and bulk operations: TaskMaintenance; throughput, history and relations: TaskInsights). */
export interface TaskEngine extends TaskMaintenance, TaskInsights {
  /**
   * Resolves once the store can be used: at bootstrap, when its connections
   * are made (rejecting as the store's bootstrap fails, within
   * connectTimeoutMs); at once after that. What uses the store from a
   * bootstrap hook waits for it first, so the store's own wait and its error
   * are what bootstrap reports.
   */
  ready(): Promise<void>;
  /**
   * Adds tasks; each store call is all or nothing. Rejects with
   * RedisUnavailableError (naming where the store is, never credentials)
   * when the store cannot be reached.
   */
  add(items: ReadonlyArray<QueuedTask>): Promise<AddResult[]>;
  /** Takes up to `request.count` tasks for one worker, each with a lease. */
  fetch(queue: string, request: FetchRequest): Promise<FetchReply>;
  /** Records a batch of attempt outcomes of one worker and fetches its next tasks, atomically. */
  settle(queue: string, outcomes: readonly AttemptOutcome[], next: FetchRequest): Promise<SettleReply>;
  /**
   * Hands leased tasks back to waiting without counting the attempt; returns how many were still held. A
   * lease with `startedAt` is handed back only if its attempt started then (a renewal's report of it may be
   * stale: the task handed back and fetched again since carries the same token).
   */
  release(queue: string, leases: ReadonlyArray<Lease & { startedAt?: number }>): Promise<number>;
  /**
   * Extends the worker's leases; returns the ids (of `leases` and `unrecorded`) it no longer holds, and
   * the leases of tasks still leased to its token that it named in neither list, older than `orphanAgeMs`:
   * a fetch reply lost on the way (hand them back with `release`), or an outcome the store recorded and
   * then lost (a failover to a replica it had not reached). `unrecorded`: leases of tasks the worker ran
   * but could not record the outcome of; neither extended nor returned, so their leases run out and
   * recovery counts the attempt.
   */
  renew(
    queue: string,
    workerToken: string,
    leases: readonly Lease[],
    leaseMs: number,
    orphanAgeMs: number,
    unrecorded?: readonly Lease[],
  ): Promise<{ lost: string[]; orphans: UnnamedLease[] }>;
  /** Takes back tasks whose lease ran out: to waiting while attempts remain, else dead. */
  recover(queue: string): Promise<RecoverResult>;
  /** Records progress while the lease is the caller's; false when it no longer is. */
  progress(queue: string, lease: Lease, progressJson: string): Promise<boolean>;
  get(queue: string, id: string): Promise<TaskInfo | null>;
  /**
   * Tasks in one state, oldest first (waiting: in the order they will run), a page at a time. With
   * `name`, only tasks of that name among the first `NAME_SCAN_WINDOW` of the state (the offset counts matches).
   * `values` false: without payload, result and progress, which are not read.
   */
  list(queue: string, state: TaskState, offset: number, limit: number, name?: string | null, values?: boolean): Promise<TaskInfo[]>;
  cancel(queue: string, id: string): Promise<boolean>;
  /**
   * Removes a task that is not running: an unfinished one as `cancel` does, a finished one (completed or
   * dead) as retention does. Says which it was (a finished task's final event was written; an unfinished
   * one's never will be), or null when the task is absent or running.
   */
  remove(queue: string, id: string): Promise<RemovedTask>;
  retry(queue: string, id: string): Promise<boolean>;
  /** Moves a delayed task to waiting now, at the place in line its enqueue gave it; false when it is absent or not delayed. */
  promote(queue: string, id: string): Promise<boolean>;
  counts(queue: string): Promise<TaskCounts>;
  pause(queue: string): Promise<void>;
  resume(queue: string): Promise<void>;
  /** Marks a task as awaited (its final event is written even with events off) and reads it; undefined: no such task. */
  watch(queue: string, id: string): Promise<WatchedTask | undefined>;
  /** Per id, whether a task with that id exists in the queue now (in any state). */
  existing(queue: string, ids: readonly string[]): Promise<boolean[]>;
  /** The id of the queue's newest event ('0-0' when none), ordered before any later add of this process. */
  lastEventId(queue: string): Promise<string>;
  /** A reader of the queue's event stream on a connection of its own. */
  openEventReader(queue: string): Promise<EventReader>;
  /**
   * A waker for one worker of the queue, on a connection of its own: it waits
   * for news of the queue, or tasks handed over for one of `handlerNames` (the
   * names the worker carries), and fetches as soon as the wait ends.
   */
  createWaker(queue: string, handlerNames?: readonly string[]): Promise<QueueWaker>;
  /**
   * Writes a worker's heartbeat (one store round trip, whatever the number of
   * queues): its record, listed by `workers()` until `ttlMs` passes without
   * another, and, per queue, the handler names it carries, which fetch reads to
   * hand tasks over in a rolling deploy. `lastSeenAt` is the store's time.
   */
  heartbeat(worker: Omit<WorkerInfo, 'lastSeenAt'>, ttlMs: number): Promise<void>;
  /** Removes a stopping worker's record (its advertised names expire by themselves). */
  retireWorker(instanceId: string): Promise<void>;
  /** Every live worker of the prefix (heartbeat not expired, by the store's clock), in no particular order. */
  workers(): Promise<WorkerInfo[]>;
  /**
   * Whether every worker that could run this store's tasks sends heartbeats,
   * so that `workers()` listing none means none runs: true on Redis; false in
   * the test mode, which lists none with `worker: false`.
   */
  readonly listsEveryWorker: boolean;
  /**
   * Every queue of the prefix that was enqueued to, is served by a worker
   * (named in a heartbeat) or has a schedule, and was not obliterated since;
   * in no particular order.
   */
  queues(): Promise<string[]>;
  /** Results of a task's completed dependencies, by dependency id. */
  dependencyResults(queue: string, id: string): Promise<ReadonlyMap<string, unknown>>;
}
