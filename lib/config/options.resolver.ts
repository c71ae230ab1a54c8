import { moduleOptionHint } from './renamed-options.js';
import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import { CONNECTION_SHAPES, resolveConnection } from './connection.resolver.js';
import { DEFAULTS, DEFAULT_QUEUE_SETTINGS } from './defaults.js';
import { checkBackoff, checkInteger, checkKnownKeys, checkPolicy, checkPrefix, checkQueueName, checkRange, checkRemoveOption, describeValue, isOptionsObject, type OptionKeys } from './option-checks.js';
import type { FallbackPolicy, GlobalEnhancerSettings, ResolvedQueueSettings, ResolvedRetention, ResolvedTaskOptions } from './resolved-options.js';
import type { MetricsOptions, QueueDefaultsOptions, QueueOptions, RetentionOptions, TaskLogOptions, TaskModuleOptions, WorkerOptions } from './task-module-options.interface.js';
import type { TaskPolicyOptions } from '../interfaces/task-policy-options.interface.js';

const WHERE = 'TaskModule options';
/** Redis refuses a longer value (its proto-max-bulk-len default): a larger payload limit could only fail there. */
const MAX_REDIS_VALUE_BYTES = 512 * 1024 * 1024;

export const MODULE_KEYS = {
  connection: true, prefix: true, worker: true, connectTimeoutMs: true, defaults: true, retention: true, maxPayloadBytes: true, maxResultBytes: true, queues: true,
  taskLogs: true, metrics: true, globalEnhancers: true, durability: true,
} as const satisfies OptionKeys<TaskModuleOptions>;
const TASK_LOG_KEYS = { maxLines: true } as const satisfies OptionKeys<TaskLogOptions>;
const METRICS_KEYS = { gaugeIntervalMs: true } as const satisfies OptionKeys<MetricsOptions>;
const WORKER_KEYS = { concurrency: true, leaseMs: true, shutdownGraceMs: true, queues: true } as const satisfies OptionKeys<WorkerOptions>;
const POLICY_KEYS = { attempts: true, backoff: true, timeout: true } as const satisfies OptionKeys<TaskPolicyOptions>;
const RETENTION_KEYS = { completed: true, dead: true } as const satisfies OptionKeys<NonNullable<TaskModuleOptions['retention']>>;
const RETENTION_LIMIT_KEYS = { age: true, count: true } as const satisfies OptionKeys<RetentionOptions>;
const QUEUE_KEYS = { events: true, rateLimit: true, defaults: true, concurrency: true } as const satisfies OptionKeys<QueueOptions>;
const QUEUE_DEFAULTS_KEYS = { ...POLICY_KEYS, removeOnComplete: true, removeOnDead: true } as const satisfies OptionKeys<QueueDefaultsOptions>;
const DURABILITY_KEYS = { replicas: true, timeoutMs: true } as const satisfies OptionKeys<NonNullable<TaskModuleOptions['durability']>>;
const RATE_LIMIT_KEYS = { max: true, perMs: true } as const satisfies OptionKeys<NonNullable<QueueOptions['rateLimit']>>;

function resolveRetention(value: RetentionOptions | false | undefined, fallback: ResolvedRetention, field: string): ResolvedRetention {
  if (value === undefined) return { ...fallback };
  // Every finished task kept (BullMQ's default): no limit, which trimming reads as negative.
  if (value === false) return { age: -1, count: -1 };
  if (!isOptionsObject(value)) {
    throw new InvalidTaskOptionsError(`${WHERE}: ${field} must be false or an object { age?, count? }, got ${describeValue(value)}`);
  }
  checkKnownKeys(value, RETENTION_LIMIT_KEYS, WHERE, field, moduleOptionHint);
  return {
    age: value.age === undefined ? fallback.age : checkInteger(value.age, WHERE, `${field}.age`, 0),
    count: value.count === undefined ? fallback.count : checkInteger(value.count, WHERE, `${field}.count`, 0),
  };
}

