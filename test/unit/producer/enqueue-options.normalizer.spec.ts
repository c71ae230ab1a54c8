import { InvalidTaskOptionsError } from '../../../lib/errors/invalid-task-options.error.js';
import type { EnqueueOptions } from '../../../lib/interfaces/enqueue-options.interface.js';
import type { FallbackPolicy } from '../../../lib/config/resolved-options.js';
import type { HandlerDefaults } from '../../../lib/discovery/handler-options.normalizer.js';
import { MAX_DEPENDENCIES } from '../../../lib/engine/new-task.js';
import { normalizeEnqueue } from '../../../lib/producer/enqueue-options.normalizer.js';

const POLICY: FallbackPolicy = { attempts: 3, backoff: { type: 'exponential', delay: 1000 }, timeout: 0, removeOnComplete: null, removeOnDead: null };
const DEFAULTS = () => POLICY;
const LIMIT = 512 * 1024;
const newId = () => 'generated-1';

/** A handler's defaults: its queue (default 'default') and the policy fields given. */
const handlerWith = (fields: Partial<HandlerDefaults>): HandlerDefaults => ({ queue: 'default', removeOnComplete: null, removeOnDead: null, ...fields });

function normalize(options?: EnqueueOptions, handler?: Partial<HandlerDefaults>) {
  return normalizeEnqueue('email.send', { to: 'a@b.c' }, options, handler && handlerWith(handler), DEFAULTS, LIMIT, newId);
}

/** The message of the InvalidTaskOptionsError normalizing `options` throws; it must name the task. */
function rejection(options: unknown, ...name: [unknown?]): string {
  try {
    normalizeEnqueue(name.length ? name[0] : 'email.send', {}, options as EnqueueOptions, undefined, DEFAULTS, LIMIT, newId);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidTaskOptionsError);
    return (error as Error).message;
  }
  throw new Error('expected normalizeEnqueue to throw');
}

