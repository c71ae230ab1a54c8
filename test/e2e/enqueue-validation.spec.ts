import type { Redis } from 'ioredis';
import { InvalidTaskOptionsError, type EnqueueOptions } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { inspector, keysOf, removePrefix, uniquePrefix } from '../utils/redis.js';

// Bad input is rejected before anything reaches Redis: the app below never
// enqueues anything valid, so its prefix must stay empty after every test.
describe('enqueue rejects bad payloads and options and writes nothing', () => {
  const prefix = uniquePrefix('enqval');
  const MAX_BYTES = 1_024;
  let t: TaskApp;
  let redis: Redis;

  beforeAll(async () => {
    t = await startTaskApp(prefix, [], { worker: false, maxPayloadBytes: MAX_BYTES });
    redis = inspector();
  });
  afterAll(async () => {
    await t.close();
    await redis.quit();
    await removePrefix(prefix);
  });
  afterEach(async () => {
    expect(await keysOf(redis, prefix)).toEqual([]);
  });

  const circular: Record<string, unknown> = { a: 1 };
  circular.self = circular;

  it.each([
    ['a top-level function', () => 1],
    ['top-level undefined', undefined],
    ['a top-level symbol', Symbol('s')],
    ['a BigInt nested deep in the payload', { order: { lines: [{ qty: 10n }] } }],
    ['a top-level BigInt', 5n],
    ['a circular structure', circular],
  ])('throws a TypeError naming the task for %s', async (_what, payload) => {
    const error = await t.queue.enqueue('report.build', payload).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain('report.build');
    expect((error as Error).message).toMatch(/JSON/);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['a negative delay', { delay: -1 }, /\bdelay\b/],
    ['a NaN delay', { delay: Number.NaN }, /\bdelay\b/],
    ['attempts 0', { attempts: 0 }, /\battempts\b/],
    ['attempts 1.5', { attempts: 1.5 }, /\battempts\b/],
    ['priority 1.5', { priority: 1.5 }, /\bpriority\b/],
    ['priority 2,000,000', { priority: 2_000_000 }, /\bpriority\b/],
    ['priority -1,000,001', { priority: -1_000_001 }, /\bpriority\b/],
    ['a negative timeout', { timeout: -5 }, /\btimeout\b/],
    ["backoff type 'linear'", { backoff: { type: 'linear', delay: 100 } }, /backoff\.type/],
    ['a negative backoff delay', { backoff: { type: 'fixed', delay: -1 } }, /backoff\.delay/],
    ['delay and runAt together', { delay: 100, runAt: new Date(Date.now() + 1_000) }, /delay.*runAt|runAt.*delay/],
    ['an invalid Date as runAt', { runAt: new Date('not a date') }, /\brunAt must be a valid Date, got an invalid Date$/],
    ['a string as runAt', { runAt: '2030-01-01' }, /\brunAt must be a valid Date, got "2030-01-01"$/],
    ['a number as runAt', { runAt: 1_800_000_000_000 }, /\brunAt must be a valid Date, got 1800000000000 \(a number: use delay, or new Date\(ms\)\)$/],
    ['an unknown option', { delai: 5 }, /\bdelai\b/],
    ["id ''", { id: '' }, /\bid\b/],
    ['an id with braces', { id: 'a{b}' }, /\bid\b/],
    ["queue ''", { queue: '' }, /\bqueue\b/],
  ])('rejects %s with an error naming the option', async (_what, options, names) => {
    const error = await t.queue.enqueue('report.build', { ok: true }, options as EnqueueOptions).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidTaskOptionsError);
    expect((error as Error).message).toMatch(names);
    expect((error as Error).message).toContain('report.build');
  });

  it('rejects a payload over maxPayloadBytes', async () => {
    const error = await t.queue.enqueue('report.build', { blob: 'x'.repeat(MAX_BYTES) }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('report.build');
    expect((error as Error).message).toMatch(/maxPayloadBytes|bytes/);
  });

  it('measures the payload limit in UTF-8 bytes, not characters', async () => {
    // 600 two-byte characters: about 600 UTF-16 units, about 1,200 bytes.
    const payload = { text: 'é'.repeat(600) };
    expect(JSON.stringify(payload).length).toBeLessThan(MAX_BYTES);
    await expect(t.queue.enqueue('report.build', payload)).rejects.toThrow(/maxPayloadBytes|bytes/);
  });

  it('rejects a name that is not a usable string', async () => {
    await expect(t.queue.enqueue('', {})).rejects.toThrow(InvalidTaskOptionsError);
    await expect(t.queue.enqueue(42 as unknown as string, {})).rejects.toThrow(InvalidTaskOptionsError);
  });

  it('writes nothing from a batch where one payload cannot be encoded', async () => {
    await expect(
      t.queue.enqueueMany([
        { name: 'report.build', payload: { n: 1 } },
        { name: 'report.build', payload: { n: 2 }, options: { id: 'kept-out' } },
        { name: 'report.bad', payload: { n: 3n } },
        { name: 'report.build', payload: { n: 4 }, options: { queue: 'other' } },
      ]),
    ).rejects.toThrow(/report\.bad/);
  });

  it('writes nothing from a batch where one item has an invalid option', async () => {
    await expect(
      t.queue.enqueueMany([
        { name: 'report.build', payload: { n: 1 }, options: { delay: 50 } },
        { name: 'report.build', payload: { n: 2 }, options: { queue: 'other' } },
        { name: 'report.build', payload: { n: 3 }, options: { priority: 0.5 } },
      ]),
    ).rejects.toThrow(/priority/);
  });

  it("writes nothing from a batch where one item has a key it does not know, such as BullMQ's addBulk 'opts'", async () => {
    const items = [
      { name: 'report.build', payload: { n: 1 } },
      { name: 'report.build', payload: { n: 2 }, opts: { priority: 5 } },
    ];
    await expect(t.queue.enqueueMany(items as never)).rejects.toThrow(InvalidTaskOptionsError);
    await expect(t.queue.enqueueMany(items as never)).rejects.toThrow(/^enqueueMany item 1: unknown option 'opts' \(known: name, payload, options\); an item's options are 'options'$/);
    await expect(t.queue.enqueueMany([{ name: 'report.build', data: { n: 1 } }] as never)).rejects.toThrow(/unknown option 'data' .*an item's payload is 'payload'/);
    await expect(t.queue.enqueue('report.build', { n: 1 }, [] as never)).rejects.toThrow(/options must be an object/);
    // A Map's entries would be no options at all: its delay dropped, the task waiting at once.
    await expect(t.queue.enqueue('report.build', { n: 1 }, new Map([['delay', 60_000]]) as never)).rejects.toThrow(/^enqueue\('report\.build'\): options must be an object, got a Map$/);
  });

  it('names the item whose payload JSON cannot encode, and writes nothing', async () => {
    const before = await t.queue.counts();
    const items = [
      { name: 'report.build', payload: { n: 1 } },
      { name: 'report.build', payload: undefined },
    ];
    await expect(t.queue.enqueueMany(items)).rejects.toThrow(
      /^enqueueMany item 1: enqueue\('report\.build'\): the payload cannot be encoded as JSON \(a top-level undefined has no JSON form\)$/,
    );
    expect(await t.queue.counts()).toEqual(before);
  });

  it('writes nothing from a batch where one item is not an object', async () => {
    await expect(
      t.queue.enqueueMany([{ name: 'report.build', payload: { n: 1 } }, null as never]),
    ).rejects.toThrow(TypeError);
  });
});

// JSON.stringify's own rules for what it drops: nested functions and undefined
// properties vanish, functions inside arrays become null.
describe('enqueue drops nested values JSON drops', () => {
  const prefix = uniquePrefix('enqdrop');
  const MAX_BYTES = 1_024;
  let t: TaskApp;

  beforeAll(async () => {
    t = await startTaskApp(prefix, [], { worker: false, maxPayloadBytes: MAX_BYTES });
  });
  afterAll(async () => {
    await t.close();
    await removePrefix(prefix);
  });

  it('stores the payload without its nested functions', async () => {
    const payload = {
      to: 'a@b.c',
      format: () => 'html',
      nested: { keep: 2, method: function () {}, gone: undefined },
      list: [1, () => 2, 3],
    };
    const ref = await t.queue.enqueue('mail.send', payload);
    const info = await t.queue.get(ref);
    expect(info?.payload).toEqual({ to: 'a@b.c', nested: { keep: 2 }, list: [1, null, 3] });
    expect(Object.keys(info!.payload as object)).toEqual(['to', 'nested', 'list']);
  });

  it('accepts a payload just under maxPayloadBytes', async () => {
    const payload = { blob: 'x'.repeat(MAX_BYTES - 20) };
    expect(Buffer.byteLength(JSON.stringify(payload))).toBeLessThanOrEqual(MAX_BYTES);
    const ref = await t.queue.enqueue('mail.send', payload);
    expect((await t.queue.get(ref))?.payload).toEqual(payload);
  });

  it('is seen by keysOf once something is written (so the empty-prefix checks above can fail)', async () => {
    await t.queue.enqueue('mail.send', { n: 1 });
    const redis = inspector();
    try {
      expect((await keysOf(redis, prefix)).length).toBeGreaterThan(0);
    } finally {
      await redis.quit();
    }
  });
});