function resolveQueue(name: string, value: QueueOptions): ResolvedQueueSettings {
  const field = `queues.${name}`;
  if (!isOptionsObject(value)) throw new InvalidTaskOptionsError(`${WHERE}: ${field} must be an object { events?, rateLimit?, defaults?, concurrency? }, got ${describeValue(value)}`);
  checkKnownKeys(value, QUEUE_KEYS, WHERE, field, moduleOptionHint);
  let eventsMaxLen: number = DEFAULT_QUEUE_SETTINGS.eventsMaxLen;
  if (value.events === false) eventsMaxLen = 0;
  else if (value.events !== undefined && value.events !== true) {
    if (!isOptionsObject(value.events)) {
      throw new InvalidTaskOptionsError(`${WHERE}: ${field}.events must be true, false or { maxLen }, got ${describeValue(value.events)}`);
    }
    checkKnownKeys(value.events, ['maxLen'], WHERE, `${field}.events`, moduleOptionHint);
    if (value.events.maxLen !== undefined) eventsMaxLen = checkInteger(value.events.maxLen, WHERE, `${field}.events.maxLen`, 1);
  }
  let rateLimit: ResolvedQueueSettings['rateLimit'] = null;
  if (value.rateLimit !== undefined) {
    if (!isOptionsObject(value.rateLimit)) {
      throw new InvalidTaskOptionsError(`${WHERE}: ${field}.rateLimit must be { max, perMs }, got ${describeValue(value.rateLimit)}`);
    }
    checkKnownKeys(value.rateLimit, RATE_LIMIT_KEYS, WHERE, `${field}.rateLimit`, moduleOptionHint);
    rateLimit = {
      max: checkInteger(value.rateLimit.max, WHERE, `${field}.rateLimit.max`, 1),
      perMs: checkRange(value.rateLimit.perMs, WHERE, `${field}.rateLimit.perMs`, 'rateLimitPerMs'),
    };
  }
  return {
    eventsMaxLen,
    rateLimit,
    defaults: resolveQueueDefaults(value.defaults, `${field}.defaults`),
    concurrency: value.concurrency === undefined ? null : checkInteger(value.concurrency, WHERE, `${field}.concurrency`, 1, 10_000),
  };
}

/** A queue's `defaults`, checked: only the fields given (the rest fall to the module's). */
function resolveQueueDefaults(value: QueueDefaultsOptions | undefined, field: string): Partial<FallbackPolicy> {
  if (value === undefined) return {};
  if (!isOptionsObject(value)) throw new InvalidTaskOptionsError(`${WHERE}: ${field} must be an object { attempts?, backoff?, timeout?, removeOnComplete?, removeOnDead? }, got ${describeValue(value)}`);
  checkKnownKeys(value, QUEUE_DEFAULTS_KEYS, WHERE, field, moduleOptionHint);
  checkPolicy(value, WHERE, `${field}.`);
  const resolved: Partial<FallbackPolicy> = {};
  if (value.attempts !== undefined) resolved.attempts = value.attempts;
  if (value.backoff !== undefined) resolved.backoff = checkBackoff(value.backoff, WHERE, `${field}.backoff`);
  if (value.timeout !== undefined) resolved.timeout = value.timeout;
  if (value.removeOnComplete !== undefined) resolved.removeOnComplete = checkRemoveOption(value.removeOnComplete, WHERE, `${field}.removeOnComplete`);
  if (value.removeOnDead !== undefined) resolved.removeOnDead = checkRemoveOption(value.removeOnDead, WHERE, `${field}.removeOnDead`);
  return resolved;
}

function resolveWorker(value: TaskModuleOptions['worker']): ResolvedTaskOptions['worker'] {
  if (value === false) return null;
  // null is refused, as for every other option: it would read as "no worker" to some and "defaults" to others.
  const w = value === undefined ? {} : value;
  if (!isOptionsObject(w)) {
    throw new InvalidTaskOptionsError(`${WHERE}: worker must be an object { concurrency?, leaseMs?, shutdownGraceMs?, queues? } or false, got ${describeValue(w)}`);
  }
  checkKnownKeys(w, WORKER_KEYS, WHERE, 'worker', moduleOptionHint);
  const d = DEFAULTS.worker;
  return {
    concurrency: w.concurrency === undefined ? d.concurrency : checkInteger(w.concurrency, WHERE, 'worker.concurrency', 1, 10_000),
    leaseMs: w.leaseMs === undefined ? d.leaseMs : checkRange(w.leaseMs, WHERE, 'worker.leaseMs', 'leaseMs'),
    shutdownGraceMs: w.shutdownGraceMs === undefined ? d.shutdownGraceMs : checkRange(w.shutdownGraceMs, WHERE, 'worker.shutdownGraceMs', 'shutdownGraceMs'),
    queues: w.queues === undefined ? null : resolveServedQueues(w.queues),
  };
}

