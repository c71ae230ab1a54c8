import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import { CONNECTION_SHAPES, resolveConnection } from './connection.resolver.js';
import { DEFAULTS, DEFAULT_QUEUE_SETTINGS } from './defaults.js';
import { checkBackoff, checkInteger, checkKnownKeys, checkName, checkPolicy, checkRange, type OptionKeys } from './option-checks.js';
import type { ResolvedQueueSettings, ResolvedRetention, ResolvedTaskOptions } from './resolved-options.js';
import type { QueueOptions, RetentionOptions, TaskModuleOptions, WorkerOptions } from './task-module-options.interface.js';
import type { TaskPolicyOptions } from '../interfaces/task-policy-options.interface.js';

const WHERE = 'TaskModule options';

const MODULE_KEYS = {
  connection: true, prefix: true, worker: true, connectTimeoutMs: true, defaults: true, retention: true, maxPayloadBytes: true, queues: true,
  durability: true,
} as const satisfies OptionKeys<TaskModuleOptions>;
const WORKER_KEYS = { concurrency: true, leaseMs: true, shutdownGraceMs: true } as const satisfies OptionKeys<WorkerOptions>;
const POLICY_KEYS = { attempts: true, backoff: true, timeout: true } as const satisfies OptionKeys<TaskPolicyOptions>;
const RETENTION_KEYS = { completed: true, dead: true } as const satisfies OptionKeys<NonNullable<TaskModuleOptions['retention']>>;
const RETENTION_LIMIT_KEYS = { age: true, count: true } as const satisfies OptionKeys<RetentionOptions>;
const QUEUE_KEYS = { events: true, rateLimit: true } as const satisfies OptionKeys<QueueOptions>;
const DURABILITY_KEYS = { replicas: true, timeoutMs: true } as const satisfies OptionKeys<NonNullable<TaskModuleOptions['durability']>>;
const RATE_LIMIT_KEYS = { max: true, perMs: true } as const satisfies OptionKeys<NonNullable<QueueOptions['rateLimit']>>;

function resolveRetention(value: RetentionOptions | undefined, fallback: ResolvedRetention, field: string): ResolvedRetention {
  if (value === undefined) return { ...fallback };
  if (value === null || typeof value !== 'object') {
    throw new InvalidTaskOptionsError(`${WHERE}: ${field} must be an object { age?, count? }`);
  }
  checkKnownKeys(value, RETENTION_LIMIT_KEYS, WHERE, field);
  return {
    age: value.age === undefined ? fallback.age : checkInteger(value.age, WHERE, `${field}.age`, 0),
    count: value.count === undefined ? fallback.count : checkInteger(value.count, WHERE, `${field}.count`, 0),
  };
}

function resolveQueue(name: string, value: QueueOptions): ResolvedQueueSettings {
  const field = `queues.${name}`;
  if (value === null || typeof value !== 'object') throw new InvalidTaskOptionsError(`${WHERE}: ${field} must be an object { events?, rateLimit? }`);
  checkKnownKeys(value, QUEUE_KEYS, WHERE, field);
  let eventsMaxLen: number = DEFAULT_QUEUE_SETTINGS.eventsMaxLen;
  if (value.events === false) eventsMaxLen = 0;
  else if (value.events !== undefined && value.events !== true) {
    if (value.events === null || typeof value.events !== 'object') {
      throw new InvalidTaskOptionsError(`${WHERE}: ${field}.events must be true, false or { maxLen }`);
    }
    checkKnownKeys(value.events, ['maxLen'], WHERE, `${field}.events`);
    if (value.events.maxLen !== undefined) eventsMaxLen = checkInteger(value.events.maxLen, WHERE, `${field}.events.maxLen`, 1);
  }
  let rateLimit: ResolvedQueueSettings['rateLimit'] = null;
  if (value.rateLimit !== undefined) {
    if (value.rateLimit === null || typeof value.rateLimit !== 'object') {
      throw new InvalidTaskOptionsError(`${WHERE}: ${field}.rateLimit must be { max, perMs }`);
    }
    checkKnownKeys(value.rateLimit, RATE_LIMIT_KEYS, WHERE, `${field}.rateLimit`);
    rateLimit = {
      max: checkInteger(value.rateLimit.max, WHERE, `${field}.rateLimit.max`, 1),
      perMs: checkRange(value.rateLimit.perMs, WHERE, `${field}.rateLimit.perMs`, 'rateLimitPerMs'),
    };
  }
  return { eventsMaxLen, rateLimit };
}

