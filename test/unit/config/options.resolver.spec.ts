import { InvalidTaskOptionsError } from '../../../lib/errors/invalid-task-options.error.js';
import { resolveTaskOptions } from '../../../lib/config/options.resolver.js';
import type { TaskModuleOptions } from '../../../lib/config/task-module-options.interface.js';

const URL = 'redis://127.0.0.1:6379';
const HOUR = 3_600_000;

/** The message of the InvalidTaskOptionsError that resolving `options` throws. */
function rejection(options: unknown): string {
  try {
    resolveTaskOptions(options as TaskModuleOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidTaskOptionsError);
    return (error as Error).message;
  }
  throw new Error('expected resolveTaskOptions to throw');
}

describe('resolveTaskOptions', () => {
  it('fills every default from a bare connection', () => {
    expect(resolveTaskOptions({ connection: URL })).toEqual({
      connection: { kind: 'single', options: { host: '127.0.0.1', port: 6379 }, target: '127.0.0.1:6379', secrets: [URL] },
      prefix: 'tasks',
      worker: { concurrency: 10, leaseMs: 30_000, shutdownGraceMs: 10_000, queues: null },
      connectTimeoutMs: 10_000,
      defaults: { attempts: 3, backoff: { type: 'exponential', delay: 1_000 }, timeout: 0 },
      retention: { completed: { age: 24 * HOUR, count: 1_000 }, dead: { age: 7 * 24 * HOUR, count: 10_000 } },
      maxPayloadBytes: 512 * 1024,
      maxResultBytes: 512 * 1024,
      queues: new Map(),
      taskLogs: { maxLines: 100 },
      metrics: { gaugeIntervalMs: 5_000 },
      globalEnhancers: { guards: true, interceptors: true, pipes: true },
      durability: null,
    });
  });

  it('resolves durability, and refuses it on a Cluster and with bad values', () => {
    expect(resolveTaskOptions({ connection: URL, durability: { replicas: 1 } }).durability).toEqual({ replicas: 1, timeoutMs: 1_000 });
    expect(resolveTaskOptions({ connection: URL, durability: { replicas: 2, timeoutMs: 50 } }).durability).toEqual({ replicas: 2, timeoutMs: 50 });
    expect(rejection({ connection: { cluster: ['redis://n:7000'] }, durability: { replicas: 1 } })).toMatch(/durability is for a single Redis or Sentinel/);
    expect(rejection({ connection: URL, durability: { replicas: 0 } })).toMatch(/durability\.replicas must be an integer from 1 to 100/);
    expect(rejection({ connection: URL, durability: { replicas: 1, wait: true } })).toMatch(/unknown option 'durability\.wait'/);
  });

  it('keeps every option given', () => {
    const connection = { host: 'redis.internal', port: 6380, password: 'pw' };
    const resolved = resolveTaskOptions({
      connection,
      prefix: 'jobs',
      worker: { concurrency: 2, leaseMs: 1_000, shutdownGraceMs: 0, queues: ['emails', 'reports'] },
      connectTimeoutMs: 500,
      defaults: { attempts: 1, backoff: { type: 'fixed', delay: 50, maxDelay: 60 }, timeout: 2_000 },
      retention: { completed: { age: 0, count: 0 }, dead: { count: 5 } },
      maxPayloadBytes: 1_024,
      maxResultBytes: 2_048,
      taskLogs: { maxLines: 20 },
      metrics: { gaugeIntervalMs: 1_000 },
      queues: {
        emails: { events: false, rateLimit: { max: 100, perMs: 1_000 }, concurrency: 2, defaults: { attempts: 5, removeOnDead: { age: 60_000 } } },
        reports: { events: { maxLen: 50 } },
      },
      globalEnhancers: { guards: false },
    });
    expect(resolved).toEqual({
      connection: { kind: 'single', options: connection, target: 'redis.internal:6380', secrets: ['pw'] },
      prefix: 'jobs',
      worker: { concurrency: 2, leaseMs: 1_000, shutdownGraceMs: 0, queues: ['emails', 'reports'] },
      connectTimeoutMs: 500,
      defaults: { attempts: 1, backoff: { type: 'fixed', delay: 50, maxDelay: 60 }, timeout: 2_000 },
      retention: { completed: { age: 0, count: 0 }, dead: { age: 7 * 24 * HOUR, count: 5 } },
      maxPayloadBytes: 1_024,
      maxResultBytes: 2_048,
      queues: new Map([
        ['emails', { eventsMaxLen: 0, rateLimit: { max: 100, perMs: 1_000 }, concurrency: 2, defaults: { attempts: 5, removeOnDead: { age: 60_000, count: null } } }],
        ['reports', { eventsMaxLen: 50, rateLimit: null, concurrency: null, defaults: {} }],
      ]),
      taskLogs: { maxLines: 20 },
      metrics: { gaugeIntervalMs: 1_000 },
      globalEnhancers: { guards: false, interceptors: true, pipes: true },
      durability: null,
    });
  });

  it.each([
    [{ taskLogs: { maxLines: 0 } }, /taskLogs\.maxLines must be an integer from 1 to 100000, got 0/],
    [{ taskLogs: { lines: 5 } }, /unknown option 'taskLogs\.lines' \(known: maxLines\)/],
    [{ taskLogs: 5 }, /taskLogs must be an object \{ maxLines\? \}/],
    [{ metrics: { gaugeIntervalMs: 10 } }, /metrics\.gaugeIntervalMs must be an integer from 100 to 3600000, got 10/],
    [{ metrics: { interval: 1 } }, /unknown option 'metrics\.interval'/],
    // null and arrays are refused like any other wrong shape, not read as "the defaults".
    [{ worker: null }, /worker must be an object \{ concurrency\?, leaseMs\?, shutdownGraceMs\?, queues\? \} or false/],
    [{ worker: [] }, /worker must be an object/],
    [{ defaults: null }, /defaults must be an object \{ attempts\?, backoff\?, timeout\? \}/],
    [{ queues: [] }, /queues must be an object of queue name -> settings/],
    [{ retention: [] }, /retention must be an object/],
    [{ maxPayloadBytes: 512 * 1024 * 1024 + 1 }, /maxPayloadBytes must be an integer from 1 to 536870912, got 536870913/],
  ])('rejects bad task log and metrics settings %j', (options, message) => {
    expect(() => resolveTaskOptions({ connection: URL, ...(options as object) })).toThrow(message);
  });

  it.each([
    [{ emails: { rateLimit: { max: 0, perMs: 1000 } } }, /queues\.emails\.rateLimit\.max must be an integer >= 1, got 0/],
    [{ emails: { rateLimit: { max: 5 } } }, /queues\.emails\.rateLimit\.perMs must be an integer from 1 to 2147483647/],
    [{ emails: { events: { maxLen: 0 } } }, /queues\.emails\.events\.maxLen must be an integer >= 1/],
    [{ emails: { event: false } }, /unknown option 'queues\.emails\.event'/],
    [{ 'bad{name': {} }, /a queue name in queues must be a non-empty string/],
    [{ emails: { concurrency: 0 } }, /queues\.emails\.concurrency must be an integer from 1 to 10000, got 0/],
    [{ emails: { defaults: { attempts: 0 } } }, /queues\.emails\.defaults\.attempts must be an integer >= 1, got 0/],
    [{ emails: { defaults: { removeOnComplete: 'yes' } } }, /queues\.emails\.defaults\.removeOnComplete must be true, false or \{ age\?, count\? \}/],
    [{ emails: { defaults: { retries: 2 } } }, /unknown option 'queues\.emails\.defaults\.retries'/],
    [{ emails: { defaults: 3 } }, /queues\.emails\.defaults must be an object/],
  ])('rejects bad queue settings %j', (queues, message) => {
    expect(() => resolveTaskOptions({ connection: URL, queues: queues as never })).toThrow(message);
  });

  it('fills the worker fields left unset', () => {
    expect(resolveTaskOptions({ connection: URL, worker: { concurrency: 3 } }).worker).toEqual({
      concurrency: 3,
      leaseMs: 30_000,
      shutdownGraceMs: 10_000,
      queues: null,
    });
  });

  it('fills the default policy fields left unset', () => {
    expect(resolveTaskOptions({ connection: URL, defaults: { attempts: 5 } }).defaults).toEqual({
      attempts: 5,
      backoff: { type: 'exponential', delay: 1_000 },
      timeout: 0,
    });
  });

  it('reads false as keeping: the module retention with no limit, and a task or queue default kept past the module limits', () => {
    const resolved = resolveTaskOptions({
      connection: URL,
      retention: { completed: false },
      queues: { audit: { defaults: { removeOnComplete: false, removeOnDead: false } } },
    });
    expect(resolved.retention.completed).toEqual({ age: -1, count: -1 });
    expect(resolved.retention.dead).toEqual({ age: 7 * 24 * HOUR, count: 10_000 });
    const kept = { age: Number.MAX_SAFE_INTEGER, count: Number.MAX_SAFE_INTEGER };
    expect(resolved.queues.get('audit')!.defaults).toEqual({ removeOnComplete: kept, removeOnDead: kept });
    expect(() => resolveTaskOptions({ connection: URL, retention: { dead: true as never } })).toThrow(/retention\.dead must be false or an object \{ age\?, count\? \}/);
  });

  it('gives a producer-only app (worker: null) for worker: false', () => {
    expect(resolveTaskOptions({ connection: URL, worker: false }).worker).toBeNull();
  });

  it('does not share the default objects between resolutions', () => {
    const first = resolveTaskOptions({ connection: URL });
    first.defaults.backoff!.delay = 1;
    first.retention.completed.count = 1;
    const second = resolveTaskOptions({ connection: URL });
    expect(second.defaults.backoff).toEqual({ type: 'exponential', delay: 1_000 });
    expect(second.retention.completed.count).toBe(1_000);
  });

  it.each([undefined, null, 'redis://127.0.0.1:6379', 42])('rejects %p as the options', (options) => {
    expect(rejection(options)).toContain('TaskModule options');
  });

  it.each([undefined, null, 6379, true])('rejects the connection %p', (connection) => {
    const message = rejection({ connection });
    expect(message).toContain('TaskModule options');
    expect(message).toContain('connection');
  });

  it.each(['', '{tasks}', 'a\nb', 7])('rejects the prefix %p', (prefix) => {
    expect(rejection({ connection: URL, prefix })).toMatch(/TaskModule options: prefix must be/);
  });

  it.each<[string, Record<string, unknown>]>([
    ['worker.concurrency', { concurrency: 0 }],
    ['worker.concurrency', { concurrency: 1.5 }],
    ['worker.concurrency', { concurrency: 10_001 }],
    ['worker.leaseMs', { leaseMs: 99 }],
    ['worker.leaseMs', { leaseMs: '30s' }],
    ['worker.shutdownGraceMs', { shutdownGraceMs: -1 }],
    ['worker.queues must be an array of queue names', { queues: 'emails' }],
    ['worker.queues is empty: list the queues this process serves, or set worker: false', { queues: [] }],
    ['worker.queues[1]', { queues: ['emails', 7] }],
    ["worker.queues[0] cannot contain ':'", { queues: ['a:b'] }],
    ["worker.queues lists 'emails' twice", { queues: ['emails', 'reports', 'emails'] }],
  ])('rejects a bad %s (%j)', (field, worker) => {
    const message = rejection({ connection: URL, worker });
    expect(message).toContain('TaskModule options');
    expect(message).toContain(field);
  });

  it.each([5, 'yes'])('rejects the worker %p, which is neither an object nor false', (worker) => {
    expect(rejection({ connection: URL, worker })).toContain('worker');
  });

  it.each([0, -1, 1.5])('rejects the connectTimeoutMs %p', (connectTimeoutMs) => {
    expect(rejection({ connection: URL, connectTimeoutMs })).toContain('connectTimeoutMs');
  });

  it.each<[string, Record<string, unknown>]>([
    ['attempts', { attempts: 0 }],
    ['attempts', { attempts: 1.5 }],
    ['timeout', { timeout: -5 }],
    ['timeout', { timeout: Number.NaN }],
    ['backoff.type', { backoff: { type: 'linear', delay: 100 } }],
    ['backoff.delay', { backoff: { type: 'fixed', delay: -1 } }],
    ['backoff', { backoff: null }],
  ])('rejects bad defaults naming %s (%j)', (field, defaults) => {
    const message = rejection({ connection: URL, defaults });
    expect(message).toMatch(new RegExp(`^TaskModule options: defaults\\.${field.replace('.', '\\.')}\\b`));
  });

  it.each<[string, Record<string, unknown>]>([
    ['retention.completed.age', { completed: { age: -1 } }],
    ['retention.completed.count', { completed: { count: 1.5 } }],
    ['retention.dead.count', { dead: { count: -2 } }],
    ['retention.dead', { dead: 'forever' }],
    ['retention.completed', { completed: null }],
  ])('rejects bad retention naming %s (%j)', (field, retention) => {
    expect(rejection({ connection: URL, retention })).toContain(field);
  });

  it.each([0, -1, 1.5, 512 * 1024 * 1024 + 1])('rejects the maxResultBytes %p, naming it', (maxResultBytes) => {
    expect(rejection({ connection: URL, maxResultBytes })).toMatch(/^TaskModule options: maxResultBytes must be an integer from 1 to 536870912, got /);
  });

  it.each([0, -1, 1.5])('rejects the maxPayloadBytes %p', (maxPayloadBytes) => {
    expect(rejection({ connection: URL, maxPayloadBytes })).toContain('maxPayloadBytes');
  });

  it.each([
    [false, { guards: false, interceptors: false, pipes: false }],
    [true, { guards: true, interceptors: true, pipes: true }],
    [{ interceptors: false }, { guards: true, interceptors: false, pipes: true }],
  ])('reads globalEnhancers %j', (globalEnhancers, expected) => {
    expect(resolveTaskOptions({ connection: URL, globalEnhancers }).globalEnhancers).toEqual(expected);
  });

  it.each([
    ['yes', /globalEnhancers must be true, false or \{ guards\?, interceptors\?, pipes\? \}/],
    [{ guard: false }, /unknown option 'globalEnhancers\.guard'/],
    [{ pipes: 'no' }, /globalEnhancers\.pipes must be a boolean/],
  ])('rejects globalEnhancers %j', (globalEnhancers, message) => {
    expect(() => resolveTaskOptions({ connection: URL, globalEnhancers: globalEnhancers as never })).toThrow(message);
  });

  // A Map's entries, an array's items and a Date's nothing would read as an
  // object with no settings: the defaults, silently.
  it.each<[string, Record<string, unknown>]>([
    ['retention.completed', { retention: { completed: [] } }],
    ['retention.dead', { retention: { dead: new Date() } }],
    ['retention', { retention: new Map() }],
    ['queues', { queues: new Map([['emails', { concurrency: 2 }]]) }],
    ['queues.emails', { queues: { emails: [] } }],
    ['queues.emails.events', { queues: { emails: { events: [] } } }],
    ['queues.emails.rateLimit', { queues: { emails: { rateLimit: [5, 1000] } } }],
    ['queues.emails.defaults', { queues: { emails: { defaults: [] } } }],
    ['queues.emails.defaults.backoff', { queues: { emails: { defaults: { backoff: [] } } } }],
    ['queues.emails.defaults.removeOnComplete', { queues: { emails: { defaults: { removeOnComplete: [] } } } }],
    ['taskLogs', { taskLogs: [] }],
    ['metrics', { metrics: new Map() }],
    ['globalEnhancers', { globalEnhancers: [] }],
    ['durability', { durability: [1] }],
    ['worker', { worker: [] }],
    ['defaults', { defaults: new Map() }],
    ['defaults.backoff', { defaults: { backoff: new Map() } }],
  ])('refuses a built-in object or array as %s, naming it and what it got', (field, options) => {
    const message = rejection({ connection: URL, ...options });
    expect(message).toMatch(new RegExp(`^TaskModule options: ${field.replaceAll('.', '\\.')} must be .*got (an array|a Map|a Date)$`));
  });

  it('refuses a Map as the options themselves', () => {
    expect(rejection(new Map([['connection', URL]]))).toMatch(/expected an object with at least \{ connection \}/);
  });
});
