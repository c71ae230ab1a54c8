import { Inject, Injectable, Optional } from '@nestjs/common';
import { Observable } from 'rxjs';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import { TaskPayloadError } from '../errors/task-payload.error.js';
import { RedisUnavailableError } from '../errors/redis-unavailable.error.js';
import { TaskStoreError } from '../errors/task-store.error.js';
import { checkEventId } from '../events/event-id.js';
import { EventFollower } from '../events/event-follower.js';
import { QueueEventHub } from '../events/queue-event-hub.js';
import type { TaskEvent, TaskEventsOptions } from '../interfaces/task-event.interface.js';
import type { CheckedEnqueueManyItem, EnqueueManyItem, EnqueueOptions, ResultOfItem } from '../interfaces/enqueue-options.interface.js';
import type { PayloadOf, ResultOf, TaskDefinition } from '../interfaces/task-definition.interface.js';
import type { TaskCounts, TaskInfo, TaskSummary } from '../interfaces/task-info.interface.js';
import type { TaskLookupOptions, TaskRef, WaitForOptions } from '../interfaces/task-ref.interface.js';
import type { TaskState } from '../interfaces/task-state.js';
import type { WorkerInfo } from '../interfaces/worker-info.interface.js';
import { TaskHandlerRegistry } from '../discovery/task-handler.registry.js';
import { RESOLVED_TASK_OPTIONS, type ResolvedTaskOptions } from '../config/resolved-options.js';
import { DEFAULTS } from '../config/defaults.js';
import { checkKnownKeys, checkName, checkQueueName, checkRange, isOptionsObject } from '../config/option-checks.js';
import { bulkItemOptionHint } from '../config/renamed-options.js';
import { TASK_ENGINE } from '../engine/engine.tokens.js';
import type { ScheduleInfo, ScheduleOptions } from '../interfaces/schedule.interface.js';
import { TaskScheduler } from '../scheduling/task-scheduler.js';
import { REFUSED_WITH_BATCH, type AddResult, type QueuedTask } from '../engine/new-task.js';
import type { TaskEngine } from '../engine/task-engine.js';
import { EnqueueBatcher } from './enqueue-batcher.js';
import { EnqueuePreparer, type PreparedTask, type TaskName } from './enqueue-preparer.js';
import { createTaskIdGenerator } from './task-id.js';
import { TaskWaiter, WAITING_TASK_HINT, type WaitingTaskHints } from './task-waiter.js';
import { queuesHolding } from './queues-holding.js';
import { QueueBusyError } from '../errors/queue-busy.error.js';
import type { CleanOptions, DrainOptions, ObliterateOptions, RetryAllOptions } from '../interfaces/bulk-options.interface.js';
import type { TaskLogLine } from '../interfaces/task-log.interface.js';
import { checkClean, checkDrain, checkObliterate, checkRetryAll } from './bulk-options.checks.js';
import { TaskTelemetry } from '../telemetry/task-telemetry.js';
import type { ListOptions, ThroughputOptions } from '../interfaces/task-insight-options.interface.js';
import type { TaskAttempt, TaskRelations, ThroughputPoint } from '../interfaces/task-insight.interface.js';
import { checkList, checkThroughput } from './insight-options.checks.js';
import { byNaturalOrder } from '../engine/natural-order.js';
import { leftOutQueues, servedQueues } from '../discovery/served-queues.js';

export type { ListOptions } from '../interfaces/task-insight-options.interface.js';

/** An enqueue call, as its errors name it: the task's name, or how many tasks. */
type EnqueueCall = { task: string } | { count: number };

/** The option keys of a lookup by id (get, cancel, remove, retry, ...), and of waitFor. */
const LOOKUP_KEYS = ['queue'] as const satisfies ReadonlyArray<keyof TaskLookupOptions>;
const WAIT_FOR_KEYS = ['queue', 'timeout'] as const satisfies ReadonlyArray<keyof WaitForOptions>;
const EVENTS_KEYS = ['queue', 'from'] as const satisfies ReadonlyArray<keyof TaskEventsOptions>;
const ITEM_KEYS = ['name', 'payload', 'options'] as const satisfies ReadonlyArray<keyof EnqueueManyItem>;

