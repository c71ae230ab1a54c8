import { checkInteger, checkKnownKeys, checkQueueName, describeValue, isOptionsObject, type OptionKeys } from '../config/option-checks.js';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';

/** Limits that turn a queue's health check down. */
export interface QueueHealthThresholds {
  /** Down when more tasks than this wait (parked ones included). */
  maxWaiting?: number | undefined;
  /** Down when more dead tasks than this are kept. */
  maxDead?: number | undefined;
  /** Down when the longest-waiting task at the front of its priority level has been due for longer than this (ms). */
  maxOldestWaitingMs?: number | undefined;
  /**
   * Down when an attempt of this queue has been running in this app for longer than this (ms): a handler
   * stuck on a promise that never settles, with no timeout. Only this app's own workers are looked at.
   */
  maxRunningMs?: number | undefined;
}

/** Options of `TaskHealthIndicator.isHealthy`. */
export interface TaskHealthOptions {
  /** Per queue, the thresholds that turn the check down; only the queues named here are read. */
  queues?: Record<string, QueueHealthThresholds> | undefined;
  /** How long Redis has to answer each read before the check is down (default 1,000 ms). */
  timeoutMs?: number | undefined;
  /**
   * Down when Redis uses this share (1 to 100, in %) of its maxmemory or more: at 100 it refuses writes
   * (enqueues, outcomes) or evicts keys. Unset: the memory is reported, not judged. A Redis without
   * maxmemory, or that does not answer INFO, is never down for it.
   */
  maxMemoryPercent?: number | undefined;
}

/** The options after checks and defaults. */
export interface ResolvedHealthOptions {
  queues: Array<{ queue: string } & QueueHealthThresholds>;
  timeoutMs: number;
  maxMemoryPercent: number | null;
}

const KEYS = { queues: true, timeoutMs: true, maxMemoryPercent: true } as const satisfies OptionKeys<TaskHealthOptions>;
const THRESHOLD_KEYS = { maxWaiting: true, maxDead: true, maxOldestWaitingMs: true, maxRunningMs: true } as const satisfies OptionKeys<QueueHealthThresholds>;
const WHERE = 'TaskHealthIndicator.isHealthy';

/** Checks the options of a health check: unknown keys and bad values are refused, naming them. */
export function resolveHealthOptions(options: TaskHealthOptions | undefined): ResolvedHealthOptions {
  const o = options ?? {};
  if (!isOptionsObject(o)) throw new InvalidTaskOptionsError(`${WHERE}: options must be an object { queues?, timeoutMs?, maxMemoryPercent? }, got ${describeValue(o)}`);
  checkKnownKeys(o, KEYS, WHERE, '');
  const queues: ResolvedHealthOptions['queues'] = [];
  if (o.queues !== undefined) {
    if (!isOptionsObject(o.queues)) {
      // A list of queue names is the likely mistake: say what the object holds.
      throw new InvalidTaskOptionsError(`${WHERE}: queues must be an object of queue name -> thresholds, e.g. { emails: { maxWaiting: 1000 } }, got ${describeValue(o.queues)}`);
    }
    for (const [queue, limits] of Object.entries(o.queues)) {
      const field = `queues.${queue}`;
      checkQueueName(queue, WHERE, 'a queue name in queues');
      if (!isOptionsObject(limits)) throw new InvalidTaskOptionsError(`${WHERE}: ${field} must be an object { maxWaiting?, maxDead?, maxOldestWaitingMs?, maxRunningMs? }, got ${describeValue(limits)}`);
      checkKnownKeys(limits, THRESHOLD_KEYS, WHERE, field);
      const resolved: { queue: string } & QueueHealthThresholds = { queue };
      for (const key of Object.keys(THRESHOLD_KEYS) as Array<keyof QueueHealthThresholds>) {
        if (limits[key] !== undefined) resolved[key] = checkInteger(limits[key], WHERE, `${field}.${key}`, 0);
      }
      queues.push(resolved);
    }
  }
  return {
    queues,
    timeoutMs: o.timeoutMs === undefined ? 1_000 : checkInteger(o.timeoutMs, WHERE, 'timeoutMs', 1, 60_000),
    maxMemoryPercent: o.maxMemoryPercent === undefined ? null : checkInteger(o.maxMemoryPercent, WHERE, 'maxMemoryPercent', 1, 100),
  };
}
