import type { ResolvedConnection } from './connection-options.js';
import type { BackoffOptions } from '../interfaces/backoff-options.interface.js';
import type { RetentionOverride } from '../interfaces/retention-option.js';
import { DEFAULT_QUEUE_SETTINGS } from './defaults.js';

/** Injection token of the validated options with every default filled in. */
export const RESOLVED_TASK_OPTIONS = Symbol.for('nestjs-redis-tasks:resolved-options');

/** A fully resolved policy: what one attempt runs under. */
export interface ResolvedPolicy {
  attempts: number;
  backoff: BackoffOptions | null;
  /** 0 = no time limit. */
  timeout: number;
}

/** How many finished tasks to keep, and for how long (ms). */
export interface ResolvedRetention {
  age: number;
  count: number;
}

/** The policy and retention a task falls back on when its enqueue options and handler leave them unset. */
export interface FallbackPolicy extends ResolvedPolicy {
  removeOnComplete: RetentionOverride | null;
  removeOnDead: RetentionOverride | null;
}

/** A queue's settings after defaults. */
export interface ResolvedQueueSettings {
  /** Events kept in the stream (approximately); 0 = events off. */
  eventsMaxLen: number;
  rateLimit: { max: number; perMs: number } | null;
  /** The queue's own defaults (unset fields fall to the module's). */
  defaults: Partial<FallbackPolicy>;
  /** Tasks of the queue run at once per process, or null for `worker.concurrency`. */
  concurrency: number | null;
}

/** Which kinds of the app's global enhancers (APP_GUARD, APP_INTERCEPTOR, APP_PIPE, app.useGlobal*) tasks run through. */
export interface GlobalEnhancerSettings {
  guards: boolean;
  interceptors: boolean;
  pipes: boolean;
}

/** Module options after validation and defaults. */
export interface ResolvedTaskOptions {
  /** The connection setting, validated: what it is, where it points, the secrets to scrub. */
  connection: ResolvedConnection;
  prefix: string;
  worker: { concurrency: number; leaseMs: number; shutdownGraceMs: number; queues: readonly string[] | null } | null;
  connectTimeoutMs: number;
  defaults: ResolvedPolicy;
  retention: { completed: ResolvedRetention; dead: ResolvedRetention };
  maxPayloadBytes: number;
  maxResultBytes: number;
  /** Replicas an enqueue waits for (Redis WAIT), or null. */
  durability: { replicas: number; timeoutMs: number } | null;
  /** Settings of the queues named in the options; others use the defaults (see queueSettings). */
  queues: ReadonlyMap<string, ResolvedQueueSettings>;
  taskLogs: { maxLines: number };
  metrics: { gaugeIntervalMs: number };
  globalEnhancers: GlobalEnhancerSettings;
}

/** Settings of a queue: those configured, or the defaults. */
export function queueSettings(options: ResolvedTaskOptions, queue: string): ResolvedQueueSettings {
  return options.queues.get(queue) ?? DEFAULT_QUEUE_SETTINGS;
}

/** What a task of `queue` falls back on: the queue's defaults over the module's (handler and enqueue options win over both). */
export function fallbackPolicy(options: ResolvedTaskOptions, queue: string): FallbackPolicy {
  const own = queueSettings(options, queue).defaults;
  return {
    attempts: own.attempts ?? options.defaults.attempts,
    backoff: own.backoff !== undefined ? own.backoff : options.defaults.backoff,
    timeout: own.timeout ?? options.defaults.timeout,
    removeOnComplete: own.removeOnComplete ?? null,
    removeOnDead: own.removeOnDead ?? null,
  };
}