function resolveWorker(value: TaskModuleOptions['worker']): ResolvedTaskOptions['worker'] {
  if (value === false) return null;
  const w = value ?? {};
  if (w === null || typeof w !== 'object') {
    throw new InvalidTaskOptionsError(`${WHERE}: worker must be an object { concurrency?, leaseMs?, shutdownGraceMs? } or false`);
  }
  checkKnownKeys(w, WORKER_KEYS, WHERE, 'worker');
  const d = DEFAULTS.worker;
  return {
    concurrency: w.concurrency === undefined ? d.concurrency : checkInteger(w.concurrency, WHERE, 'worker.concurrency', 1, 10_000),
    leaseMs: w.leaseMs === undefined ? d.leaseMs : checkRange(w.leaseMs, WHERE, 'worker.leaseMs', 'leaseMs'),
    shutdownGraceMs: w.shutdownGraceMs === undefined ? d.shutdownGraceMs : checkRange(w.shutdownGraceMs, WHERE, 'worker.shutdownGraceMs', 'shutdownGraceMs'),
  };
}

/** Validates module options and fills in every default. Throws InvalidTaskOptionsError at bootstrap. */
export function resolveTaskOptions(options: TaskModuleOptions): ResolvedTaskOptions {
  if (!options || typeof options !== 'object') {
    throw new InvalidTaskOptionsError(`${WHERE}: expected an object with at least { connection }`);
  }
  checkKnownKeys(options, MODULE_KEYS, WHERE, '');
  if (options.connection === undefined) throw new InvalidTaskOptionsError(`${WHERE}: connection is required (${CONNECTION_SHAPES})`);
  const connection = resolveConnection(options.connection);
  const defaults = options.defaults ?? {};
  if (defaults === null || typeof defaults !== 'object') throw new InvalidTaskOptionsError(`${WHERE}: defaults must be an object`);
  checkKnownKeys(defaults, POLICY_KEYS, WHERE, 'defaults');
  checkPolicy(defaults, `${WHERE} defaults`);
  if (options.retention !== undefined) {
    if (options.retention === null || typeof options.retention !== 'object') {
      throw new InvalidTaskOptionsError(`${WHERE}: retention must be an object { completed?, dead? }`);
    }
    checkKnownKeys(options.retention, RETENTION_KEYS, WHERE, 'retention');
  }

  return {
    connection,
    prefix: options.prefix === undefined ? DEFAULTS.prefix : checkName(options.prefix, WHERE, 'prefix'),
    worker: resolveWorker(options.worker),
    connectTimeoutMs:
      options.connectTimeoutMs === undefined ? DEFAULTS.connectTimeoutMs : checkRange(options.connectTimeoutMs, WHERE, 'connectTimeoutMs', 'connectTimeoutMs'),
    defaults: {
      attempts: defaults.attempts ?? DEFAULTS.policy.attempts,
      backoff: defaults.backoff ? checkBackoff(defaults.backoff, WHERE) : { ...DEFAULTS.policy.backoff },
      timeout: defaults.timeout ?? DEFAULTS.policy.timeout,
    },
    retention: {
      completed: resolveRetention(options.retention?.completed, DEFAULTS.retention.completed, 'retention.completed'),
      dead: resolveRetention(options.retention?.dead, DEFAULTS.retention.dead, 'retention.dead'),
    },
    maxPayloadBytes:
      options.maxPayloadBytes === undefined ? DEFAULTS.maxPayloadBytes : checkInteger(options.maxPayloadBytes, WHERE, 'maxPayloadBytes', 1),
    queues: resolveQueues(options.queues),
    durability: resolveDurability(options.durability, connection.kind === 'cluster' || (connection.kind === 'instance' && connection.cluster)),
  };
}

function resolveDurability(value: TaskModuleOptions['durability'], cluster: boolean): ResolvedTaskOptions['durability'] {
  if (value === undefined) return null;
  if (value === null || typeof value !== 'object') throw new InvalidTaskOptionsError(`${WHERE}: durability must be { replicas, timeoutMs? }`);
  checkKnownKeys(value, DURABILITY_KEYS, WHERE, 'durability');
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

function resolveQueues(queues: TaskModuleOptions['queues']): Map<string, ResolvedQueueSettings> {
  const resolved = new Map<string, ResolvedQueueSettings>();
  if (queues === undefined) return resolved;
  if (queues === null || typeof queues !== 'object') throw new InvalidTaskOptionsError(`${WHERE}: queues must be an object of queue name -> settings`);
  for (const [name, value] of Object.entries(queues)) resolved.set(checkName(name, WHERE, 'a queue name in queues'), resolveQueue(name, value));
  return resolved;
}
