import { Injectable } from '@nestjs/common';
import { TaskContext, TaskFailedError, TaskHandler } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

@Injectable()
class CountedTasks {
  private gate: Promise<void> = Promise.resolve();
  release: () => void = () => undefined;
  blocked = 0;
  readonly flakyRuns: Array<{ id: string; attempt: number }> = [];

  /** Makes the next 'c.block' runs wait until `release()`. */
  hold(): void {
    this.gate = new Promise<void>((resolve) => {
      this.release = resolve;
    });
  }

  @TaskHandler('c.block')
  async block() {
    this.blocked++;
    await this.gate;
    return 'unblocked';
  }

  @TaskHandler('c.ok')
  async ok(payload: { n: number }) {
    return payload.n;
  }

  @TaskHandler('c.flaky')
  async flaky(_payload: unknown, task: TaskContext) {
    this.flakyRuns.push({ id: task.id, attempt: task.attempt });
    throw new Error(`flaky failure ${task.attempt}/${task.maxAttempts}`);
  }
}

/** Worker settings that make a busy worker stop fetching: one task at a time. */
const ONE_AT_A_TIME = { worker: { concurrency: 1, leaseMs: 5_000, shutdownGraceMs: 2_000 } };

describe('cancel and counts without a worker (producer-only app)', () => {
  const prefix = uniquePrefix('crc-p');
  let t: TaskApp;

  beforeAll(async () => {
    t = await startTaskApp(prefix, [], { worker: false });
  });
  afterAll(async () => {
    await t.close();
    await removePrefix(prefix);
  });

  it('counts waiting and delayed tasks exactly', async () => {
    const queue = 'counted';
    await t.queue.enqueueMany([1, 2, 3].map((n) => ({ name: 'c.ok', payload: { n }, options: { queue } })));
    await t.queue.enqueue('c.ok', { n: 4 }, { queue, delay: 60_000 });
    await t.queue.enqueue('c.ok', { n: 5 }, { queue, delay: 30_000 });
    await t.queue.enqueue('c.ok', { n: 6 }, { queue, runAt: new Date(Date.now() + 60_000) });
    await t.queue.enqueue('c.ok', { n: 7 }, { queue, runAt: new Date(Date.now() - 60_000) });
    // A runAt in the past is waiting at once.
    expect(await t.queue.counts(queue)).toEqual({ waiting: 4, delayed: 3, active: 0, completed: 0, dead: 0, blocked: 0, paused: false });
    expect(await t.queue.counts()).toEqual({ waiting: 0, delayed: 0, active: 0, completed: 0, dead: 0, blocked: 0, paused: false });
  });

  it('cancels a waiting task: true, then get() is null and a second cancel is false', async () => {
    const queue = 'cancel-waiting';
    const keep = await t.queue.enqueue('c.ok', { n: 1 }, { queue });
    const ref = await t.queue.enqueue('c.ok', { n: 2 }, { queue });
    expect(await t.queue.cancel(ref)).toBe(true);
    expect(await t.queue.get(ref)).toBeNull();
    expect(await t.queue.cancel(ref)).toBe(false);
    expect(await t.queue.counts(queue)).toMatchObject({ waiting: 1, delayed: 0 });
    expect(await t.queue.get(keep)).toMatchObject({ state: 'waiting' });
  });

  it('cancels delayed tasks (delay and runAt) the same way', async () => {
    const queue = 'cancel-delayed';
    const byDelay = await t.queue.enqueue('c.ok', { n: 1 }, { queue, delay: 60_000 });
    const byRunAt = await t.queue.enqueue('c.ok', { n: 2 }, { queue, runAt: new Date(Date.now() + 60_000) });
    expect(await t.queue.counts(queue)).toMatchObject({ delayed: 2 });
    expect(await t.queue.cancel(byDelay)).toBe(true);
    expect(await t.queue.get(byDelay)).toBeNull();
    expect(await t.queue.cancel(byDelay)).toBe(false);
    expect(await t.queue.cancel(byRunAt.id, { queue })).toBe(true);
    expect(await t.queue.get(byRunAt)).toBeNull();
    expect(await t.queue.counts(queue)).toEqual({ waiting: 0, delayed: 0, active: 0, completed: 0, dead: 0, blocked: 0, paused: false });
  });

  it('returns false for cancel and retry of an unknown id, and for retry of a waiting or delayed task', async () => {
    const queue = 'no-retry';
    expect(await t.queue.cancel('nope', { queue })).toBe(false);
    expect(await t.queue.retry('nope', { queue })).toBe(false);
    const waiting = await t.queue.enqueue('c.ok', { n: 1 }, { queue });
    const delayed = await t.queue.enqueue('c.ok', { n: 2 }, { queue, delay: 60_000 });
    expect(await t.queue.retry(waiting)).toBe(false);
    expect(await t.queue.retry(delayed)).toBe(false);
    expect(await t.queue.get(waiting)).toMatchObject({ state: 'waiting', attempts: 0 });
    expect(await t.queue.get(delayed)).toMatchObject({ state: 'delayed', attempts: 0 });
    expect(await t.queue.counts(queue)).toMatchObject({ waiting: 1, delayed: 1 });
  });
});

