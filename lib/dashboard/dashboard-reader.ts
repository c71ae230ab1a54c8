import { Inject, Injectable, Optional } from '@nestjs/common';
import { fromTaskModule } from '../module/missing-task-module.js';
import type { TaskState } from '../interfaces/task-state.js';
import type { ThroughputPoint } from '../interfaces/task-insight.interface.js';
import type { ScheduleInfo } from '../interfaces/schedule.interface.js';
import { previousOccurrence } from '../policies/schedule-timing.js';
import { TaskQueue } from '../producer/task-queue.js';
import { NAME_SCAN_WINDOW } from '../engine/task-engine.js';
import { byNaturalOrder } from '../engine/natural-order.js';
import { heartbeatLate } from '../engine/heartbeat-late.js';
import { timers } from '../timers/own-timers.js';
import { OVERDUE_AFTER_MS, taskRow, type ListOrder, type OverviewView, type QueuePageView, type ScheduleView, type SchedulesPageView, type TaskPageView, type WorkerView } from './dashboard-views.js';
import { mustKnowQueue } from './unknown-queue.js';

/**
 * The most JSON text of a result or a progress value the task page carries.
 * Neither has a size limit, and the open page reads the task every few
 * seconds: a 20 MB result was sent again and again for as long as it stayed
 * open. The payload needs none: enqueue limits it (maxPayloadBytes), and
 * "enqueue again" edits it.
 */
const MAX_SHOWN_JSON = 256 * 1024;

/**
 * The most ids of each relation list the task page carries (dependencies,
 * dependents, those still waited for), with how many there are: a task that
 * thousands depend on made a page of thousands of links, sent at every refresh.
 * TaskQueue.relations and the CLI's `show --json` list them all.
 */
export const RELATIONS_SHOWN = 100;

/** `value`, or in its place an object saying why it is not shown and where to read it whole. */
function shownValue<T>(value: T, id: string, queue: string): T | { notShown: string } {
  if (value === undefined) return value;
  const length = JSON.stringify(value)?.length ?? 0;
  if (length <= MAX_SHOWN_JSON) return value;
  return {
    notShown: `${length} characters of JSON, more than the dashboard shows (${MAX_SHOWN_JSON}); ` +
      `\`nestjs-redis-tasks show ${id} --queue ${queue} --json\` or TaskQueue.get() gives it whole`,
  };
}

/** What a queue page asks for. */
export interface QueuePageQuery {
  state: TaskState;
  offset: number;
  limit: number;
  name: string | null;
  order: ListOrder;
}

/** What a schedules page asks for. */
export interface SchedulesPageQuery {
  offset: number;
  limit: number;
}

/**
 * The most schedules a page holds. Lower than a task list's 1,000: each row
 * costs a task lookup of its own (its latest occurrence), where a task list
 * reads its records in one round trip.
 */
export const MAX_SCHEDULES_PAGE = 200;

/**
 * Where the newest-first page at `offset` lies in the oldest-first list of
 * `total` tasks: the rows from the other end, read in the list's order and
 * then reversed. Null when the page is past the end.
 */
export function newestWindow(total: number, offset: number, limit: number): { offset: number; limit: number } | null {
  const end = total - offset;
  if (end <= 0) return null;
  const start = Math.max(0, end - limit);
  return { offset: start, limit: end - start };
}

/**
 * How long the overview's throughput chart is reused. It sums every queue's
 * per-minute counters (a script of 60 reads per queue: with 1,000 queues,
 * about 100 ms of Redis CPU), and its bars are minutes: redrawn every poll
 * (2 s) by every open page, it cost far more than it showed.
 */
const OVERVIEW_CHART_MS = 10_000;

/** The dashboard's reads, all through the app's TaskQueue: each view is a few store round trips, whatever the queue's size. */
@Injectable()
export class DashboardReader {
  private readonly tasks: TaskQueue;
  /** The overview's chart as last read, shared by every open page: the read in flight, and when it began. */
  private chart: { points: Promise<ThroughputPoint[]>; at: number } | null = null;

  constructor(@Optional() @Inject(TaskQueue) tasks: TaskQueue | null) {
    this.tasks = fromTaskModule(tasks, 'TaskDashboardModule');
  }

  async overview(): Promise<OverviewView> {
    const [names, workers] = await Promise.all([this.tasks.queues(), this.tasks.workers()]);
    const [counts, throughput] = await Promise.all([Promise.all(names.map((name) => this.tasks.counts(name))), this.overviewChart(names)]);
    const now = Date.now();
    return {
      queues: names.map((name, i) => ({ name, counts: counts[i] })),
      workers: workers.map((w): WorkerView => ({
        instanceId: w.instanceId, host: w.host, pid: w.pid,
        handlers: [...new Set(w.queues.flatMap((q) => q.handlers))].sort(byNaturalOrder),
        queues: w.queues.map((q) => q.queue).sort(byNaturalOrder),
        running: w.queues.reduce((sum, q) => sum + q.running, 0),
        buffered: w.queues.reduce((sum, q) => sum + q.buffered, 0),
        concurrency: w.queues.reduce((sum, q) => sum + q.concurrency, 0),
        heartbeatAgeMs: Math.max(0, now - w.lastSeenAt),
        heartbeatLate: heartbeatLate(w, now),
      })),
      throughput,
    };
  }

  /** Every queue's attempts per minute, summed: read again once OVERVIEW_CHART_MS old (a failed read is not kept). */
  private overviewChart(names: readonly string[]): Promise<ThroughputPoint[]> {
    const now = timers.monotonicMs();
    if (this.chart && now - this.chart.at < OVERVIEW_CHART_MS) return this.chart.points;
    const points = Promise.all(names.map((name) => this.tasks.throughput(name, { minutes: 60 }))).then(sumPoints);
    const chart = { points, at: now };
    this.chart = chart;
    points.catch(() => {
      if (this.chart === chart) this.chart = null;
    });
    return points;
  }