/** The producer API: inject it anywhere to add, inspect, cancel, retry, await and follow tasks. */
@Injectable()
export class TaskQueue {
  private readonly waiter: TaskWaiter;
  private readonly batcher: EnqueueBatcher;
  private readonly preparer: EnqueuePreparer;
  /** Nest ran the app's onApplicationBootstrap hooks: this app's own worker, if it has one, has started. */
  private bootstrapped = false;

  /** @internal Made by Nest's injector (the declaration is left out of the built types, which would name optional peers). */
  constructor(
    @Inject(TASK_ENGINE) private readonly engine: TaskEngine,
    @Inject(RESOLVED_TASK_OPTIONS) options: ResolvedTaskOptions,
    registry: TaskHandlerRegistry,
    private readonly hub: QueueEventHub,
    private readonly scheduler: TaskScheduler,
    private readonly telemetry: TaskTelemetry,
    @Optional() @Inject(WAITING_TASK_HINT) hints: WaitingTaskHints | null = null,
  ) {
    const leftOut = (queue: string) => leftOutQueues(options, registry).includes(queue);
    const ownWorkerPending = (queue: string) => !this.bootstrapped && servedQueues(options, registry).has(queue);
    this.waiter = new TaskWaiter(engine, hub, { workersListed: engine.listsEveryWorker, hints, leftOut, ownWorkerPending });
    this.batcher = new EnqueueBatcher(engine);
    this.preparer = new EnqueuePreparer(registry, options, createTaskIdGenerator());
  }

