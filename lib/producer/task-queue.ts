import { Inject, Injectable } from '@nestjs/common';
import { Observable } from 'rxjs';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import { RedisUnavailableError } from '../errors/redis-unavailable.error.js';
import { checkEventId } from '../events/event-id.js';
import { EventFollower } from '../events/event-follower.js';
import { QueueEventHub } from '../events/queue-event-hub.js';
import type { TaskEvent, TaskEventsOptions } from '../interfaces/task-event.interface.js';
import type { EnqueueManyItem, EnqueueOptions } from '../interfaces/enqueue-options.interface.js';
import type { TaskCounts, TaskInfo } from '../interfaces/task-info.interface.js';
import type { TaskLookupOptions, TaskRef, WaitForOptions } from '../interfaces/task-ref.interface.js';
import { TASK_STATES, type TaskState } from '../interfaces/task-state.js';
import type { WorkerInfo } from '../interfaces/worker-info.interface.js';
import { TaskHandlerRegistry } from '../discovery/task-handler.registry.js';
import { RESOLVED_TASK_OPTIONS, type ResolvedTaskOptions } from '../config/resolved-options.js';
import { DEFAULTS } from '../config/defaults.js';
import { checkInteger, checkName, checkRange } from '../config/option-checks.js';
import { TASK_ENGINE } from '../engine/engine.tokens.js';
import type { ScheduleInfo, ScheduleOptions } from '../interfaces/schedule.interface.js';
import { TaskScheduler } from '../scheduling/task-scheduler.js';
import { REFUSED_WITH_BATCH, type AddResult } from '../engine/new-task.js';
import type { TaskEngine } from '../engine/task-engine.js';
import { EnqueueBatcher } from './enqueue-batcher.js';
import { normalizeEnqueue } from './enqueue-options.normalizer.js';
import { createTaskIdGenerator } from './task-id.js';
import { TaskWaiter } from './task-waiter.js';

/** Options of `list`. */
export interface ListOptions {
  queue?: string;
  offset?: number;
  /** Page size, 1 to 1,000 (default 100). */
  limit?: number;
}

/** The producer API: inject it anywhere to add, inspect, cancel, retry, await and follow tasks. */
@Injectable()
export class TaskQueue {
  private readonly waiter: TaskWaiter;
  private readonly batcher: EnqueueBatcher;
  private readonly nextId = createTaskIdGenerator();

  constructor(
    @Inject(TASK_ENGINE) private readonly engine: TaskEngine,
    @Inject(RESOLVED_TASK_OPTIONS) private readonly options: ResolvedTaskOptions,
    private readonly registry: TaskHandlerRegistry,
    private readonly hub: QueueEventHub,
    private readonly scheduler: TaskScheduler,
  ) {
    this.waiter = new TaskWaiter(engine, hub);
    this.batcher = new EnqueueBatcher(engine);
  }

  /** Adds one task. With `options.id`, adds nothing while a task with that id exists, and returns it. */
  async enqueue<P = unknown>(name: string, payload: P, options?: EnqueueOptions): Promise<TaskRef> {
    const item = this.normalize(name, payload, options);
    return this.refOf(await this.guard(this.batcher.add(item), `'${name}'`), `enqueue('${name}')`);
  }

  /** Adds a batch in one round trip; returns one ref per item, in order. Nothing is written if any item is invalid. */
  async enqueueMany(items: ReadonlyArray<EnqueueManyItem>): Promise<TaskRef[]> {
    if (!Array.isArray(items)) throw new TypeError('enqueueMany: expected an array of { name, payload, options? }');
    if (items.length === 0) return [];
    const tasks = items.map((item, index) => {
      if (item === null || typeof item !== 'object') throw new TypeError(`enqueueMany: item ${index} must be { name, payload, options? }`);
      return this.normalize(item.name, item.payload, item.options);
    });
    const results = await this.guard(this.engine.add(tasks), `${items.length} tasks`);
    // Name the item that was refused, not the first of those refused with it.
    const culprit = results.findIndex((r) => r.error !== undefined && r.error !== REFUSED_WITH_BATCH);
    if (culprit >= 0) this.refOf(results[culprit], `enqueueMany item ${culprit} ('${items[culprit].name}')`);
    return results.map((result, i) => this.refOf(result, `enqueueMany item ${i} ('${items[i].name}')`));
  }

  /** The task, or null when it does not exist (never added, cancelled or removed by retention). */
  async get<P = unknown, R = unknown>(task: string | TaskRef, options?: TaskLookupOptions): Promise<TaskInfo<P, R> | null> {
    const { queue, id } = this.locate(task, options, 'get');
    return (await this.engine.get(queue, id)) as TaskInfo<P, R> | null;
  }

  /** A page of tasks in one state, oldest first (waiting tasks in the order they will run). */
  async list(state: TaskState, options: ListOptions = {}): Promise<TaskInfo[]> {
    if (!TASK_STATES.includes(state)) throw new InvalidTaskOptionsError(`list: state must be one of ${TASK_STATES.join(', ')}, got ${JSON.stringify(state)}`);
    const queue = checkName(options.queue ?? DEFAULTS.queue, 'list', 'queue');
    const offset = options.offset === undefined ? 0 : checkInteger(options.offset, 'list', 'offset', 0);
    const limit = options.limit === undefined ? 100 : checkInteger(options.limit, 'list', 'limit', 1, 1_000);
    return this.engine.list(queue, state, offset, limit);
  }