/** `worker.queues`: queue names, at least one (none would be a producer-only app, which `worker: false` says). */
function resolveServedQueues(value: unknown): readonly string[] {
  if (!Array.isArray(value)) throw new InvalidTaskOptionsError(`${WHERE}: worker.queues must be an array of queue names, got ${describeValue(value)}`);
  if (value.length === 0) {
    throw new InvalidTaskOptionsError(`${WHERE}: worker.queues is empty: list the queues this process serves, or set worker: false for an app that only enqueues`);
  }
  const names = value.map((name, i) => checkQueueName(name, WHERE, `worker.queues[${i}]`));
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined) throw new InvalidTaskOptionsError(`${WHERE}: worker.queues lists '${repeated}' twice`);
  return names;
}

/** Validates module options and fills in every default. Throws InvalidTaskOptionsError at bootstrap. */
export function resolveTaskOptions(options: TaskModuleOptions): ResolvedTaskOptions {
  if (!isOptionsObject(options)) {
    throw new InvalidTaskOptionsError(`${WHERE}: expected an object with at least { connection }`);
  }
  checkKnownKeys(options, MODULE_KEYS, WHERE, '', moduleOptionHint);
  if (options.connection === undefined) throw new InvalidTaskOptionsError(`${WHERE}: connection is required (${CONNECTION_SHAPES})`);
  const connection = resolveConnection(options.connection);
  const defaults = options.defaults === undefined ? {} : options.defaults;
  if (!isOptionsObject(defaults)) throw new InvalidTaskOptionsError(`${WHERE}: defaults must be an object { attempts?, backoff?, timeout? }, got ${describeValue(defaults)}`);
  checkKnownKeys(defaults, POLICY_KEYS, WHERE, 'defaults', moduleOptionHint);
  checkPolicy(defaults, WHERE, 'defaults.');
  if (options.retention !== undefined) {
    if (!isOptionsObject(options.retention)) {
      throw new InvalidTaskOptionsError(`${WHERE}: retention must be an object { completed?, dead? }, got ${describeValue(options.retention)}`);
    }
    checkKnownKeys(options.retention, RETENTION_KEYS, WHERE, 'retention', moduleOptionHint);
  }

  return {
    connection,
    prefix: options.prefix === undefined ? DEFAULTS.prefix : checkPrefix(options.prefix, WHERE, 'prefix'),
    worker: resolveWorker(options.worker),
    connectTimeoutMs:
      options.connectTimeoutMs === undefined ? DEFAULTS.connectTimeoutMs : checkRange(options.connectTimeoutMs, WHERE, 'connectTimeoutMs', 'connectTimeoutMs'),
    defaults: {
      attempts: defaults.attempts ?? DEFAULTS.policy.attempts,
      backoff: defaults.backoff ? checkBackoff(defaults.backoff, WHERE, 'defaults.backoff') : { ...DEFAULTS.policy.backoff },
      timeout: defaults.timeout ?? DEFAULTS.policy.timeout,
    },
    retention: {
      completed: resolveRetention(options.retention?.completed, DEFAULTS.retention.completed, 'retention.completed'),
      dead: resolveRetention(options.retention?.dead, DEFAULTS.retention.dead, 'retention.dead'),
    },
    maxPayloadBytes:
      options.maxPayloadBytes === undefined ? DEFAULTS.maxPayloadBytes : checkInteger(options.maxPayloadBytes, WHERE, 'maxPayloadBytes', 1, MAX_REDIS_VALUE_BYTES),
    maxResultBytes:
      options.maxResultBytes === undefined ? DEFAULTS.maxResultBytes : checkInteger(options.maxResultBytes, WHERE, 'maxResultBytes', 1, MAX_REDIS_VALUE_BYTES),
    queues: resolveQueues(options.queues),
    taskLogs: { maxLines: resolveGroup(options.taskLogs, TASK_LOG_KEYS, 'taskLogs', 'maxLines', DEFAULTS.taskLogs.maxLines, 1, 100_000) },
    metrics: {
      gaugeIntervalMs: resolveGroup(options.metrics, METRICS_KEYS, 'metrics', 'gaugeIntervalMs', DEFAULTS.metrics.gaugeIntervalMs, 100, 3_600_000),
    },
    globalEnhancers: resolveGlobalEnhancers(options.globalEnhancers),
    durability: resolveDurability(options.durability, connection.kind === 'cluster' || (connection.kind === 'instance' && connection.cluster)),
  };
}

