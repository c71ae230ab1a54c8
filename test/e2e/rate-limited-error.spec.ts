import { Injectable } from '@nestjs/common';
import { RateLimitedError, TaskContext, TaskHandler } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// A handler that throws RateLimitedError(ms) puts its task back, delayed by
// about that much, without using an attempt: with attempts: 1 it still
// completes once the handler stops refusing.

interface Run {
  at: number;
  attempt: number;
}
/** Runs of each task id, in order. */
let runs = new Map<string, Run[]>();

@Injectable()
class LimitedTasks {
  @TaskHandler('call.partner')
  async call(payload: { refusals: number; retryAfterMs: number }, task: TaskContext) {
    const mine = runs.get(task.id) ?? [];
    mine.push({ at: Date.now(), attempt: task.attempt });
    runs.set(task.id, mine);
    if (mine.length <= payload.refusals) throw new RateLimitedError(payload.retryAfterMs);
    return { after: mine.length };
  }
}

describe('RateLimitedError thrown by a handler', () => {
  const prefix = uniquePrefix('rate-limited-error');
  let t: TaskApp;

  beforeAll(async () => {
    t = await startTaskApp(prefix, [LimitedTasks]);
  });

  beforeEach(() => {
    runs = new Map();
  });

  afterAll(async () => {
    await t?.close();
    await removePrefix(prefix);
  });

  it('puts the task back delayed by about retryAfterMs, attempts unchanged, and records why', async () => {
    const ref = await t.queue.enqueue('call.partner', { refusals: 1, retryAfterMs: 1_500 });
    await waitUntil(() => runs.get(ref.id)?.length === 1, 'the first run');
    const info = await waitUntil(async () => {
      const current = await t.queue.get(ref);
      return current?.state === 'delayed' ? current : null;
    }, 'the task delayed again');

    expect(info).toMatchObject({ attempts: 0, maxAttempts: 1, error: { name: 'RateLimitedError', message: 'rate limited: retry in 1500 ms' } });
    // runAt is when the refusal was recorded plus the delay (Redis time); the refusal came right after the start.
    expect(info.runAt - info.startedAt!).toBeGreaterThanOrEqual(1_500);
    expect(info.runAt - info.startedAt!).toBeLessThan(2_500);
    expect(await t.queue.counts()).toMatchObject({ delayed: 1, waiting: 0, active: 0, dead: 0 });

    await expect(t.queue.waitFor(ref, { timeout: 10_000 })).resolves.toEqual({ after: 2 });
    const [first, second] = runs.get(ref.id)!;
    expect(second.at - first.at).toBeGreaterThanOrEqual(1_500 - 5);
    expect(second.attempt).toBe(1);
    expect(await t.queue.get(ref)).toMatchObject({ state: 'completed', attempts: 1, maxAttempts: 1 });
  });

  it('can be refused many times without running out of attempts, each time waiting at least retryAfterMs', async () => {
    const ref = await t.queue.enqueue('call.partner', { refusals: 4, retryAfterMs: 200 }, { attempts: 2 });
    await expect(t.queue.waitFor(ref, { timeout: 10_000 })).resolves.toEqual({ after: 5 });

    const mine = runs.get(ref.id)!;
    expect(mine.map((run) => run.attempt)).toEqual([1, 1, 1, 1, 1]);
    for (let i = 1; i < mine.length; i++) expect(mine[i].at - mine[i - 1].at).toBeGreaterThanOrEqual(200 - 5);
    expect(await t.queue.get(ref)).toMatchObject({ state: 'completed', attempts: 1, maxAttempts: 2 });
  });

  it('refuses a negative or non-finite retryAfterMs', () => {
    expect(() => new RateLimitedError(-1)).toThrow(RangeError);
    expect(() => new RateLimitedError(Number.NaN)).toThrow(/retryAfterMs/);
  });
});
