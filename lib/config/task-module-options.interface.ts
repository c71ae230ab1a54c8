import type { RedisConnection } from './connection-options.js';
import type { RemoveOption } from '../interfaces/retention-option.js';
import type { TaskPolicyOptions } from '../interfaces/task-policy-options.interface.js';

/** How long finished tasks stay readable. `count: 0` removes them at once. */
export interface RetentionOptions {
  /** Keep none older than this many ms. */
  age?: number | undefined;
  /** Keep at most this many. */
  count?: number | undefined;
}

/** The worker host of this app. */
export interface WorkerOptions {
  /** Tasks run at once per queue in this process (default 10). */
  concurrency?: number | undefined;
  /** How long a running task's lease lasts without renewal, in ms (default 30,000). A task whose worker died runs again after it. */
  leaseMs?: number | undefined;
  /** How long `app.close()` lets running tasks finish before aborting and handing them back, in ms (default 10,000). */
  shutdownGraceMs?: number | undefined;
  /**
   * Serve only these queues in this process (default: every queue this app's handlers name). Each must be
   * a queue some handler of the app names. Deploy one app as several worker roles with it
   * (`worker: { queues: ['video'] }` on the pods that transcode). A queue left out is still enqueued to.
   */
  queues?: readonly string[] | undefined;
}

/** A queue's defaults for its tasks: over the module's `defaults`, under handler and enqueue options. */
export interface QueueDefaultsOptions extends TaskPolicyOptions {
  /** Retention of the queue's tasks once completed, over the module's `retention.completed`. */
  removeOnComplete?: RemoveOption | undefined;
  /** Retention of the queue's tasks once dead, over the module's `retention.dead`. */
  removeOnDead?: RemoveOption | undefined;
}

/** Settings of one queue, the same in every app of the fleet. */
export interface QueueOptions {
  /** Policy and retention for the queue's tasks that their enqueue options and handler leave unset. */
  defaults?: QueueDefaultsOptions | undefined;
  /** Tasks of this queue run at once in this process (default: `worker.concurrency`). */
  concurrency?: number | undefined;
  /** The queue's event stream: on by default, keeping about 10,000 events; `false` turns it off (waitFor still works). */
  events?: boolean | { maxLen?: number } | undefined;
  /** At most `max` task starts per `perMs` window across every worker of the fleet (a fixed window, kept in Redis). */
  rateLimit?: { max: number; perMs: number } | undefined;
}

/** Options of `TaskModule.forRoot` / `forRootAsync`. */
export interface TaskModuleOptions {
  /**
   * A Redis URL (`redis://`, `rediss://` for TLS), ioredis options (`host`, `port`, `tls`, `username`,
   * `password`, ...), or both as `{ url, ...options }` (e.g. a rediss:// URL with `tls: { ca }`).
   */
  connection: RedisConnection;
  /** First part of every key (default `'tasks'`). */
  prefix?: string | undefined;
  /** Worker settings, or `false` for a producer-only app. */
  worker?: WorkerOptions | false | undefined;
  /** How long bootstrap waits for Redis before failing, in ms (default 10,000). */
  connectTimeoutMs?: number | undefined;
  /** Policy for tasks whose enqueue options and handler leave it unset. */
  defaults?: TaskPolicyOptions | undefined;
  /** Retention of completed tasks (default 1,000 / 24 h) and dead ones (default 10,000 / 7 days); `false` keeps every one. */
  retention?: { completed?: RetentionOptions | false; dead?: RetentionOptions | false } | undefined;
  /** Largest encoded payload accepted by enqueue, in bytes (default 512 KiB). */
  maxPayloadBytes?: number | undefined;
  /**
   * Largest encoded result a handler may return, in bytes (default 512 KiB). A
   * larger one fails its task for good, naming its size: a result is kept in
   * the task's record and its completed event, and one call too large for
   * Redis failed the outcomes recorded with it.
   */
  maxResultBytes?: number | undefined;
  /** Per-queue settings, by queue name. */
  queues?: Record<string, QueueOptions> | undefined;
  /** Task logs written with `TaskContext.log`. */
  taskLogs?: TaskLogOptions | undefined;
  /** OpenTelemetry metrics (recorded only when an SDK is registered). */
  metrics?: MetricsOptions | undefined;
  /**
   * Whether handlers run through the app's global enhancers (APP_GUARD, APP_INTERCEPTOR, APP_PIPE and
   * app.useGlobalGuards/Interceptors/Pipes), as Nest runs every transport's handlers: `true` (default),
   * `false` for none, or per kind, e.g. `{ guards: false }` to keep HTTP-only guards away from tasks.
   */
  globalEnhancers?: boolean | { guards?: boolean; interceptors?: boolean; pipes?: boolean } | undefined;
  /**
   * Acknowledge an enqueue only once `replicas` replicas have it (Redis WAIT, up
   * to `timeoutMs`, default 1,000), so a failover to a replica cannot lose it.
   * Single Redis and Sentinel only. Off by default: one more round trip per enqueue batch.
   */
  durability?: DurabilityOptions | undefined;
}

/** Options of task logs. */
export interface TaskLogOptions {
  /** Lines kept per task, the newest (default 100). */
  maxLines?: number | undefined;
}

/** Options of the OpenTelemetry metrics. */
export interface MetricsOptions {
  /**
   * How old (ms) the queue gauges (waiting, delayed, active, dead) may be: they
   * are counted in Redis at most this often across the whole fleet (default 5,000).
   */
  gaugeIntervalMs?: number | undefined;
}

/** See `TaskModuleOptions.durability`. */
export interface DurabilityOptions {
  /** Replicas that must have an enqueue before it resolves (1 or more). */
  replicas: number;
  /** How long enqueue waits for them, in ms (default 1,000); fewer in time rejects with a TaskStoreError 'not-replicated'. */
  timeoutMs?: number | undefined;
}

/** Implemented by a class given to `forRootAsync({ useClass })` or `useExisting`. */
export interface TaskOptionsFactory {
  createTaskOptions(): Promise<TaskModuleOptions> | TaskModuleOptions;
}
