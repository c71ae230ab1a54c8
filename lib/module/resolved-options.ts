import type { RedisConnection } from '../redis/redis-target.js';
import type { BackoffOptions } from '../interfaces/backoff-options.interface.js';

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

/** Module options after validation and defaults. */
export interface ResolvedTaskOptions {
  connection: RedisConnection;
  prefix: string;
  worker: { concurrency: number; leaseMs: number; shutdownGraceMs: number } | null;
  connectTimeoutMs: number;
  defaults: ResolvedPolicy;
  retention: { completed: ResolvedRetention; dead: ResolvedRetention };
  maxPayloadBytes: number;
}
