import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { RedisUnavailableError } from '../errors/redis-unavailable.error.js';
import type { EnqueueManyItem, EnqueueOptions } from '../interfaces/enqueue-options.interface.js';
import type { TaskCounts, TaskInfo } from '../interfaces/task-info.interface.js';
import type { TaskLookupOptions, TaskRef, WaitForOptions } from '../interfaces/task-ref.interface.js';
import { TaskHandlerRegistry } from '../discovery/task-handler.registry.js';
import { RESOLVED_TASK_OPTIONS, type ResolvedTaskOptions } from '../module/resolved-options.js';
import { checkInteger, checkName } from '../policies/option-checks.js';
import { TASK_ENGINE } from '../redis/task-engine.token.js';
import type { TaskEngine } from '../redis/task-engine.js';
import { EnqueueBatcher } from './enqueue-batcher.js';
import { createTaskIdGenerator } from './task-id.js';
import { normalizeEnqueue } from './enqueue-options.normalizer.js';
import { TaskWaiter } from './task-waiter.js';

/** The producer API: inject it anywhere to add, inspect, cancel, retry and await tasks. */
@Injectable()
export class TaskQueue implements OnApplicationShutdown {
  private readonly waiter: TaskWaiter;
  private readonly batcher: EnqueueBatcher;
  private readonly nextId = createTaskIdGenerator();

  constructor(
    @Inject(TASK_ENGINE) private readonly engine: TaskEngine,
    @Inject(RESOLVED_TASK_OPTIONS) private readonly options: ResolvedTaskOptions,
    private readonly registry: TaskHandlerRegistry,
  ) {
    this.waiter = new TaskWaiter(engine);
    this.batcher = new EnqueueBatcher(engine);
  }

  /** Adds one task. With `options.id`, adds nothing while a task with that id exists, and returns it. */
  async enqueue<P = unknown>(name: string, payload: P, options?: EnqueueOptions): Promise<TaskRef> {
    const item = this.normalize(name, payload, options);
    try {
      return (await this.batcher.add(item)).ref;
    } catch (error) {
      throw this.explain(error, `'${name}'`);
    }
  }

  /** Adds a batch in one round trip; returns one ref per item, in order. Nothing is written if any item is invalid. */
  async enqueueMany(items: ReadonlyArray<EnqueueManyItem>): Promise<TaskRef[]> {
    if (!Array.isArray(items)) throw new TypeError('enqueueMany: expected an array of { name, payload, options? }');
    if (items.length === 0) return [];
    const tasks = items.map((item, index) => {
      if (item === null || typeof item !== 'object') throw new TypeError(`enqueueMany: item ${index} must be { name, payload, options? }`);
      return this.normalize(item.name, item.payload, item.options);
    });
    return this.add(tasks, `${items.length} tasks`);
  }

  /** The task, or null when it does not exist (never added, cancelled or removed by retention). */
  async get<P = unknown, R = unknown>(task: string | TaskRef, options?: TaskLookupOptions): Promise<TaskInfo<P, R> | null> {
    const { queue, id } = this.locate(task, options, 'get');
    return (await this.engine.get(queue, id)) as TaskInfo<P, R> | null;
  }

  /** Removes a waiting or delayed task; false when it is absent, running or finished. */
  cancel(task: string | TaskRef, options?: TaskLookupOptions): Promise<boolean> {
    const { queue, id } = this.locate(task, options, 'cancel');
    return this.engine.cancel(queue, id);
  }

  /** Moves a dead task back to waiting with a fresh attempt budget; false when it is not dead. */
  retry(task: string | TaskRef, options?: TaskLookupOptions): Promise<boolean> {
    const { queue, id } = this.locate(task, options, 'retry');
    return this.engine.retry(queue, id);
  }

  /** How many tasks of a queue (default `'default'`) are in each state. */
  counts(queue = 'default'): Promise<TaskCounts> {
    return this.engine.counts(checkName(queue, 'counts', 'queue'));
  }

  /**
   * Resolves with the handler's return value once the task completes; rejects
   * with TaskFailedError once it is dead, WaitForTimeoutError after `timeout`
   * ms, or TaskNotFoundError when there is no such task.
   */
  async waitFor<R = unknown>(task: string | TaskRef, options: WaitForOptions): Promise<R> {
    const { queue, id } = this.locate(task, options, 'waitFor');
    const timeout = checkInteger(options?.timeout, 'waitFor', 'timeout', 1);
    return (await this.waiter.wait(queue, id, timeout)) as R;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.waiter.close();
  }

  private normalize(name: unknown, payload: unknown, options: EnqueueOptions | undefined) {
    const handler = typeof name === 'string' ? this.registry.defaultsFor(name) : undefined;
    const item = normalizeEnqueue(name, payload, options, handler, this.options.defaults, this.options.maxPayloadBytes);
    item.task.id ??= this.nextId();
    return item;
  }

  private async add(tasks: ReturnType<TaskQueue['normalize']>[], what: string): Promise<TaskRef[]> {
    try {
      return (await this.engine.add(tasks)).map((r) => r.ref);
    } catch (error) {
      throw this.explain(error, what);
    }
  }

  /** Says which enqueue failed when Redis could not be reached. */
  private explain(error: unknown, what: string): unknown {
    return error instanceof RedisUnavailableError
      ? new RedisUnavailableError(`enqueue of ${what} failed: ${error.message}`, { cause: error })
      : error;
  }

  private locate(task: string | TaskRef, options: TaskLookupOptions | undefined, where: string): TaskRef {
    if (task !== null && typeof task === 'object') {
      return { id: checkName(task.id, where, 'id'), queue: checkName(task.queue, where, 'queue') };
    }
    return { id: checkName(task, where, 'id'), queue: options?.queue === undefined ? 'default' : checkName(options.queue, where, 'queue') };
  }
}