  /**
   * Adds one task, by definition (its payload type-checked; the ref carries
   * its result type) or by name. With `options.id`, adds nothing while a task
   * with that id exists, and returns it. A payload that fails its schema
   * rejects with TaskPayloadError and nothing is written.
   */
  // By name (an explicit payload type allowed), by definition (its types allowed), and last one signature for both:
  // no overload matching, TypeScript 7 reports only the last one's error, which for two overloads blamed the
  // wrong argument for one of them ("'string' is not assignable to TaskDefinition" for a misspelt option).
  enqueue<P = unknown>(name: string, payload: P, options?: EnqueueOptions): Promise<TaskRef>;
  enqueue<P, R, O>(task: TaskDefinition<P, R, O>, payload: NoInfer<P>, options?: EnqueueOptions): Promise<TaskRef<R>>;
  enqueue<const T extends TaskName>(task: T, payload: NoInfer<PayloadOf<T>>, options?: EnqueueOptions): Promise<TaskRef<ResultOf<T>>>;
  enqueue(task: TaskName, payload: unknown, options?: EnqueueOptions): Promise<TaskRef> {
    // A promise chain, not an async function: every enqueue runs this, and each
    // await would add a promise and microtask hops. Bad input still rejects
    // rather than throws, as from an async function.
    let prepared: PreparedTask;
    try {
      prepared = this.preparer.prepare(task, payload, options);
      if (!prepared.schema) return this.addOne(prepared.item);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.preparer.checked(prepared).then((item) => this.addOne(item));
  }

  private addOne(item: QueuedTask): Promise<TaskRef> {
    const items = [item];
    const spans = this.telemetry.startPublish(items);
    let added: Promise<AddResult>;
    try {
      added = this.batcher.add(item);
    } catch (error) {
      added = Promise.reject(error);
    }
    return added.then(
      (result) => {
        this.telemetry.endPublish(spans, items, [result]);
        if (result.error !== undefined) this.refuse(result.error, `enqueue('${item.task.name}')`);
        return result.ref;
      },
      (error: unknown) => {
        const reported = this.enqueueFailure(error, { task: item.task.name }, items);
        this.telemetry.endPublish(spans, items, null, reported);
        throw reported;
      },
    );
  }

  /**
   * Adds a batch in one round trip; returns one ref per item, in order.
   * Items by definition are type-checked each against its own. Nothing is
   * written if any item is invalid.
   */
  // `const`: the items are inferred as a tuple, so each is checked against its own definition; as an array of a
  // union, a definition's item beside a by-name one would be checked only as the by-name shape. T is inferred
  // through the mapped type alone: as `T & {...}`, a spread before a last item (`[...children, parent]`) was refused.
  enqueueMany<const T extends ReadonlyArray<EnqueueManyItem>>(
    items: { readonly [K in keyof T]: CheckedEnqueueManyItem<T[K]> & T[K] },
  ): Promise<{ -readonly [K in keyof T]: TaskRef<ResultOfItem<T[K]>> }>;
  async enqueueMany(items: ReadonlyArray<EnqueueManyItem>): Promise<TaskRef[]> {
    if (!Array.isArray(items)) throw new TypeError('enqueueMany: expected an array of { name, payload, options? }');
    if (items.length === 0) return [];
    const prepared = items.map((item, index) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new TypeError(`enqueueMany: item ${index} must be { name, payload, options? }`);
      // An unknown key would otherwise be dropped with what it held: { name, data, opts } is BullMQ's addBulk item.
      checkKnownKeys(item, ITEM_KEYS, `enqueueMany item ${index}`, '', bulkItemOptionHint);
      try {
        return this.preparer.prepare(item.name, item.payload, item.options);
      } catch (error) {
        throw atItem(error, index);
      }
    });
    const tasks = await Promise.all(prepared.map((p, index) => (p.schema ? this.preparer.checked(p).catch((error: unknown) => Promise.reject(atItem(error, index))) : p.item)));
    const spans = this.telemetry.startPublish(tasks, true);
    let results: AddResult[];
    try {
      results = await this.guard(this.engine.add(tasks), { count: items.length }, tasks);
    } catch (error) {
      this.telemetry.endPublish(spans, tasks, null, error);
      throw error;
    }
    this.telemetry.endPublish(spans, tasks, results);
    const label = (i: number) => `enqueueMany item ${i} ('${tasks[i].task.name}')`;
    // Name the item that was refused, not the first of those refused with it.
    const culprit = results.findIndex((r) => r.error !== undefined && r.error !== REFUSED_WITH_BATCH);
    if (culprit >= 0) this.refuse(results[culprit].error! + laterInBatch(tasks, culprit, results[culprit].error!), label(culprit));
    return results.map((result, i) => {
      if (result.error !== undefined) this.refuse(result.error, label(i));
      return result.ref;
    });
  }

  /**
   * The queues of the prefix that hold a task of this id, in the order
   * queues() lists them: ids are unique within a queue only, so a bare id (from
   * a log line) may be any queue's. Empty when none does. One existence
   * check per queue (no payload or result is read).
   */
  async findQueues(id: string): Promise<string[]> {
    checkName(id, 'findQueues', 'id');
    return queuesHolding(this.engine, await this.queues(), id);
  }

  /** The task, or null when it does not exist (never added, cancelled, or removed by remove() or retention). */
  async get<P = unknown, R = unknown>(task: string | TaskRef<R>, options?: TaskLookupOptions): Promise<TaskInfo<P, R> | null> {
    const { queue, id } = this.locate(task, options, 'get');
    return (await this.engine.get(queue, id)) as TaskInfo<P, R> | null;
  }

  /**
   * A page of tasks in one state, oldest first (waiting tasks in the order they will run); `name` filters by
   * task name; `values: false` leaves out (and does not read) payloads, results and progress.
   */
  list(state: TaskState, options: ListOptions & { values: false }): Promise<TaskSummary[]>;
  list(state: TaskState, options?: ListOptions): Promise<TaskInfo[]>;
  async list(state: TaskState, options?: ListOptions): Promise<TaskInfo[] | TaskSummary[]> {
    const checked = checkList(state, options);
    return this.engine.list(checked.queue, checked.state, checked.offset, checked.limit, checked.name, checked.values);
  }

