import type { OnApplicationShutdown } from '@nestjs/common';
import type { ResolvedTaskOptions } from '../config/resolved-options.js';
import { RedisUnavailableError } from '../errors/redis-unavailable.error.js';
import type { AttemptOutcome, FetchReply, FetchRequest, Lease, SettleReply } from '../engine/attempt.js';
import type { EventReader, QueueWaker } from '../engine/event-reader.js';
import type { AddResult, QueuedTask } from '../engine/new-task.js';
import type { RecoverResult, RemovedTask, TaskEngine, UnnamedLease, WatchedTask } from '../engine/task-engine.js';
import type { ObliterateResult, QueueGauges } from '../engine/task-maintenance.js';
import { withoutValues } from '../engine/task-summary.js';
import type { TaskLogLine } from '../interfaces/task-log.interface.js';
import type { WorkerInfo } from '../interfaces/worker-info.interface.js';
import * as maintenance from './memory-maintenance.js';
import type { TaskCounts, TaskInfo } from '../interfaces/task-info.interface.js';
import type { TaskState } from '../interfaces/task-state.js';
import { notifyDependents, waitAgain } from './memory-dependencies.js';
import { fetchFrom } from './memory-fetcher.js';
import { leased, recoverExpired, settleOne } from './memory-outcomes.js';
import type { MemoryStore } from './memory-store.js';
import { addToQueue } from './memory-task-adder.js';
import { listTasks } from './memory-task-list.js';
import * as insights from './memory-insights.js';
import type { TaskAttempt, TaskRelations, ThroughputPoint } from '../interfaces/task-insight.interface.js';
import { parseStored, taskInfo } from './memory-task.js';
import { finalStateOf } from '../engine/final-state.js';

/** Newest events watch looks through for a task that no longer exists: the Redis engine's WATCH_EVENT_SCAN (lib/redis/protocol.ts). */
const WATCH_EVENT_SCAN = 500;

/** Expired leases recovered per recover call, as on Redis. */
const RECOVER_LIMIT = 1_000;

/**
 * The in-memory adapter of the TaskEngine port: the same transitions as the
 * Redis engine's Lua scripts, on plain objects. Every call runs to its end
 * without awaiting anything, so, like a script, it is atomic. It keeps the
 * test mode's tasks and runs the sample without Redis.
 */
export class MemoryTaskEngine implements TaskEngine, OnApplicationShutdown {
  readonly listsEveryWorker = false;
  /** Set once the app closed: as on Redis, whose connections close then, it takes no more tasks. */
  private closed = false;

  constructor(private readonly store: MemoryStore, private readonly options: ResolvedTaskOptions) {}

  /** Nest's hook, at the step where the Redis engine closes its connections. */
  onApplicationShutdown(): void {
    this.closed = true;
  }

  async add(items: ReadonlyArray<QueuedTask>): Promise<AddResult[]> {
    if (this.closed) {
      const queues = [...new Set(items.map((item) => `'${item.queue}'`))].join(', ');
      // The Redis engine's words and class, so a test that enqueues after app.close() fails as the app would.
      throw new RedisUnavailableError(`enqueue on queue ${queues} failed: this app was closed (app.close() was called); call it while the app runs`);
    }
    const now = this.store.now();
    const byQueue = new Map<string, number[]>();
    items.forEach((item, i) => byQueue.set(item.queue, [...(byQueue.get(item.queue) ?? []), i]));
    const results: AddResult[] = new Array(items.length);
    for (const [queue, indexes] of byQueue) {
      this.store.registered.add(queue);
      const added = addToQueue(this.store.queue(queue), indexes.map((i) => items[i].task), now, (task) => this.store.added.push({ queue, task }));
      indexes.forEach((i, k) => (results[i] = added[k]));
    }
    return results;
  }

  async fetch(queue: string, request: FetchRequest): Promise<FetchReply> {
    return fetchFrom(this.store.queue(queue), request, this.store.now());
  }

  async settle(queue: string, outcomes: readonly AttemptOutcome[], next: FetchRequest): Promise<SettleReply> {
    const q = this.store.queue(queue);
    const now = this.store.now();
    const gone = outcomes.map((outcome) => !q.tasks.has(outcome.lease.id));
    const settled = outcomes.map((outcome) => settleOne(q, outcome, now, this.options.retention));
    return { settled, ...(gone.includes(true) && { gone }), ...fetchFrom(q, next, now) };
  }

  async release(queue: string, leases: ReadonlyArray<Lease & { startedAt?: number }>): Promise<number> {
    const q = this.store.queue(queue);
    let released = 0;
    for (const lease of leases) {
      const task = leased(q, lease);
      if (!task || (lease.startedAt !== undefined && task.startedAt !== lease.startedAt)) continue;
      q.handBack(task);
      released += 1;
    }
    if (released > 0) q.wake();
    return released;
  }

