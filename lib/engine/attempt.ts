import type { BackoffOptions } from '../interfaces/backoff-options.interface.js';
import type { TaskErrorInfo } from '../interfaces/task-info.interface.js';
import type { RetryDecision } from '../policies/retry-policy.js';

/** A lease a worker holds on a running task: the token proves the attempt is still its own. */
export interface Lease {
  id: string;
  token: string;
}

/** Who fetches and how much: the fetch half of fetch and settle calls. */
export interface FetchRequest {
  count: number;
  /**
   * How many of the tasks taken go to a free slot at once; the rest wait in the
   * worker's buffer. Those are leased ahead: if the worker's lease on one runs
   * out, recovery puts it back without counting the attempt, once per task.
   */
  startNow: number;
  /** Unique per worker process; every lease it takes is derived from it. */
  workerToken: string;
  leaseMs: number;
  /** Fleet-wide limits of the queue's handlers this worker knows: task name -> most running at once. */
  handlerLimits: ReadonlyMap<string, number>;
  /**
   * The task names this worker has handlers for. A task of another name is
   * handed to a live worker that advertises it (see TaskEngine.heartbeat)
   * without using an attempt, or, when none does, handed to this one (to end
   * dead). Empty: the caller runs every name.
   */
  handlerNames: readonly string[];
}

/** A task handed to a worker, with the lease it holds. */
export interface FetchedTask {
  id: string;
  name: string;
  /** The payload, parsed; undefined when `unreadable` says why it could not be. */
  payload: unknown;
  /** Set when the stored payload cannot be read (not JSON): the task must end dead, not run. */
  unreadable?: string;
  /** Length of its payload's JSON as fetched (the worker bounds the payloads it leases ahead by it); absent: small. */
  payloadChars?: number;
  /** 1-based attempt this run is. */
  attempt: number;
  maxAttempts: number;
  backoff: BackoffOptions | null;
  timeoutMs: number;
  /** How long it waited since it was due (enqueue, delay or retry), by the store's clock, in ms. */
  waitedMs: number;
  /** The trace context of its enqueue span (a JSON carrier), when it was enqueued with tracing on. */
  traceContext?: string;
  /** A trace context to link to rather than continue: a schedule occurrence's schedule() call. */
  traceLink?: string;
  /** When the task was enqueued: epoch ms, store time. */
  enqueuedAt: number;
  /** When this attempt started: epoch ms, store time (with the lease, it names this lease of the task exactly). */
  startedAt: number;
  lease: Lease;
}

/** What a fetch (or the fetch half of a settle) returns. */
export interface FetchReply {
  tasks: FetchedTask[];
  /** Ids found queued without a usable record: moved to dead or dropped. */
  brokenIds: string[];
  /** Ms until the earliest delayed task is due or a rate-limit window ends (store time), or null if neither. */
  nextDueInMs: number | null;
}

/** A settle's outcome plus the next tasks it fetched. */
export interface SettleReply extends FetchReply {
  /** Per outcome, in order: false when the lease was no longer the caller's (the task was recovered elsewhere). */
  settled: boolean[];
  /**
   * Per outcome, in order: true when the task no longer exists in the store
   * (removed by hand or by retention, or the store lost its data: a restart
   * with nothing saved, a flush). Absent: none was gone.
   */
  gone?: boolean[];
}

/** How one attempt ended, for `settle`. */
export type AttemptOutcome =
  /** `resultJson` undefined: the handler returned nothing. */
  | { lease: Lease; kind: 'completed'; resultJson: string | undefined }
  | { lease: Lease; kind: 'failed'; error: TaskErrorInfo; then: RetryDecision }
  /** The handler was rate limited: put back after delayMs without using the attempt. */
  | { lease: Lease; kind: 'limited'; error: TaskErrorInfo; delayMs: number };