  /** Attempts completed and failed per minute over the last `minutes` (default 60, at most 120), oldest first, zeros included. */
  async throughput(queue: string = DEFAULTS.queue, options?: ThroughputOptions): Promise<ThroughputPoint[]> {
    const checked = checkThroughput(queue, options);
    return this.engine.throughput(checked.queue, checked.minutes);
  }

  /** The task's attempts, oldest first: each failed one with its error and backoff, then the running or completed one; null when it does not exist. */
  async history(task: string | TaskRef, options?: TaskLookupOptions): Promise<TaskAttempt[] | null> {
    const { queue, id } = this.locate(task, options, 'history');
    return this.engine.history(queue, id);
  }

  /** The ids the task was enqueued to depend on, and the stored tasks that depend on it; null when it does not exist. */
  async relations(task: string | TaskRef, options?: TaskLookupOptions): Promise<TaskRelations | null> {
    const { queue, id } = this.locate(task, options, 'relations');
    return this.engine.relations(queue, id);
  }

  /** Removes a waiting, delayed or blocked task; false when it is absent, running or finished. */
  async cancel(task: string | TaskRef, options?: TaskLookupOptions): Promise<boolean> {
    const { queue, id } = this.locate(task, options, 'cancel');
    const waiting = this.waiter.waitersOn(queue, id);
    const cancelled = await this.engine.cancel(queue, id);
    if (cancelled) this.waiter.gone(queue, id, waiting);
    return cancelled;
  }

  /**
   * Removes a task that is not running: a waiting, delayed or blocked one as
   * `cancel` does (its dependents are told it ended dead), a completed or dead
   * one with its result, error, log and history (as retention does). False
   * when the task is absent or running.
   */
  async remove(task: string | TaskRef, options?: TaskLookupOptions): Promise<boolean> {
    const { queue, id } = this.locate(task, options, 'remove');
    const waiting = this.waiter.waitersOn(queue, id);
    const removed = await this.engine.remove(queue, id);
    // A finished task's waiters have its final event, in hand or on its way.
    if (removed === 'unfinished') this.waiter.gone(queue, id, waiting);
    return removed !== null;
  }

  /**
   * Moves a dead task back to waiting with a fresh attempt budget, or to blocked while a dependency of it
   * is unfinished (retried too): it waits for that one again. False when it is not dead.
   */
  async retry(task: string | TaskRef, options?: TaskLookupOptions): Promise<boolean> {
    const { queue, id } = this.locate(task, options, 'retry');
    return this.engine.retry(queue, id);
  }

  /**
   * Makes a delayed task waiting now instead of at its due time: one enqueued
   * with `delay` or `runAt`, or one waiting out a retry's backoff (the attempt
   * count is unchanged). It takes the place in line its enqueue gave it, so it
   * runs before tasks enqueued after it at the same priority. False when it is
   * absent or not delayed.
   */
  async promote(task: string | TaskRef, options?: TaskLookupOptions): Promise<boolean> {
    const { queue, id } = this.locate(task, options, 'promote');
    return this.engine.promote(queue, id);
  }

  /** The task's log (lines its handler wrote with `TaskContext.log`), oldest first; null when the task does not exist. */
  async logs(task: string | TaskRef, options?: TaskLookupOptions): Promise<TaskLogLine[] | null> {
    const { queue, id } = this.locate(task, options, 'logs');
    return this.engine.readLog(queue, id);
  }

  /**
   * Moves the queue's dead tasks (of `options.name` only, when given) back to
   * waiting with a fresh attempt budget; returns how many. Runs in short
   * bounded steps, so it is safe on a large queue under load.
   */
  async retryAll(queue: string, options: RetryAllOptions): Promise<number> {
    const checked = checkRetryAll(queue, options);
    return this.engine.retryDead(checked.queue, checked.name);
  }

