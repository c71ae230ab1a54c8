/** What a live worker runs of one queue. */
export interface WorkerQueueInfo {
  queue: string;
  /** The task names it has handlers for. */
  handlers: string[];
  /** Most tasks of this queue it runs at once. */
  concurrency: number;
  /** Tasks of this queue in its slots at its last heartbeat (running, or waiting for their handler's own limit): `concurrency` at most, but for runs whose lease was lost and whose handler has not let go yet. */
  running: number;
  /**
   * Tasks of this queue it had leased ahead into its buffer, to start as slots free (see docs/semantics.md):
   * active in the queue's counts, but not started. 0 in a heartbeat of a version before 0.2.
   */
  buffered: number;
}

/** A live worker (an app instance with a worker), as its last heartbeat described it. */
export interface WorkerInfo {
  /** Unique per app instance; also the start of every lease token it holds. */
  instanceId: string;
  host: string;
  pid: number;
  /** When its worker started, epoch ms (its own clock). */
  startedAt: number;
  /** When the store last heard from it, epoch ms (Redis time). */
  lastSeenAt: number;
  /**
   * How often it beats, in ms (a third of its `leaseMs`); it drops out of the
   * list a lease after its last beat. A heartbeat well past this is a worker
   * that stopped or stalls. Absent in a heartbeat of a version before 0.2.
   */
  heartbeatEveryMs?: number;
  queues: WorkerQueueInfo[];
}
