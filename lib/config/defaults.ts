const HOUR = 3_600_000;

/** Every default of the module options, in one place. */
export const DEFAULTS = {
  prefix: 'tasks',
  connectTimeoutMs: 10_000,
  worker: { concurrency: 10, leaseMs: 30_000, shutdownGraceMs: 10_000 },
  policy: { attempts: 3, backoff: { type: 'exponential', delay: 1_000 } as const, timeout: 0 },
  retention: { completed: { age: 24 * HOUR, count: 1_000 }, dead: { age: 7 * 24 * HOUR, count: 10_000 } },
  maxPayloadBytes: 512 * 1024,
  maxResultBytes: 512 * 1024,
  /** The queue a task or handler uses when none is given. */
  queue: 'default',
  taskLogs: { maxLines: 100 },
  metrics: { gaugeIntervalMs: 5_000 },
} as const;

/** A queue's settings when the options name none for it: events on (about 10,000 kept), no rate limit, the module's defaults and concurrency. */
export const DEFAULT_QUEUE_SETTINGS = { eventsMaxLen: 10_000, rateLimit: null, defaults: {}, concurrency: null } as const;
