import type { ResolvedConnection } from './connection-options.js';
import type { BackoffOptions } from '../interfaces/backoff-options.interface.js';
import { DEFAULT_QUEUE_SETTINGS } from './defaults.js';

/** Injection token of the validated options with every default filled in. */
export const RESOLVED_TASK_OPTIONS = Symbol('nestjs-redis-tasks:resolved-options');

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

/** A queue's settings after defaults. */
export interface ResolvedQueueSettings {
  /** Events kept in the stream (approximately); 0 = events off. */
  eventsMaxLen: number;
  rateLimit: { max: number; perMs: number } | null;
}

/** Module options after validation and defaults. */
export interface ResolvedTaskOptions {
  /** The connection setting, validated: what it is, where it points, the secrets to scrub. */
  connection: ResolvedConnection;
  prefix: string;
  worker: { concurrency: number; leaseMs: number; shutdownGraceMs: number } | null;
  connectTimeoutMs: number;
  defaults: ResolvedPolicy;
  retention: { completed: ResolvedRetention; dead: ResolvedRetention };
  maxPayloadBytes: number;
  /** Replicas an enqueue waits for (Redis WAIT), or null. */
  durability: { replicas: number; timeoutMs: number } | null;
  /** Settings of the queues named in the options; others use the defaults (see queueSettings). */
  queues: ReadonlyMap<string, ResolvedQueueSettings>;
}

/** Settings of a queue: those configured, or the defaults. */
export function queueSettings(options: ResolvedTaskOptions, queue: string): ResolvedQueueSettings {
  return options.queues.get(queue) ?? DEFAULT_QUEUE_SETTINGS;
}