  /** Removes a waiting, delayed or blocked task; false when it is absent, running or finished. */
  async cancel(task: string | TaskRef, options?: TaskLookupOptions): Promise<boolean> {
    const { queue, id } = this.locate(task, options, 'cancel');
    return this.engine.cancel(queue, id);
  }

  /** Moves a dead task back to waiting with a fresh attempt budget; false when it is not dead. */
  async retry(task: string | TaskRef, options?: TaskLookupOptions): Promise<boolean> {
    const { queue, id } = this.locate(task, options, 'retry');
    return this.engine.retry(queue, id);
  }

  /** How many tasks of a queue (default `'default'`) are in each state, and whether it is paused. */
  async counts(queue: string = DEFAULTS.queue): Promise<TaskCounts> {
    return this.engine.counts(checkName(queue, 'counts', 'queue'));
  }

  /** Stops every worker of the fleet from starting tasks of `queue`; running ones finish, enqueue still works. */
  async pause(queue: string = DEFAULTS.queue): Promise<void> {
    return this.engine.pause(checkName(queue, 'pause', 'queue'));
  }

  /** Lets the fleet's workers start tasks of `queue` again. */
  async resume(queue: string = DEFAULTS.queue): Promise<void> {
    return this.engine.resume(checkName(queue, 'resume', 'queue'));
  }

  /**
   * Resolves with the handler's return value once the task completes; rejects
   * with TaskFailedError once it is dead, WaitForTimeoutError after `timeout`
   * ms, or TaskNotFoundError when there is no such task.
   */
  async waitFor<R = unknown>(task: string | TaskRef, options: WaitForOptions): Promise<R> {
    const { queue, id } = this.locate(task, options, 'waitFor');
    const timeout = checkRange(options?.timeout, 'waitFor', 'timeout', 'waitForTimeout');
    return (await this.waiter.wait(queue, id, timeout)) as R;
  }

  /**
   * The queue's events, seen from any process, as they happen. With `from`
   * (an earlier event's `eventId`), replays what followed it first, as far as
   * the bounded stream still holds it.
   */
  events(options: TaskEventsOptions = {}): Observable<TaskEvent> {
    const queue = checkName(options.queue ?? DEFAULTS.queue, 'events', 'queue');
    const from = options.from === undefined ? null : checkEventId(options.from, 'events');
    return new Observable<TaskEvent>((subscriber) => {
      const onEvent = (event: TaskEvent) => subscriber.next(event);
      const stop = from === null ? this.hub.subscribe(queue, onEvent) : EventFollower.start(this.engine, queue, from, onEvent).then((f) => () => f.stop());
      stop.catch((error: unknown) => subscriber.error(error));
      return () => void stop.then((s) => s(), () => undefined);
    });
  }

  /**
   * Creates or replaces the recurring schedule `scheduleId`: task `name` with
   * `payload` is enqueued at each occurrence of `options.cron` (in
   * `options.timezone`, default UTC) or every `options.every` ms, once across
   * the fleet, with task id `<scheduleId>@<due time in epoch ms>`. Replacing it
   * with the same timing keeps its next due time. Every instance with a worker
   * fires schedules, whoever created them; the change reaches them without a restart.
   */
  schedule<P = unknown>(scheduleId: string, name: string, payload: P, options: ScheduleOptions): Promise<ScheduleInfo<P>> {
    return this.scheduler.schedule(scheduleId, name, payload, options);
  }

  /** Removes a schedule (one made by `schedule` or declared by a handler); false when there was none. */
  unschedule(scheduleId: string): Promise<boolean> {
    return this.scheduler.unschedule(scheduleId);
  }

  /**
   * The live workers of the prefix (of `queue` when given): who they are, what
   * they run and how busy they were at their last heartbeat. A worker drops out
   * when it stops, or one lease period after its process died.
   */
  async workers(queue?: string): Promise<WorkerInfo[]> {
    const name = queue === undefined ? undefined : checkName(queue, 'workers', 'queue');
    const all = await this.engine.workers();
    const live = name === undefined ? all : all.filter((w) => w.queues.some((q) => q.queue === name));
    return live.sort((a, b) => a.startedAt - b.startedAt || (a.instanceId < b.instanceId ? -1 : 1));
  }

  /** Every schedule of the prefix, by id, with its next due time. */
  schedules(): Promise<ScheduleInfo[]> {
    return this.scheduler.list();
  }

  private normalize(name: unknown, payload: unknown, options: EnqueueOptions | undefined) {
    const handler = typeof name === 'string' ? this.registry.defaultsFor(name) : undefined;
    return normalizeEnqueue(name, payload, options, handler, this.options.defaults, this.options.maxPayloadBytes, this.nextId);
  }

  private refOf(result: AddResult, where: string): TaskRef {
    if (result.error !== undefined) throw new InvalidTaskOptionsError(`${where}: ${result.error}`);
    return result.ref;
  }

  /** Says which enqueue failed when Redis could not be reached. */
  private async guard<T>(call: Promise<T>, what: string): Promise<T> {
    try {
      return await call;
    } catch (error) {
      throw error instanceof RedisUnavailableError ? new RedisUnavailableError(`enqueue of ${what} failed: ${error.message}`, { cause: error }) : error;
    }
  }

  private locate(task: string | TaskRef, options: TaskLookupOptions | undefined, where: string): TaskRef {
    if (task !== null && typeof task === 'object') {
      return { id: checkName(task.id, where, 'id'), queue: checkName(task.queue, where, 'queue') };
    }
    return { id: checkName(task, where, 'id'), queue: options?.queue === undefined ? DEFAULTS.queue : checkName(options.queue, where, 'queue') };
  }
}