  async queuePage(queue: string, query: QueuePageQuery): Promise<QueuePageView> {
    const served = this.tasks.workers(queue).then((workers) => workers.length);
    // Read with the rest; awaited only at the end, so its failure must not go unhandled meanwhile.
    served.catch(() => undefined);
    if (query.order === 'oldest') {
      const [counts, tasks, throughput] = await Promise.all([
        this.tasks.counts(queue),
        this.tasks.list(query.state, { queue, offset: query.offset, limit: query.limit, values: false, ...(query.name !== null && { name: query.name }) }),
        this.tasks.throughput(queue, { minutes: 60 }),
      ]);
      await mustKnowQueue(this.tasks, queue, counts);
      const searched = query.name === null ? null : Math.min(counts[query.state], NAME_SCAN_WINDOW);
      return { queue, counts, ...query, tasks: tasks.map(taskRow), searched, throughput, servedBy: await served };
    }
    // Newest first (never with a name: queuePageQuery refuses it, as a filtered list has no total to count
    // from): the count says where the other end is, so it is read first. A task that finishes between the
    // two reads shifts the page by one, as any offset page shifts.
    const [counts, throughput] = await Promise.all([this.tasks.counts(queue), this.tasks.throughput(queue, { minutes: 60 })]);
    await mustKnowQueue(this.tasks, queue, counts);
    const window = newestWindow(counts[query.state], query.offset, query.limit);
    // Without values: the rows show none, and 50 payloads of 20 MB were read at every refresh.
    const tasks = window ? await this.tasks.list(query.state, { queue, ...window, values: false }) : [];
    return { queue, counts, ...query, tasks: tasks.reverse().map(taskRow), searched: null, throughput, servedBy: await served };
  }

  /** The queues that hold a task of this id (TaskQueue.findQueues). */
  findQueues(id: string): Promise<string[]> {
    return this.tasks.findQueues(id);
  }

  /** The task with its attempts, relations and log; null when it does not exist. */
  async taskPage(queue: string, id: string): Promise<TaskPageView | null> {
    const [task, history, relations, logs] = await Promise.all([
      this.tasks.get(id, { queue }),
      this.tasks.history(id, { queue }),
      this.tasks.relations(id, { queue }),
      this.tasks.logs(id, { queue }),
    ]);
    if (!task) return null;
    const { dependencies = [], dependents = [] } = relations ?? {};
    const pending = task.pendingDependencies;
    const shown = {
      ...task,
      result: shownValue(task.result, task.id, queue),
      progress: shownValue(task.progress, task.id, queue),
      ...(pending ? { pendingDependencies: pending.slice(0, RELATIONS_SHOWN) } : {}),
    };
    return {
      task: shown,
      // A flag, not the time left: the page redraws only when what it was sent changes.
      leaseExpired: task.lease !== undefined && task.lease.expiresAt < Date.now(),
      pendingTotal: pending?.length ?? 0,
      history: history ?? [],
      relations: {
        dependencies: dependencies.slice(0, RELATIONS_SHOWN),
        dependents: dependents.slice(0, RELATIONS_SHOWN),
        dependenciesTotal: dependencies.length,
        dependentsTotal: dependents.length,
      },
      logs: logs ?? [],
    };
  }

  /**
   * One page of the schedules, by id. Only the page's schedules have their
   * latest task looked up (a TaskQueue.get each): looked up for all of them,
   * 5,000 schedules cost about 30,000 Redis commands and up to 2.6 s a poll.
   */
  async schedules(query: SchedulesPageQuery): Promise<SchedulesPageView> {
    // By id (TaskQueue.schedules sorts them), so a page holds the same schedules from one poll to the next.
    const all = await this.tasks.schedules();
    const page = all.slice(query.offset, query.offset + query.limit);
    return { schedules: await Promise.all(page.map((s) => this.scheduleView(s))), total: all.length };
  }

  private async scheduleView(s: ScheduleInfo): Promise<ScheduleView> {
    const spec = s.cron !== undefined ? { cron: s.cron, every: null, timezone: s.timezone ?? null } : { cron: null, every: s.every ?? 0, timezone: null };
    const previous = previousOccurrence(spec, s.next);
    // An occurrence's task id is `<schedule id>@<due time in epoch ms>` (see the README's schedules section).
    // A queue name with ':' (saved by 0.1.0) is refused by get: such a schedule no longer fires, so it has no latest task to show.
    const last = previous === null || s.queue.includes(':') ? null : await this.tasks.get(`${s.id}@${previous}`, { queue: s.queue });
    return {
      id: s.id, name: s.name, queue: s.queue, cron: s.cron ?? null, every: s.every ?? null, timezone: s.timezone ?? null, priority: s.priority, next: s.next,
      lastTask: last && { id: last.id, state: last.state, error: last.error },
      overdue: Date.now() - s.next > OVERDUE_AFTER_MS,
    };
  }
}

/** Per-minute points of several queues, added minute by minute (each list covers the same minutes, up to a boundary crossed between reads). */
function sumPoints(charts: ThroughputPoint[][]): ThroughputPoint[] {
  const byMinute = new Map<number, ThroughputPoint>();
  for (const chart of charts) {
    for (const p of chart) {
      const sum = byMinute.get(p.minute) ?? { minute: p.minute, completed: 0, failed: 0 };
      sum.completed += p.completed;
      sum.failed += p.failed;
      byMinute.set(p.minute, sum);
    }
  }
  return [...byMinute.values()].sort((a, b) => a.minute - b.minute).slice(-60);
}