  async renew(queue: string, workerToken: string, leases: readonly Lease[], leaseMs: number, orphanAgeMs: number, unrecorded: readonly Lease[] = []) {
    const q = this.store.queue(queue);
    const now = this.store.now();
    const lost: string[] = [];
    const held = new Set<string>();
    for (const lease of leases) {
      held.add(lease.id);
      if (leased(q, lease)) q.active.add(lease.id, now + leaseMs);
      else lost.push(lease.id);
    }
    for (const lease of unrecorded) {
      held.add(lease.id);
      if (!leased(q, lease)) lost.push(lease.id);
    }
    const orphans: UnnamedLease[] = [];
    for (const [id] of q.active.entries()) {
      const task = q.tasks.get(id)!;
      const startedAt = task.startedAt ?? 0;
      if (held.has(id) || !task.leaseToken?.startsWith(`${workerToken}:`) || startedAt >= now - orphanAgeMs) continue;
      orphans.push({ id, token: task.leaseToken, startedAt });
    }
    return { lost, orphans };
  }

  async recover(queue: string): Promise<RecoverResult> {
    return recoverExpired(this.store.queue(queue), this.store.now(), RECOVER_LIMIT, this.options.retention);
  }

  async progress(queue: string, lease: Lease, progressJson: string): Promise<boolean> {
    const q = this.store.queue(queue);
    const task = leased(q, lease);
    if (!task) return false;
    task.progressJson = progressJson;
    q.emit(task, 'progress', this.store.now(), task.attempts, { progress: progressJson });
    return true;
  }

  async get(queue: string, id: string): Promise<TaskInfo | null> {
    const q = this.store.queue(queue);
    const task = q.tasks.get(id);
    return task ? taskInfo(queue, task, q.active.score(id)) : null;
  }

  async list(queue: string, state: TaskState, offset: number, limit: number, name: string | null = null, values = true): Promise<TaskInfo[]> {
    const tasks = listTasks(this.store.queue(queue), state, offset, limit, name);
    return values ? tasks : tasks.map(withoutValues);
  }

  async cancel(queue: string, id: string): Promise<boolean> {
    return this.cancelAs(queue, id, 'it was cancelled');
  }

  private cancelAs(queue: string, id: string, reason: string): boolean {
    const q = this.store.queue(queue);
    const task = q.tasks.get(id);
    if (!task) return false;
    if (task.state === 'waiting') {
      if (!q.wait.delete(id)) q.parked.get(task.name)?.delete(id);
    } else if (task.state === 'delayed') {
      q.delayed.delete(id);
    } else if (task.state === 'blocked') {
      q.blocked.delete(id);
      for (const dep of task.pending) q.tasks.get(dep)?.dependents.delete(id);
    } else {
      return false;
    }
    if (task.hasDependents) notifyDependents(q, id, { kind: 'dead', reason }, this.store.now(), null);
    q.deleteTask(id);
    return true;
  }

  async remove(queue: string, id: string): Promise<RemovedTask> {
    if (this.cancelAs(queue, id, 'it was removed')) return 'unfinished';
    const q = this.store.queue(queue);
    const task = q.tasks.get(id);
    if (!task || (task.state !== 'completed' && task.state !== 'dead')) return null;
    (task.state === 'completed' ? q.completed : q.dead).delete(id);
    q.deleteTask(id);
    return 'finished';
  }

  async retry(queue: string, id: string): Promise<boolean> {
    const q = this.store.queue(queue);
    const task = q.tasks.get(id);
    if (!task || task.state !== 'dead') return false;
    const now = this.store.now();
    q.dead.delete(id);
    Object.assign(task, { attempts: 0, retries: task.retries + 1, runAt: now, finishedAt: null, startedAt: null, progressJson: undefined });
    q.emit(task, 'enqueued', now);
    if (!waitAgain(q, id, now)) {
      q.toWaiting(task);
      q.wake();
    }
    return true;
  }

  async promote(queue: string, id: string): Promise<boolean> {
    const q = this.store.queue(queue);
    const task = q.tasks.get(id);
    if (!task || task.state !== 'delayed') return false;
    const now = this.store.now();
    q.delayed.delete(id);
    task.runAt = now;
    // A retry waiting out its backoff: its latest failed attempt said the next was due later.
    const last = task.history.at(-1);
    if (last?.outcome === 'failed' && last.retryAt !== undefined && last.retryAt > now) last.retryAt = now;
    q.toWaiting(task);
    q.wake();
    return true;
  }

  async counts(queue: string): Promise<TaskCounts> {
    const q = this.store.queue(queue);
    const parked = [...q.parked.values()].reduce((sum, set) => sum + set.size, 0);
    return {
      blocked: q.blocked.size, waiting: q.wait.size + parked, delayed: q.delayed.size, active: q.active.size,
      completed: q.completed.size, dead: q.dead.size, paused: q.paused,
    };
  }

  async pause(queue: string): Promise<void> {
    this.store.queue(queue).paused = true;
    this.store.registered.add(queue);
  }

  async resume(queue: string): Promise<void> {
    const q = this.store.queue(queue);
    q.paused = false;
    q.wake();
  }

