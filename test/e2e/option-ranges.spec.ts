import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { InvalidTaskOptionsError, TaskHandler, TaskModule } from '../../lib/index.js';
import { MAX_DELAY_MS, MAX_TIMER_MS } from '../../lib/config/option-ranges.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { TEST_CONNECTION, prefixKeys, removePrefix, uniquePrefix } from '../utils/redis.js';

// Numbers a timer or a stored time cannot hold are refused where they are
// given, never left to overflow: a timeout above 2^31-1 ms used to fire at
// once, a delay of 1e19 was stored as a negative time.
describe('numeric options out of range', () => {
  const prefix = uniquePrefix('ranges');
  let t: TaskApp;

  beforeAll(async () => {
    t = await startTaskApp(prefix, [], { worker: false });
  });
  afterAll(async () => {
    await t.close();
    await removePrefix(prefix);
  });

  it.each([
    ['timeout above 2^31-1 ms', { timeout: 3_000_000_000 }, /timeout must be a number from 0 to 2147483647 \(ms; 0 for no limit\), got 3000000000$/],
    ['delay of 1e19', { delay: 1e19 }, /delay must be a number from 0 to 315360000000/],
    ['backoff delay past the longest delay', { backoff: { type: 'fixed', delay: MAX_DELAY_MS + 1 } }, /backoff\.delay must be an integer/],
    ['runAt after the year 9999', { runAt: new Date(8.64e15) }, /runAt \(as epoch ms\) must be an integer from 0/],
    ['runAt before 1970', { runAt: new Date(-1) }, /runAt \(as epoch ms\) must be an integer from 0/],
  ] as const)('refuses %s at enqueue, writing nothing', async (_what, options, message) => {
    const error = await t.queue.enqueue('r.task', {}, options as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidTaskOptionsError);
    expect((error as Error).message).toMatch(message);
    expect(await prefixKeys(prefix)).toEqual([]);
  });

  it('refuses an id that is not well-formed Unicode instead of storing it as U+FFFD', async () => {
    for (const id of ['order-\uD800', 'order-\uDFFF']) {
      await expect(t.queue.enqueue('r.task', {}, { id })).rejects.toThrow(/id must be well-formed Unicode/);
    }
    expect(await prefixKeys(prefix)).toEqual([]);
  });

  it('refuses a waitFor timeout a timer cannot hold', async () => {
    await expect(t.queue.waitFor('x', { timeout: MAX_TIMER_MS + 1 })).rejects.toThrow(/waitFor: timeout must be an integer from 1 to 2147483647/);
  });

  it('refuses a schedule every past the longest delay', async () => {
    await expect(t.queue.schedule('s', 'r.task', {}, { every: MAX_DELAY_MS + 1 })).rejects.toThrow(/every must be an integer from 100 to/);
  });

  it.each([
    ['worker.leaseMs', { worker: { leaseMs: 2 ** 31 } }],
    ['worker.shutdownGraceMs', { worker: { shutdownGraceMs: 2 ** 31 } }],
    ['connectTimeoutMs', { connectTimeoutMs: 2 ** 31 }],
    ['defaults: timeout', { defaults: { timeout: 2 ** 31 } }],
  ])('stops bootstrap for %s out of range', async (field, options) => {
    const compiled = Test.createTestingModule({ imports: [TaskModule.forRoot({ connection: TEST_CONNECTION, prefix, ...options })] }).compile();
    await expect(compiled.then((m) => m.init())).rejects.toThrow(new RegExp(`${field.split(':')[0]}.*must be`));
  });

  it('stops bootstrap for a handler timeout out of range', async () => {
    @Injectable()
    class Overflowing {
      @TaskHandler('r.overflow', { timeout: 3_000_000_000 })
      run() {}
    }
    const compiled = Test.createTestingModule({ imports: [TaskModule.forRoot({ connection: TEST_CONNECTION, prefix })], providers: [Overflowing] }).compile();
    await expect(compiled.then((m) => m.init())).rejects.toThrow(/@TaskHandler on Overflowing\.run: timeout must be a number from 0 to 2147483647 \(ms; 0 for no limit\)/);
  });
});
