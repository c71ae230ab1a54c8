import { InvalidTaskOptionsError } from '../errors/invalid-task-options.error.js';
import { checkBackoff, checkInteger, checkKnownKeys, checkName, checkPolicy } from './option-checks.js';
import type { RetentionOptions, TaskModuleOptions } from './task-module-options.interface.js';
import { DEFAULT_QUEUE_SETTINGS, type ResolvedQueueSettings, type ResolvedRetention, type ResolvedTaskOptions } from './resolved-options.js';
import type { QueueOptions } from './task-module-options.interface.js';

const WHERE = 'TaskModule options';
const HOUR = 3_600_000;

/** The defaults, in one place. */
export const DEFAULTS = {
  prefix: 'tasks',
  connectTimeoutMs: 10_000,
  worker: { concurrency: 10, leaseMs: 30_000, shutdownGraceMs: 10_000 },
  policy: { attempts: 3, backoff: { type: 'exponential', delay: 1_000 } as const, timeout: 0 },
  retention: { completed: { age: 24 * HOUR, count: 1_000 }, dead: { age: 7 * 24 * HOUR, count: 10_000 } },
  maxPayloadBytes: 512 * 1024,
} as const;

function resolveRetention(value: RetentionOptions | undefined, fallback: ResolvedRetention, field: string): ResolvedRetention {
  if (value === undefined) return { ...fallback };
  if (value === null || typeof value !== 'object') {
    throw new InvalidTaskOptionsError(`${WHERE}: ${field} must be an object { age?, count? }`);
  }
  checkKnownKeys(value, ['age', 'count'], WHERE, field);
  return {
    age: value.age === undefined ? fallback.age : checkInteger(value.age, WHERE, `${field}.age`, 0),
    count: value.count === undefined ? fallback.count : checkInteger(value.count, WHERE, `${field}.count`, 0),
  };
}

function resolveQueue(name: string, value: QueueOptions): ResolvedQueueSettings {
  const field = `queues.${name}`;
  if (value === null || typeof value !== 'object') throw new InvalidTaskOptionsError(`${WHERE}: ${field} must be an object { events?, rateLimit? }`);
  checkKnownKeys(value, ['events', 'rateLimit'], WHERE, field);
  let eventsMaxLen = DEFAULT_QUEUE_SETTINGS.eventsMaxLen;
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
    checkKnownKeys(value.rateLimit, ['max', 'perMs'], WHERE, `${field}.rateLimit`);
    rateLimit = {
      max: checkInteger(value.rateLimit.max, WHERE, `${field}.rateLimit.max`, 1),
      perMs: checkInteger(value.rateLimit.perMs, WHERE, `${field}.rateLimit.perMs`, 1),
    };
  }
  return { eventsMaxLen, rateLimit };
}

/** Validates module options and fills in every default. Throws InvalidTaskOptionsError at bootstrap. */
export function resolveTaskOptions(options: TaskModuleOptions): ResolvedTaskOptions {
  if (!options || typeof options !== 'object') {
    throw new InvalidTaskOptionsError(`${WHERE}: expected an object with at least { connection }`);
  }
  checkKnownKeys(
    options,
    ['connection', 'prefix', 'worker', 'connectTimeoutMs', 'defaults', 'retention', 'maxPayloadBytes', 'queues'],
    WHERE,
    '',
  );
  const { connection } = options;
  if (typeof connection !== 'string' && (connection === null || typeof connection !== 'object')) {
    throw new InvalidTaskOptionsError(`${WHERE}: connection must be a Redis URL or ioredis options`);
  }
  const prefix = options.prefix === undefined ? DEFAULTS.prefix : checkName(options.prefix, WHERE, 'prefix');

  let worker: ResolvedTaskOptions['worker'] = null;
  if (options.worker !== false) {
    const w = options.worker ?? {};
    if (w === null || typeof w !== 'object') {
      throw new InvalidTaskOptionsError(`${WHERE}: worker must be an object { concurrency?, leaseMs?, shutdownGraceMs? } or false`);
    }
    checkKnownKeys(w, ['concurrency', 'leaseMs', 'shutdownGraceMs'], WHERE, 'worker');
    worker = {
      concurrency: w.concurrency === undefined ? DEFAULTS.worker.concurrency : checkInteger(w.concurrency, WHERE, 'worker.concurrency', 1, 10_000),
      leaseMs: w.leaseMs === undefined ? DEFAULTS.worker.leaseMs : checkInteger(w.leaseMs, WHERE, 'worker.leaseMs', 100),
      shutdownGraceMs:
        w.shutdownGraceMs === undefined ? DEFAULTS.worker.shutdownGraceMs : checkInteger(w.shutdownGraceMs, WHERE, 'worker.shutdownGraceMs', 0),
    };
  }

  const defaults = options.defaults ?? {};
  if (defaults === null || typeof defaults !== 'object') throw new InvalidTaskOptionsError(`${WHERE}: defaults must be an object`);
  checkKnownKeys(defaults, ['attempts', 'backoff', 'timeout'], WHERE, 'defaults');
  checkPolicy(defaults, `${WHERE} defaults`);
  if (options.retention !== undefined) {
    if (options.retention === null || typeof options.retention !== 'object') {
      throw new InvalidTaskOptionsError(`${WHERE}: retention must be an object { completed?, dead? }`);
    }
    checkKnownKeys(options.retention, ['completed', 'dead'], WHERE, 'retention');
  }

  return {
    connection,
    prefix,
    worker,
    connectTimeoutMs:
      options.connectTimeoutMs === undefined ? DEFAULTS.connectTimeoutMs : checkInteger(options.connectTimeoutMs, WHERE, 'connectTimeoutMs', 1),
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
  };
}

function resolveQueues(queues: TaskModuleOptions['queues']): Map<string, ResolvedQueueSettings> {
  const resolved = new Map<string, ResolvedQueueSettings>();
  if (queues === undefined) return resolved;
  if (queues === null || typeof queues !== 'object') throw new InvalidTaskOptionsError(`${WHERE}: queues must be an object of queue name -> settings`);
  for (const [name, value] of Object.entries(queues)) resolved.set(checkName(name, WHERE, 'a queue name in queues'), resolveQueue(name, value));
  return resolved;
}