describe('normalizeEnqueue', () => {
  it('uses the module defaults and the default queue without options or handler', () => {
    expect(normalize()).toEqual({
      queue: 'default',
      task: {
        id: 'generated-1',
        name: 'email.send',
        payloadJson: '{"to":"a@b.c"}',
        priority: 0,
        delayMs: 0,
        runAt: null,
        maxAttempts: 3,
        backoff: { type: 'exponential', delay: 1000 },
        timeoutMs: 0,
        dependsOn: [],
        dependencyFailure: 'dead',
        removeOnComplete: null,
        removeOnDead: null,
      },
    });
  });

  it("uses the handler's options over the module defaults", () => {
    const { task } = normalize(undefined, { attempts: 5, backoff: { type: 'fixed', delay: 10 }, timeout: 200 });
    expect(task).toMatchObject({ maxAttempts: 5, backoff: { type: 'fixed', delay: 10 }, timeoutMs: 200 });
  });

  it("uses the enqueue options over the handler's", () => {
    const handler: HandlerDefaults = { queue: 'mail', attempts: 5, backoff: { type: 'fixed', delay: 10 }, timeout: 200, removeOnComplete: null, removeOnDead: null };
    const { queue, task } = normalize(
      { queue: 'urgent', attempts: 1, backoff: { type: 'exponential', delay: 7, maxDelay: 9 }, timeout: 50 },
      handler,
    );
    expect(queue).toBe('urgent');
    expect(task).toMatchObject({ maxAttempts: 1, backoff: { type: 'exponential', delay: 7, maxDelay: 9 }, timeoutMs: 50 });
  });

  it('mixes the levels field by field', () => {
    const { task } = normalize({ timeout: 75 }, { attempts: 4 });
    expect(task).toMatchObject({ maxAttempts: 4, backoff: POLICY.backoff, timeoutMs: 75 });
    // 0 is no limit, and it wins over a handler's limit as any enqueue option does.
    expect(normalize({ timeout: 0 }, { timeout: 200 }).task.timeoutMs).toBe(0);
  });

  it("routes a task to its handler's queue when enqueue names none", () => {
    expect(normalize(undefined, { queue: 'mail' }).queue).toBe('mail');
    expect(normalize({ priority: 1 }, { queue: 'mail' }).queue).toBe('mail');
  });

  it('keeps an idempotency id and the priority given', () => {
    expect(normalize({ id: 'order-42', priority: -7 }).task).toMatchObject({ id: 'order-42', priority: -7 });
  });

  it('turns a delay into whole milliseconds, rounding up', () => {
    expect(normalize({ delay: 1500 }).task).toMatchObject({ delayMs: 1500, runAt: null });
    expect(normalize({ delay: 0.2 }).task.delayMs).toBe(1);
  });

  it('turns runAt into epoch milliseconds', () => {
    const at = new Date('2030-01-02T03:04:05.678Z');
    expect(normalize({ runAt: at }).task).toMatchObject({ runAt: at.getTime(), delayMs: 0 });
  });

  it('accepts the priority bounds', () => {
    expect(normalize({ priority: 1_000_000 }).task.priority).toBe(1_000_000);
    expect(normalize({ priority: -1_000_000 }).task.priority).toBe(-1_000_000);
  });

  it.each([1_000_001, -1_000_001, 1.5, '10', Number.NaN])('rejects the priority %p', (priority) => {
    const message = rejection({ priority });
    expect(message).toContain("enqueue('email.send')");
    expect(message).toContain('priority');
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, '100'])('rejects the delay %p', (delay) => {
    expect(rejection({ delay })).toMatch(/enqueue\('email\.send'\): delay must be/);
  });

  it.each([new Date('not a date'), '2030-01-01', 1893456000000])('rejects the runAt %p', (runAt) => {
    expect(rejection({ runAt })).toContain('runAt');
  });

  it('rejects delay and runAt together', () => {
    expect(rejection({ delay: 10, runAt: new Date() })).toContain('delay or runAt');
  });

  it.each<[string, Record<string, unknown>]>([
    ['attempts', { attempts: 0 }],
    ['timeout', { timeout: -1 }],
    ['timeout', { timeout: Number.POSITIVE_INFINITY }],
    ['backoff.type', { backoff: { type: 'linear', delay: 1 } }],
    ['backoff', { backoff: null }],
    ['id', { id: '' }],
    ['queue', { queue: '{evil}' }],
    ['queue', { queue: 'billing:default' }],
  ])('rejects a bad %s (%j)', (field, options) => {
    const message = rejection(options);
    expect(message).toContain("enqueue('email.send')");
    expect(message).toContain(field);
  });

  it('rejects an unknown option by name', () => {
    expect(rejection({ delayMs: 100 })).toBe(
      "enqueue('email.send'): unknown option 'delayMs' (known: id, delay, runAt, priority, attempts, backoff, timeout, queue, dependsOn, dependencyFailure, removeOnComplete, removeOnDead)",
    );
  });

  it.each(['constructor', 'toString', 'hasOwnProperty', '__proto__'])("rejects the unknown option '%s', a name every object inherits", (key) => {
    expect(rejection(JSON.parse(`{"${key}": 1}`))).toMatch(new RegExp(`^enqueue\\('email\\.send'\\): unknown option '${key}' \\(known: [^)]*\\)$`));
  });

  it('takes 10,000 dependencies and refuses more, before anything is written, saying how to split them', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `d${i}`);
    const task = normalizeEnqueue('email.send', {}, { dependsOn: ids(MAX_DEPENDENCIES) }, undefined, DEFAULTS, LIMIT, newId);
    expect(task.task.dependsOn).toHaveLength(10_000);
    expect(rejection({ dependsOn: ids(MAX_DEPENDENCIES + 1) })).toBe(
      "enqueue('email.send'): dependsOn names 10001 tasks, more than 10000: the script that stores the task would hold Redis for seconds; " +
        'depend on a few tasks that each depend on a share of them instead',
    );
  });

  it('rejects options that are not an object', () => {
    expect(rejection(5)).toContain('options must be an object');
  });

  it.each(['', 'a{b}', 42, undefined])('rejects the task name %p', (name) => {
    expect(rejection(undefined, name)).toContain('the task name');
  });

  it("throws a TypeError naming the task for a payload JSON can't carry", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const payload of [undefined, () => 1, { n: 1n }, cyclic]) {
      const encode = () => normalizeEnqueue('email.send', payload, undefined, undefined, DEFAULTS, LIMIT, newId);
      expect(encode).toThrow(TypeError);
      expect(encode).toThrow(/email\.send/);
    }
  });

  it('rejects a payload over maxPayloadBytes', () => {
    expect(() => normalizeEnqueue('email.send', 'x'.repeat(20), undefined, undefined, DEFAULTS, 10, newId)).toThrow(
      /email\.send.*over the limit of 10 bytes/,
    );
  });
});