  /** Removes the queue's waiting tasks (and delayed ones with `{ delayed: true }`); running tasks finish. Returns how many were removed. */
  async drain(queue: string, options?: DrainOptions): Promise<number> {
    const checked = checkDrain(queue, options);
    return this.engine.drain(checked.queue, checked.delayed);
  }

  /** Removes completed or dead tasks (those finished at least `olderThanMs` ago, up to `limit`, oldest first); returns the ids removed. */
  async clean(queue: string, state: 'completed' | 'dead', options?: CleanOptions): Promise<string[]> {
    const checked = checkClean(queue, state, options);
    return this.engine.clean(checked.queue, checked.state, checked.olderThanMs, checked.limit);
  }

  /**
   * Removes every key of the queue: its tasks in every state, their logs, its
   * events, its schedules and counters. Rejects with QueueBusyError, changing
   * nothing, while workers run tasks of the queue, unless `{ force: true }`.
   */
  async obliterate(queue: string, options?: ObliterateOptions): Promise<void> {
    const checked = checkObliterate(queue, options);
    const result = await this.engine.obliterate(checked.queue, checked.force);
    if (result.status === 'refused') throw new QueueBusyError(checked.queue, result.running);
  }

  /** How many tasks of a queue (default `'default'`) are in each state, and whether it is paused. */
  async counts(queue: string = DEFAULTS.queue): Promise<TaskCounts> {
    return this.engine.counts(checkQueueName(queue, 'counts', 'queue'));
  }

  /** Stops every worker of the fleet from starting tasks of `queue`; running ones finish, enqueue still works. */
  async pause(queue: string = DEFAULTS.queue): Promise<void> {
    return this.engine.pause(checkQueueName(queue, 'pause', 'queue'));
  }

  /** Lets the fleet's workers start tasks of `queue` again. */
  async resume(queue: string = DEFAULTS.queue): Promise<void> {
    return this.engine.resume(checkQueueName(queue, 'resume', 'queue'));
  }

  /**
   * Resolves with the handler's return value once the task completes; rejects
   * with TaskFailedError once it is dead, WaitForTimeoutError after `timeout`
   * ms, TaskNotFoundError when there is no such task, or WaitForAbortedError
   * when the app shuts down first.
   */
  async waitFor<R = unknown>(task: string | TaskRef<R>, options: WaitForOptions): Promise<R> {
    const { queue, id } = this.locate(task, options, 'waitFor', WAIT_FOR_KEYS);
    const timeout = checkRange(options?.timeout, 'waitFor', 'timeout', 'waitForTimeout');
    return (await this.waiter.wait(queue, id, timeout)) as R;
  }

  /** @internal Nest's bootstrap hook (found by name): from here on, this app's own worker has started. */
  onApplicationBootstrap(): void {
    this.bootstrapped = true;
  }

  /**
   * @internal Nest's shutdown hook (found by name; no `implements`, which the
   * built types would keep without the method): enqueue calls made before
   * close() and held for a batch are sent (the connections close after this
   * hook, letting what was sent arrive), and the event followers stop, so
   * pending waitFor calls end with WaitForAbortedError.
   */
  beforeApplicationShutdown(): void {
    this.batcher.sendPending();
    this.waiter.close();
  }