function resolveDurability(value: TaskModuleOptions['durability'], cluster: boolean): ResolvedTaskOptions['durability'] {
  if (value === undefined) return null;
  if (!isOptionsObject(value)) throw new InvalidTaskOptionsError(`${WHERE}: durability must be { replicas, timeoutMs? }, got ${describeValue(value)}`);
  checkKnownKeys(value, DURABILITY_KEYS, WHERE, 'durability', moduleOptionHint);
  if (cluster) {
    throw new InvalidTaskOptionsError(
      `${WHERE}: durability is for a single Redis or Sentinel; on Redis Cluster, fail masters over with CLUSTER FAILOVER (which waits for the replica)`,
    );
  }
  return {
    replicas: checkInteger(value.replicas, WHERE, 'durability.replicas', 1, 100),
    timeoutMs: value.timeoutMs === undefined ? 1_000 : checkRange(value.timeoutMs, WHERE, 'durability.timeoutMs', 'replicaWaitMs'),
  };
}

/** An option group of one integer setting, e.g. `taskLogs: { maxLines }`. */
function resolveGroup<K extends string>(
  group: Partial<Record<K, number>> | undefined,
  keys: Readonly<Record<K, true>>,
  name: string,
  key: K,
  fallback: number,
  min: number,
  max: number,
): number {
  if (group === undefined) return fallback;
  if (!isOptionsObject(group)) throw new InvalidTaskOptionsError(`${WHERE}: ${name} must be an object { ${key}? }, got ${describeValue(group)}`);
  checkKnownKeys(group, keys, WHERE, name, moduleOptionHint);
  return group[key] === undefined ? fallback : checkInteger(group[key], WHERE, `${name}.${key}`, min, max);
}

const ENHANCER_KINDS = { guards: true, interceptors: true, pipes: true } as const satisfies OptionKeys<GlobalEnhancerSettings>;

/** `globalEnhancers`: a boolean for all three kinds, or per kind (unset kinds stay on). */
function resolveGlobalEnhancers(value: TaskModuleOptions['globalEnhancers']): GlobalEnhancerSettings {
  if (value === undefined || typeof value === 'boolean') {
    const on = value !== false;
    return { guards: on, interceptors: on, pipes: on };
  }
  if (!isOptionsObject(value)) {
    throw new InvalidTaskOptionsError(`${WHERE}: globalEnhancers must be true, false or { guards?, interceptors?, pipes? }, got ${describeValue(value)}`);
  }
  checkKnownKeys(value, ENHANCER_KINDS, WHERE, 'globalEnhancers', moduleOptionHint);
  const kind = (name: keyof GlobalEnhancerSettings): boolean => {
    const on = value[name];
    if (on !== undefined && typeof on !== 'boolean') throw new InvalidTaskOptionsError(`${WHERE}: globalEnhancers.${name} must be a boolean, got ${JSON.stringify(on)}`);
    return on !== false;
  };
  return { guards: kind('guards'), interceptors: kind('interceptors'), pipes: kind('pipes') };
}

function resolveQueues(queues: TaskModuleOptions['queues']): Map<string, ResolvedQueueSettings> {
  const resolved = new Map<string, ResolvedQueueSettings>();
  if (queues === undefined) return resolved;
  if (!isOptionsObject(queues)) throw new InvalidTaskOptionsError(`${WHERE}: queues must be an object of queue name -> settings, got ${describeValue(queues)}`);
  for (const [name, value] of Object.entries(queues)) resolved.set(checkQueueName(name, WHERE, 'a queue name in queues'), resolveQueue(name, value));
  return resolved;
}