  async watch(queue: string, id: string): Promise<WatchedTask | undefined> {
    const q = this.store.queue(queue);
    const task = q.tasks.get(id);
    if (!task) {
      // Removed at once as it finished (maybe before its producer heard back): its final event says how.
      const event = q.events.finalOf(id, WATCH_EVENT_SCAN);
      const final = event && finalStateOf(event);
      return final ? { final, lastEventId: q.events.lastId() } : undefined;
    }
    task.awaited = true;
    const lastEventId = q.events.lastId();
    if (task.state === 'completed') return { final: { state: 'completed', result: parseStored(task.resultJson) }, lastEventId };
    if (task.state === 'dead') return { final: { state: 'dead', error: { ...(task.error ?? { message: 'task failed' }) } }, lastEventId };
    return { final: null, lastEventId };
  }

  async lastEventId(queue: string): Promise<string> {
    return this.store.queue(queue).events.lastId();
  }

  async openEventReader(queue: string): Promise<EventReader> {
    return this.store.openReader(queue);
  }

  // One process: every waker of the queue hears every wake-up, those of handed-over tasks included.
  async createWaker(queue: string): Promise<QueueWaker> {
    return this.store.queue(queue).wakeups.waker((request) => this.fetch(queue, request));
  }

  async dependencyResults(queue: string, id: string): Promise<ReadonlyMap<string, unknown>> {
    const task = this.store.queue(queue).tasks.get(id);
    const results = new Map<string, unknown>();
    for (const [dep, json] of task?.dependencyResults ?? []) results.set(dep, parseStored(json));
    return results;
  }

  async appendLog(queue: string, lease: Lease, message: string, maxLines: number): Promise<boolean> {
    return maintenance.appendLog(this.store.queue(queue), lease, message, maxLines, this.store.now());
  }

  async readLog(queue: string, id: string): Promise<TaskLogLine[] | null> {
    return maintenance.readLog(this.store.queue(queue), id);
  }

  async ready(): Promise<void> {}

  async ping(): Promise<void> {
    // Nothing to reach: the store is this process's memory. Closed with the app, as Redis connections are,
    // so a health check after app.close() is down here as it is on Redis.
    if (this.closed) throw new RedisUnavailableError('the test mode\'s store was closed with the app (app.close() was called)');
  }

  connectionTrouble(): null {
    return null;
  }

  async memory(): Promise<null> {
    return null;
  }

  async gauges(queue: string, maxAgeMs: number): Promise<QueueGauges> {
    return maintenance.gauges(this.store.queue(queue), maxAgeMs, this.store.now());
  }

  async waitingAge(queue: string, maxLevels: number): Promise<number | null> {
    return maintenance.waitingAge(this.store.queue(queue), maxLevels, this.store.now());
  }

  async retryDead(queue: string, name: string | null): Promise<number> {
    return maintenance.retryDead(this.store.queue(queue), name, this.store.now());
  }

  async drain(queue: string, delayed: boolean): Promise<number> {
    return maintenance.drain(this.store.queue(queue), delayed, this.store.now());
  }

  async clean(queue: string, state: 'completed' | 'dead', olderThanMs: number, limit: number | null): Promise<string[]> {
    return maintenance.clean(this.store.queue(queue), state, olderThanMs, limit, this.store.now());
  }

  async obliterate(queue: string, force: boolean): Promise<ObliterateResult> {
    const result = maintenance.obliterate(this.store.queue(queue), force);
    if (result.status === 'done') {
      this.store.forgetSchedulesOf(queue);
      this.store.registered.delete(queue);
    }
    return result;
  }

  async existing(queue: string, ids: readonly string[]): Promise<boolean[]> {
    const q = this.store.queue(queue);
    return ids.map((id) => q.tasks.has(id));
  }

  async heartbeat(worker: Omit<WorkerInfo, 'lastSeenAt'>, ttlMs: number): Promise<void> {
    const now = this.store.now();
    const expiresAt = now + ttlMs;
    this.store.workers.set(worker.instanceId, { info: structuredClone(worker), lastSeenAt: now, expiresAt });
    for (const { queue, handlers } of worker.queues) {
      this.store.registered.add(queue);
      const carriers = this.store.queue(queue).carriers;
      for (const name of handlers) carriers.set(name, Math.max(carriers.get(name) ?? 0, expiresAt));
    }
  }

  async queues(): Promise<string[]> {
    return [...this.store.registered];
  }

  async retireWorker(instanceId: string): Promise<void> {
    this.store.workers.delete(instanceId);
  }

  async workers(): Promise<WorkerInfo[]> {
    const now = this.store.now();
    const live: WorkerInfo[] = [];
    for (const [id, { info, lastSeenAt, expiresAt }] of this.store.workers) {
      if (expiresAt <= now) this.store.workers.delete(id);
      else live.push({ ...structuredClone(info), lastSeenAt });
    }
    return live;
  }

  // Throughput, attempt history and relations (TaskInsights).

  async throughput(queue: string, minutes: number): Promise<ThroughputPoint[]> {
    return insights.throughput(this.store.queue(queue), this.store.now(), minutes);
  }

  async history(queue: string, id: string): Promise<TaskAttempt[] | null> {
    return insights.history(this.store.queue(queue), id);
  }

  async relations(queue: string, id: string): Promise<TaskRelations | null> {
    return insights.relations(this.store.queue(queue), id);
  }
}