  /**
   * The queue's events, seen from any process, as they happen. With `from`
   * (an earlier event's `eventId`), replays what followed it first, as far as
   * the bounded stream still holds it.
   */
  events(options: TaskEventsOptions = {}): Observable<TaskEvent> {
    // A typo ({ form: '0' }) or a bare queue name would otherwise follow 'default' from now, quietly.
    if (!isOptionsObject(options as unknown)) throw new InvalidTaskOptionsError('events: options must be an object { queue?, from? }');
    checkKnownKeys(options, EVENTS_KEYS, 'events', '');
    const queue = checkQueueName(options.queue ?? DEFAULTS.queue, 'events', 'queue');
    const from = options.from === undefined ? null : checkEventId(options.from, 'events');
    return new Observable<TaskEvent>((subscriber) => {
      const onEvent = (event: TaskEvent) => subscriber.next(event);
      const stop = from === null ? this.hub.subscribe(queue, onEvent) : EventFollower.start(this.engine, queue, from, onEvent).then((f) => () => f.stop());
      stop.catch((error: unknown) => subscriber.error(error));
      return () => void stop.then((s) => s(), () => undefined);
    });
  }

  /**
   * Creates or replaces the recurring schedule `scheduleId`: a task of `name`
   * (or of a definition: its payload type-checked, and its schema run on the
   * payload now) with `payload` is enqueued at each occurrence of `options.cron` (in
   * `options.timezone`, default UTC) or every `options.every` ms, once across
   * the fleet, with task id `<scheduleId>@<due time in epoch ms>`. Replacing it
   * with the same timing keeps its next due time. Every instance with a worker
   * fires schedules, whoever created them; the change reaches them without a restart.
   */
  // As enqueue's, the signature for both last; by name, the payload's own type is the schedule's.
  schedule<P = unknown>(scheduleId: string, name: string, payload: P, options: ScheduleOptions): Promise<ScheduleInfo<P>>;
  schedule<P, R, O>(scheduleId: string, task: TaskDefinition<P, R, O>, payload: NoInfer<P>, options: ScheduleOptions): Promise<ScheduleInfo<P>>;
  schedule<const T extends TaskName, P = PayloadOf<T>>(
    scheduleId: string,
    task: T,
    payload: T extends string ? P : NoInfer<PayloadOf<T>>,
    options: ScheduleOptions,
  ): Promise<ScheduleInfo<T extends string ? P : PayloadOf<T>>>;
  schedule(scheduleId: string, task: TaskName, payload: unknown, options: ScheduleOptions): Promise<ScheduleInfo> {
    return this.scheduler.schedule(scheduleId, task, payload, options);
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
    const name = queue === undefined ? undefined : checkQueueName(queue, 'workers', 'queue');
    const all = await this.engine.workers();
    const live = name === undefined ? all : all.filter((w) => w.queues.some((q) => q.queue === name));
    return live.sort((a, b) => a.startedAt - b.startedAt || (a.instanceId < b.instanceId ? -1 : 1));
  }

  /**
   * Every queue of the prefix, in natural order (q2 before q10): those enqueued to, served by a worker
   * (listed again within a heartbeat once obliterated) or with schedules.
   * A queue stays listed when it is empty, until it is obliterated.
   */
  async queues(): Promise<string[]> {
    // A name with ':' (which 0.1.0 took) is refused by every call on a queue now: listing it would only break
    // the views that open each queue listed (the dashboard's overview, the CLI's queues).
    return (await this.engine.queues()).filter((name) => !name.includes(':')).sort(byNaturalOrder);
  }

  /** Every schedule of the prefix, by id, with its next due time. */
  schedules(): Promise<ScheduleInfo[]> {
    return this.scheduler.list();
  }

  /** Throws why a task was not added; `where` names the call. */
  private refuse(error: string, where: string): never {
    throw new InvalidTaskOptionsError(`${where}: ${error}`);
  }

  /** Says which enqueue failed when Redis could not be reached. */
  private async guard<T>(call: Promise<T>, which: EnqueueCall, tasks: ReadonlyArray<QueuedTask>): Promise<T> {
    try {
      return await call;
    } catch (error) {
      throw this.enqueueFailure(error, which, tasks);
    }
  }

