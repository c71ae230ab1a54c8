import { namedMessage } from '../execution/named-message.js';
import type { TaskCounts, TaskErrorInfo, TaskInfo, TaskSummary } from '../interfaces/task-info.interface.js';
import type { TaskAttempt, TaskRelations, ThroughputPoint } from '../interfaces/task-insight.interface.js';
import type { TaskLogLine } from '../interfaces/task-log.interface.js';
import type { TaskState } from '../interfaces/task-state.js';

// The JSON the dashboard's API returns: what its page draws, no more (a list
// row carries no payload, so a page of 100 rows stays small).

/** One queue on the overview. */
export interface QueueView {
  name: string;
  counts: TaskCounts;
}

/** One live worker on the overview. */
export interface WorkerView {
  instanceId: string;
  host: string;
  pid: number;
  /** Task names it has handlers for, over every queue. */
  handlers: string[];
  queues: string[];
  /** Tasks in its slots at its last heartbeat. */
  running: number;
  /** Tasks it had leased ahead into its buffer, not started. */
  buffered: number;
  concurrency: number;
  /** Ms since its last heartbeat reached the store. */
  heartbeatAgeMs: number;
  /** Two beats missed: stopped or stalled, listed until its record expires (heartbeatLate). */
  heartbeatLate: boolean;
}

/** GET api/overview. */
export interface OverviewView {
  queues: QueueView[];
  workers: WorkerView[];
  /** Over every queue, the last hour. */
  throughput: ThroughputPoint[];
}

/** One row of a queue page. */
export interface TaskRow {
  id: string;
  name: string;
  state: TaskState;
  priority: number;
  attempts: number;
  maxAttempts: number;
  enqueuedAt: number;
  runAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  error: string | null;
}

/** The orders a queue page lists in: the state's own (oldest first; waiting tasks in the order they will run), or that list from its other end. */
export const LIST_ORDERS = ['oldest', 'newest'] as const;
/** One of LIST_ORDERS. */
export type ListOrder = (typeof LIST_ORDERS)[number];

/** GET api/queues/:queue. */
export interface QueuePageView {
  queue: string;
  counts: TaskCounts;
  state: TaskState;
  offset: number;
  limit: number;
  name: string | null;
  order: ListOrder;
  tasks: TaskRow[];
  /** With a name filter, how many tasks of the state it searched (the first NAME_SCAN_WINDOW); null without one. */
  searched: number | null;
  throughput: ThroughputPoint[];
  /** Live workers that serve the queue: with none, its tasks wait until an app with a worker for it starts. */
  servedBy: number;
}

/**
 * A task's relations as its page shows them: the first RELATIONS_SHOWN of each list (a task
 * thousands depend on would make a page of thousands of links, sent again at every refresh),
 * and how many each list holds.
 */
export interface ShownRelations extends TaskRelations {
  dependenciesTotal: number;
  dependentsTotal: number;
}

/** GET api/queues/:queue/tasks/:id. The task's pendingDependencies are cut to RELATIONS_SHOWN too (pendingTotal: how many). */
export interface TaskPageView {
  task: TaskInfo;
  /** Whether the running attempt's lease ran out (by the server's clock): its worker stopped renewing it. */
  leaseExpired: boolean;
  pendingTotal: number;
  history: TaskAttempt[];
  relations: ShownRelations;
  logs: TaskLogLine[];
}

/** One schedule on the schedules page. */
export interface ScheduleView {
  id: string;
  name: string;
  queue: string;
  cron: string | null;
  every: number | null;
  timezone: string | null;
  /** Priority of each occurrence. */
  priority: number;
  next: number;
  /** The latest occurrence's task, when it is still stored. */
  lastTask: { id: string; state: TaskState; error: TaskErrorInfo | null } | null;
  /** Whether `next` passed more than OVERDUE_AFTER_MS ago unfired: no app with a worker is firing schedules. */
  overdue: boolean;
}

/**
 * How long past its due time an occurrence may go unfired before the page
 * calls it overdue: any app with a worker fires it within a second.
 */
export const OVERDUE_AFTER_MS = 5_000;

/** GET api/schedules: one page of the schedules, by id. */
export interface SchedulesPageView {
  schedules: ScheduleView[];
  /** Every schedule of the prefix, on this page or not. */
  total: number;
}

/** A task as a list row. */
export function taskRow(task: TaskSummary): TaskRow {
  return {
    id: task.id, name: task.name, state: task.state, priority: task.priority, attempts: task.attempts, maxAttempts: task.maxAttempts,
    enqueuedAt: task.enqueuedAt, runAt: task.runAt, startedAt: task.startedAt, finishedAt: task.finishedAt,
    // With its class, as the task page and the CLI show it: a TypeError and an UnrecoverableTaskError read apart.
    error: task.error ? namedMessage(task.error) : null,
  };
}