describe('cancel and retry of tasks a worker has taken', () => {
  const prefix = uniquePrefix('crc-w');
  let t: TaskApp;
  let tasks: CountedTasks;

  beforeAll(async () => {
    t = await startTaskApp(prefix, [CountedTasks], ONE_AT_A_TIME);
    tasks = t.get(CountedTasks);
  });
  afterAll(async () => {
    tasks.release();
    await t.close();
    await removePrefix(prefix);
  });

  it('will not cancel an active, completed or dead task', async () => {
    tasks.hold();
    const active = await t.queue.enqueue('c.block', {});
    await waitUntil(async () => (await t.queue.get(active))?.state === 'active', 'the blocking task to be active');
    expect(await t.queue.cancel(active)).toBe(false);
    expect(await t.queue.retry(active)).toBe(false);
    tasks.release();
    await expect(t.queue.waitFor(active, { timeout: 5_000 })).resolves.toBe('unblocked');
    expect(await t.queue.cancel(active)).toBe(false);
    expect(await t.queue.get(active)).toMatchObject({ state: 'completed' });

    const dead = await t.queue.enqueue('c.flaky', {}, { attempts: 1 });
    await expect(t.queue.waitFor(dead, { timeout: 5_000 })).rejects.toThrow(TaskFailedError);
    expect(await t.queue.cancel(dead)).toBe(false);
    expect(await t.queue.get(dead)).toMatchObject({ state: 'dead' });
  });

  it('returns false for retry of a completed task', async () => {
    const ref = await t.queue.enqueue('c.ok', { n: 1 });
    await expect(t.queue.waitFor(ref, { timeout: 5_000 })).resolves.toBe(1);
    expect(await t.queue.retry(ref)).toBe(false);
    expect(await t.queue.get(ref)).toMatchObject({ state: 'completed', attempts: 1 });
  });

  it('retries a dead task: back to waiting, then a fresh budget of attempts', async () => {
    const ref = await t.queue.enqueue('c.flaky', {}, { attempts: 3, backoff: { type: 'fixed', delay: 0 } });
    await expect(t.queue.waitFor(ref, { timeout: 5_000 })).rejects.toThrow('flaky failure 3/3');
    expect(tasks.flakyRuns.filter((r) => r.id === ref.id).map((r) => r.attempt)).toEqual([1, 2, 3]);

    // Occupy the only slot so the retried task stays visibly waiting.
    tasks.hold();
    const blocker = await t.queue.enqueue('c.block', {});
    await waitUntil(async () => (await t.queue.get(blocker))?.state === 'active', 'the blocking task to be active');

    expect(await t.queue.retry(ref)).toBe(true);
    expect(await t.queue.retry(ref)).toBe(false);
    expect(await t.queue.get(ref)).toMatchObject({ state: 'waiting', attempts: 0, maxAttempts: 3, finishedAt: null });
    expect(await t.queue.counts()).toMatchObject({ waiting: 1, active: 1 });

    tasks.release();
    await expect(t.queue.waitFor(ref, { timeout: 5_000 })).rejects.toThrow('flaky failure 3/3');
    expect(tasks.flakyRuns.filter((r) => r.id === ref.id).map((r) => r.attempt)).toEqual([1, 2, 3, 1, 2, 3]);
    expect(await t.queue.get(ref)).toMatchObject({ state: 'dead', attempts: 3, error: { message: 'flaky failure 3/3' } });
  });
});

describe('counts() with tasks in every state', () => {
  const prefix = uniquePrefix('crc-c');
  let t: TaskApp;
  let tasks: CountedTasks;

  beforeAll(async () => {
    t = await startTaskApp(prefix, [CountedTasks], ONE_AT_A_TIME);
    tasks = t.get(CountedTasks);
  });
  afterAll(async () => {
    tasks.release();
    await t.close();
    await removePrefix(prefix);
  });

  it('reflects waiting, delayed, active, completed and dead exactly', async () => {
    expect(await t.queue.counts()).toEqual({ waiting: 0, delayed: 0, active: 0, completed: 0, dead: 0, blocked: 0, paused: false });

    await t.queue.enqueueMany([1, 2, 3].map((n) => ({ name: 'c.ok', payload: { n } })));
    await waitUntil(async () => (await t.queue.counts()).completed === 3, '3 completed tasks');
    await t.queue.enqueueMany([1, 2].map(() => ({ name: 'c.flaky', payload: {}, options: { attempts: 1 } })));
    await waitUntil(async () => (await t.queue.counts()).dead === 2, '2 dead tasks');

    tasks.hold();
    await t.queue.enqueue('c.block', {});
    await waitUntil(() => tasks.blocked === 1, 'the blocking task to start');
    await t.queue.enqueueMany([4, 5, 6, 7].map((n) => ({ name: 'c.ok', payload: { n } })));
    const delayed = await t.queue.enqueueMany([8, 9].map((n) => ({ name: 'c.ok', payload: { n }, options: { delay: 60_000 } })));

    expect(await t.queue.counts()).toEqual({ waiting: 4, delayed: 2, active: 1, completed: 3, dead: 2, blocked: 0, paused: false });
    expect(await t.queue.counts('elsewhere')).toEqual({ waiting: 0, delayed: 0, active: 0, completed: 0, dead: 0, blocked: 0, paused: false });

    tasks.release();
    await waitUntil(async () => (await t.queue.counts()).completed === 8, '8 completed tasks');
    expect(await t.queue.counts()).toEqual({ waiting: 0, delayed: 2, active: 0, completed: 8, dead: 2, blocked: 0, paused: false });

    for (const ref of delayed) expect(await t.queue.cancel(ref)).toBe(true);
    expect(await t.queue.counts()).toEqual({ waiting: 0, delayed: 0, active: 0, completed: 8, dead: 2, blocked: 0, paused: false });
  });
});