  /**
   * The error to report for a failed enqueue: Redis being unreachable names
   * the task or the size of the batch; other errors go as they are.
   */
  private enqueueFailure(error: unknown, which: EnqueueCall, tasks: ReadonlyArray<QueuedTask>): unknown {
    if (!(error instanceof TaskStoreError)) return error;
    const refs = tasks.map((t) => ({ id: t.task.id, queue: t.queue }));
    if (error.tasks) return ownTasks(error, refs);
    if (!(error instanceof RedisUnavailableError)) return new TaskStoreError(error.message, error.failure, { cause: error.cause, tasks: refs });
    const what = 'task' in which ? `'${which.task}'` : `${which.count} tasks`;
    // The engine's message names the queues ("enqueue on queue 'q' failed: ..."): said once, with the task.
    const engine = /^enqueue (on queues? .*?) failed: ([\s\S]*)$/.exec(error.message);
    const message = engine ? `enqueue of ${what} ${engine[1]} failed: ${engine[2]}` : `enqueue of ${what} failed: ${error.message}`;
    return new RedisUnavailableError(message, { cause: error, tasks: refs });
  }

  private locate(task: string | TaskRef, options: TaskLookupOptions | undefined, where: string, known: readonly string[] = LOOKUP_KEYS): TaskRef {
    if (options !== undefined && options !== null) {
      // A typo ({ queu: 'emails' }) would otherwise look in 'default' and find nothing, quietly.
      if (!isOptionsObject(options)) throw new InvalidTaskOptionsError(`${where}: options must be an object { ${known.join('?, ')}? }`);
      checkKnownKeys(options, known, where, '');
    }
    if (task !== null && typeof task === 'object') {
      return { id: checkName(task.id, where, 'id'), queue: checkQueueName(task.queue, where, 'queue') };
    }
    return { id: checkName(task, where, 'id'), queue: options?.queue === undefined ? DEFAULTS.queue : checkQueueName(options.queue, where, 'queue') };
  }
}

/**
 * A hint for a dependency refused as missing that comes later in the same
 * batch: the batch is added in order, so a dependent must follow its
 * dependencies (children first, the parent last). '' otherwise.
 */
function laterInBatch(tasks: readonly QueuedTask[], index: number, error: string): string {
  const missing = /^dependsOn: no task (.+) in this queue \(/.exec(error)?.[1];
  if (missing === undefined) return '';
  const at = tasks.findIndex((t, j) => j > index && t.queue === tasks[index].queue && t.task.id === missing);
  return at < 0 ? '' : `; it is item ${at} of this enqueueMany, after this one: put a task's dependencies before it in the list (children first, the parent last)`;
}

/** A refusal of one enqueueMany item, its message saying which: a list of a thousand is otherwise hard to search. */
function atItem(error: unknown, index: number): unknown {
  // TypeError: a payload JSON cannot encode (payload-json.ts).
  if (error instanceof InvalidTaskOptionsError || error instanceof TaskPayloadError || error instanceof TypeError) {
    error.message = `enqueueMany item ${index}: ${error.message}`;
  }
  return error;
}

/**
 * An error that lists tasks written (an enqueue the replicas did not confirm)
 * is shared by the enqueue() calls one EnqueueBatcher call carried: each
 * caller is told of its own tasks only, so its re-send uses its own ids.
 */
function ownTasks(error: TaskStoreError, refs: ReadonlyArray<{ id: string; queue: string }>): TaskStoreError {
  const listed = error.tasks!;
  // Two callers of one batch may have given the same id: each is told of it once.
  const mine = listed.filter((t, i) => refs.some((r) => r.id === t.id && r.queue === t.queue) && listed.findIndex((u) => u.id === t.id && u.queue === t.queue) === i);
  if (mine.length === listed.length) return error;
  const named = mine.map((t) => `'${t.id}' in '${t.queue}'`).join(', ');
  const message = error.message.replace(/\(nothing is added twice\): [\s\S]*$/, `(nothing is added twice): ${named}`);
  return new TaskStoreError(message, error.failure, { cause: error.cause, tasks: mine });
}
