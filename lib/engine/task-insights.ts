import type { TaskAttempt, TaskRelations, ThroughputPoint } from '../interfaces/task-insight.interface.js';

// What a dashboard reads beyond a task's record: the queue's per-minute
// throughput, a task's attempt history and its dependency edges. Part of the
// TaskEngine port; each is one bounded store call.

/** Throughput, attempt history and relations of a task store (see TaskEngine). */
export interface TaskInsights {
  /** Attempts completed and failed per minute over the last `minutes` (1 to 120), oldest first, one point per minute. */
  throughput(queue: string, minutes: number): Promise<ThroughputPoint[]>;
  /** A task's attempts, oldest first; null when there is no such task. */
  history(queue: string, id: string): Promise<TaskAttempt[] | null>;
  /** A task's dependencies as enqueued and its stored dependents; null when there is no such task. */
  relations(queue: string, id: string): Promise<TaskRelations | null>;
}
