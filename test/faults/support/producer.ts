import type { EnqueueOptions, TaskModuleOptions, TaskQueue } from '../../../lib/index.js';
import { startTaskApp, type TaskApp } from '../../fixtures/task-app.js';

/** The task name the worker child handles. */
export const FAULT_TASK = 'fault.work';

/** A producer-only app in the test process (the library from source), on a scenario's own Redis. */
export function producerApp(url: string, prefix: string, overrides: Partial<TaskModuleOptions> = {}): Promise<TaskApp> {
  return startTaskApp(prefix, [], { connection: url, worker: false, defaults: { attempts: 3 }, ...overrides });
}

/** Payload of a fault task (see worker-child.cjs). */
export interface FaultPayload {
  k: string;
  at?: number;
  ms?: number;
  stall?: boolean;
}

/**
 * Enqueues one 'fault.work' task per key, in batches of `batch` (one round
 * trip each); resolves with key -> task id.
 */
export async function enqueueKeys(
  queue: TaskQueue,
  keys: readonly string[],
  payload: (key: string) => Omit<FaultPayload, 'k'> = () => ({}),
  options: EnqueueOptions = {},
  batch = 500,
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (let i = 0; i < keys.length; i += batch) {
    const chunk = keys.slice(i, i + batch);
    const refs = await queue.enqueueMany(chunk.map((k) => ({ name: FAULT_TASK, payload: { ...payload(k), k, at: Date.now() }, options })));
    refs.forEach((ref, j) => ids.set(chunk[j], ref.id));
  }
  return ids;
}

/** `count` keys `${prefix}0` .. `${prefix}${count - 1}`. */
export function keyRange(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, n) => `${prefix}${n}`);
}

/** What a burst of single enqueues reported. */
export interface EnqueueBurst {
  /** key -> id of every enqueue that resolved. */
  ids: Map<string, string>;
  /** Keys whose enqueue rejected. */
  failed: string[];
}

/**
 * Keeps `concurrency` single `enqueue` calls in flight (each issues the next
 * when it settles), as a busy app does, until `stop` resolves; keys are
 * `${keyPrefix}${n}`. Resolves once the last call settled.
 */
export async function enqueueWhile(queue: TaskQueue, keyPrefix: string, concurrency: number, stop: Promise<unknown>): Promise<EnqueueBurst> {
  const burst: EnqueueBurst = { ids: new Map(), failed: [] };
  let stopped = false;
  void stop.then(() => (stopped = true));
  let n = 0;
  const loop = async () => {
    while (!stopped) {
      const k = `${keyPrefix}${n++}`;
      try {
        const ref = await queue.enqueue(FAULT_TASK, { k, at: Date.now() });
        burst.ids.set(k, ref.id);
      } catch {
        burst.failed.push(k);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return burst;
}
