import type { TaskModuleOptions } from '../../lib/config/task-module-options.interface.js';
import type { FetchRequest, FetchedTask } from '../../lib/engine/attempt.js';
import type { NewTask } from '../../lib/engine/new-task.js';
import type { ScheduleEngine } from '../../lib/engine/schedule-engine.js';
import type { TaskEngine } from '../../lib/engine/task-engine.js';
import type { TaskEvent } from '../../lib/index.js';

/** Module options a contract case needs the engine to be made with (queue settings, retention). */
export type EngineOptions = Pick<TaskModuleOptions, 'queues' | 'retention'>;

/** Opens a fresh engine (its own prefix or its own memory) with the given options. */
export type OpenEngine = (options?: EngineOptions) => Promise<EngineUnderTest>;

/** One engine under test, fresh for each test (its own prefix or its own memory). */
export interface EngineUnderTest {
  tasks: TaskEngine;
  schedules: ScheduleEngine;
  /** Lets `ms` pass on the engine's clock (real time for a real store). */
  elapse(ms: number): Promise<void>;
  close(): Promise<void>;
}

export const QUEUE = 'contract';
export const WORKER = 'w1';

/** A task with every field at its plainest; `fields` override. */
export function newTask(id: string, fields: Partial<NewTask> = {}): NewTask {
  return {
    id, name: 'job', payloadJson: JSON.stringify({ id }), priority: 0, delayMs: 0, runAt: null, maxAttempts: 3, backoff: null,
    timeoutMs: 0, dependsOn: [], dependencyFailure: 'dead', removeOnComplete: null, removeOnDead: null, ...fields,
  };
}

/** A fetch for worker WORKER, every task taken going to a free slot (startNow: how many do; the rest are leased ahead). */
export function request(count: number, leaseMs = 30_000, handlerLimits: ReadonlyMap<string, number> = new Map(), startNow = count): FetchRequest {
  return { count, startNow, workerToken: WORKER, leaseMs, handlerLimits, handlerNames: [] };
}


/** An engine under test with the few steps contract cases repeat. */
export interface Kit extends EngineUnderTest {
  add(...tasks: NewTask[]): ReturnType<EngineUnderTest['tasks']['add']>;
  /** Fetches up to `count` tasks of QUEUE for worker WORKER. */
  take(count: number, limits?: ReadonlyMap<string, number>): Promise<FetchedTask[]>;
  complete(task: FetchedTask, result: unknown): Promise<boolean>;
  fail(task: FetchedTask, then: { action: 'retry'; delayMs: number } | { action: 'dead' }, message?: string): Promise<boolean>;
  /** Every event of QUEUE after `afterId`, as a fresh reader reads them. */
  events(afterId?: string): Promise<TaskEvent[]>;
}

/**
 * Registers an afterEach that closes every engine opened through it, and
 * returns the opener: `const open = kitOf(factory)` then `await open({ queues })` in a test.
 */
export function kitOf(factory: OpenEngine): (options?: EngineOptions) => Promise<Kit> {
  const opened: EngineUnderTest[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((engine) => engine.close()));
  });
  return async (options) => {
    const engine = await factory(options);
    opened.push(engine);
    const settle = async (task: FetchedTask, outcome: Parameters<EngineUnderTest['tasks']['settle']>[1][number]) =>
      (await engine.tasks.settle(QUEUE, [outcome], request(0))).settled[0] && task !== undefined;
    return {
      ...engine,
      add: (...tasks) => engine.tasks.add(tasks.map((task) => ({ queue: QUEUE, task }))),
      take: async (count, limits) => (await engine.tasks.fetch(QUEUE, request(count, 30_000, limits))).tasks,
      complete: (task, result) => settle(task, { lease: task.lease, kind: 'completed', resultJson: JSON.stringify(result) }),
      fail: (task, then, message = 'boom') => settle(task, { lease: task.lease, kind: 'failed', error: { message, name: 'Error' }, then }),
      events: async (afterId = '0') => {
        const reader = await engine.tasks.openEventReader(QUEUE);
        try {
          const all: TaskEvent[] = [];
          let position = afterId;
          for (;;) {
            const { events, lastId } = await reader.read(position, 1);
            if (events.length === 0) return all;
            all.push(...events);
            position = lastId;
          }
        } finally {
          reader.close();
        }
      },
    };
  };
}
