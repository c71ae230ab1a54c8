import type { TaskLogLine } from '../interfaces/task-log.interface.js';
import type { Lease } from './attempt.js';

// Operations for observing and operating a queue, beyond the life of one task:
// task logs, the numbers behind health checks and metrics, and bulk changes.
// Part of the TaskEngine port. A bulk operation may run as many short store
// calls (each bounded, never blocking the store for long), so it is atomic per
// task, not as a whole: tasks that change state while it runs may or may not
// be included.

/** Fleet-wide counts the metrics gauges report. */
export interface QueueGauges {
  waiting: number;
  delayed: number;
  active: number;
  dead: number;
}

/** How full the store's server is (the fullest, of several), for health checks. */
export interface StoreMemory {
  /** The server, as host:port. */
  where: string;
  /** Bytes in use that count against the limit. */
  usedBytes: number;
  /** Its maxmemory; 0 when it has none. */
  maxBytes: number;
  /** Its maxmemory-policy. */
  policy: string;
}

/** What obliterate did: refused (tasks were running and it was not forced), or removed everything. */
export type ObliterateResult = { status: 'refused'; running: number } | { status: 'done'; removed: number };

/** Task logs, probes and bulk operations of a task store (see TaskEngine). */
export interface TaskMaintenance {
  /** Appends a line (stamped with the store's time) to a running task's log, keeping the newest `maxLines`; false when the lease is no longer the caller's. */
  appendLog(queue: string, lease: Lease, message: string, maxLines: number): Promise<boolean>;
  /** A task's log, oldest line first; null when there is no such task. */
  readLog(queue: string, id: string): Promise<TaskLogLine[] | null>;
  /** One round trip to the store; rejects when it cannot be reached. */
  ping(): Promise<void>;
  /**
   * Why the store's command connection is not ready, as far as it knows now (its state and last error:
   * "reconnecting after: connect ECONNREFUSED 10.0.0.5:6379"); null when it is ready, knows no error, or there
   * is no connection.
   * Said beside a ping that got no answer in time, which alone cannot tell a refused Redis from a stalled one.
   */
  connectionTrouble(): string | null;
  /** How full the store's server is; null when the store has no limit to meet (memory) or does not say within `timeoutMs`. */
  memory(timeoutMs: number): Promise<StoreMemory | null>;
  /** The gauge counts of a queue, counted at most once per `maxAgeMs` across the fleet (others get the stored counts). */
  gauges(queue: string, maxAgeMs: number): Promise<QueueGauges>;
  /**
   * How long (ms) the longest-waiting task at the front of its priority level
   * has been due, over the first `maxLevels` levels; null when none waits.
   */
  waitingAge(queue: string, maxLevels: number): Promise<number | null>;
  /** Moves dead tasks (of `name` when given) that died before the call back to waiting with fresh attempts; returns how many. */
  retryDead(queue: string, name: string | null): Promise<number>;
  /** Removes waiting tasks (and delayed ones when `delayed`); running ones are untouched. Returns how many. */
  drain(queue: string, delayed: boolean): Promise<number>;
  /** Removes up to `limit` (null: all) completed or dead tasks that finished at least `olderThanMs` ago (store time), oldest first; returns their ids. */
  clean(queue: string, state: 'completed' | 'dead', olderThanMs: number, limit: number | null): Promise<string[]>;
  /**
   * Removes every key of the queue: tasks, logs, events, schedules, counters.
   * Unless `force`, refuses (changing nothing) while a task of the queue is running.
   */
  obliterate(queue: string, force: boolean): Promise<ObliterateResult>;
}
