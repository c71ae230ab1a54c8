import { Injectable } from '@nestjs/common';
import { TaskContext, TaskFailedError, TaskHandler, type TaskInfo } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { inspector, removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

@Injectable()
class InfoTasks {
  private gate: Promise<void> = Promise.resolve();
  release: () => void = () => undefined;

  /** Makes the next 'info.work' runs block until `release()`. */
  hold(): void {
    this.gate = new Promise<void>((resolve) => {
      this.release = resolve;
    });
  }

  @TaskHandler('info.work')
  async work(payload: { n: number }, task: TaskContext) {
    await task.progress(30);
    await this.gate;
    return { total: payload.n * 2 };
  }

  @TaskHandler('info.fail')
  async fail(_payload: unknown, task: TaskContext) {
    throw new Error(`disk full on attempt ${task.attempt}`, { cause: new Error('ENOSPC: no space left on device, write') });
  }
}

@Injectable()
class EmailTasks {
  @TaskHandler('email.send', { queue: 'emails' })
  async send(payload: { to: string }) {
    return { sent: payload.to };
  }

  @TaskHandler('email.bounce', { queue: 'emails' })
  async bounce(payload: { to: string }) {
    throw new Error(`mailbox ${payload.to} unavailable`);
  }
}

// Redis time and this process's clock are the same machine's clock; the slack
// only absorbs rounding and scheduling.
const SLACK_MS = 1_000;

function expectTimestampsOrdered(info: TaskInfo): void {
  expect(info.runAt).toBeGreaterThanOrEqual(info.enqueuedAt);
  if (info.startedAt !== null) expect(info.startedAt).toBeGreaterThanOrEqual(info.runAt);
  if (info.finishedAt !== null) expect(info.finishedAt).toBeGreaterThanOrEqual(info.startedAt ?? info.runAt);
}

describe('get() describes a task in each state; lookups take a ref or an id with its queue', () => {
  const prefix = uniquePrefix('info');
  let t: TaskApp;
  let tasks: InfoTasks;

  beforeAll(async () => {
    t = await startTaskApp(prefix, [InfoTasks, EmailTasks]);
    tasks = t.get(InfoTasks);
  });
  afterAll(async () => {
    tasks.release();
    await t.close();
    await removePrefix(prefix);
  });

  it('describes a waiting task (queue "parked" has no worker in this app)', async () => {
    const before = Date.now();
    const ref = await t.queue.enqueue('info.work', { n: 1 }, { queue: 'parked', priority: 7, attempts: 4 });
    const after = Date.now();
    const info = await t.queue.get(ref);
    expect(info).toEqual({
      id: ref.id,
      name: 'info.work',
      queue: 'parked',
      payload: { n: 1 },
      state: 'waiting',
      priority: 7,
      attempts: 0,
      maxAttempts: 4,
      result: undefined,
      error: null,
      progress: undefined,
      enqueuedAt: expect.any(Number),
      runAt: expect.any(Number),
      startedAt: null,
      finishedAt: null,
    });
    expect(info!.enqueuedAt).toBeGreaterThanOrEqual(before - SLACK_MS);
    expect(info!.enqueuedAt).toBeLessThanOrEqual(after + SLACK_MS);
    expect(info!.runAt).toBe(info!.enqueuedAt);
  });

  it('describes a delayed task, due delay ms after it was enqueued', async () => {
    const ref = await t.queue.enqueue('info.work', { n: 2 }, { delay: 60_000 });
    const info = await t.queue.get(ref);
    expect(info).toMatchObject({ state: 'delayed', queue: 'default', priority: 0, attempts: 0, startedAt: null, finishedAt: null });
    expect(info!.runAt - info!.enqueuedAt).toBe(60_000);

    const runAt = new Date(Date.now() + 120_000);
    const atRef = await t.queue.enqueue('info.work', { n: 3 }, { runAt });
    const atInfo = await t.queue.get(atRef);
    expect(atInfo).toMatchObject({ state: 'delayed', runAt: runAt.getTime() });
    expect(await t.queue.cancel(ref)).toBe(true);
    expect(await t.queue.cancel(atRef)).toBe(true);
  });

  it('describes an active task, then the same task completed', async () => {
    tasks.hold();
    const ref = await t.queue.enqueue('info.work', { n: 21 });
    const active = await waitUntil(async () => {
      const info = await t.queue.get(ref);
      return info?.state === 'active' && info.progress === 30 ? info : null;
    }, 'the task to be active with progress 30');
    expect(active).toMatchObject({ attempts: 1, maxAttempts: 1, result: undefined, error: null, finishedAt: null });
    expect(active.startedAt).toEqual(expect.any(Number));
    expectTimestampsOrdered(active);

    tasks.release();
    await expect(t.queue.waitFor(ref, { timeout: 5_000 })).resolves.toEqual({ total: 42 });
    const done = await t.queue.get(ref);
    expect(done).toMatchObject({
      id: ref.id,
      name: 'info.work',
      queue: 'default',
      payload: { n: 21 },
      state: 'completed',
      attempts: 1,
      result: { total: 42 },
      error: null,
      progress: 30,
      startedAt: active.startedAt,
      enqueuedAt: active.enqueuedAt,
    });
    expect(done!.finishedAt).toEqual(expect.any(Number));
    expectTimestampsOrdered(done!);
  });

  it('describes a dead task with the error of its last attempt', async () => {
    const ref = await t.queue.enqueue('info.fail', { x: 1 }, { attempts: 2, backoff: { type: 'fixed', delay: 0 } });
    await expect(t.queue.waitFor(ref, { timeout: 5_000 })).rejects.toThrow('disk full on attempt 2');
    const info = await t.queue.get(ref);
    expect(info).toMatchObject({ state: 'dead', attempts: 2, maxAttempts: 2, result: undefined, payload: { x: 1 } });
    expect(info!.error?.message).toBe('disk full on attempt 2');
    expect(info!.error?.stack).toMatch(/^Error: disk full on attempt 2\n[^]*\nCaused by: Error: ENOSPC: no space left on device, write\n/);
    // Each attempt's history entry keeps its causes too.
    expect((await t.queue.history(ref))?.map((a) => a.error?.stack?.includes('Caused by: Error: ENOSPC'))).toEqual([true, true]);
    expect(info!.startedAt).toEqual(expect.any(Number));
    expect(info!.finishedAt).toEqual(expect.any(Number));
    expectTimestampsOrdered(info!);
  });

  it('finds the queues that hold a task of an id (ids are unique within a queue only), and refuses an id no task can have', async () => {
    const a = await t.queue.enqueue('info.work', { n: 1 }, { id: 'shared-id', delay: 600_000 });
    const b = await t.queue.enqueue('email.send', { to: 'x@y.z' }, { id: 'shared-id', delay: 600_000 });
    expect([a.queue, b.queue]).toEqual(['default', 'emails']);
    expect(await t.queue.findQueues('shared-id')).toEqual(['default', 'emails']);
    await t.queue.cancel(a);
    expect(await t.queue.findQueues('shared-id')).toEqual(['emails']);
    expect(await t.queue.findQueues('no-such-task')).toEqual([]);
    await expect(t.queue.findQueues('' as string)).rejects.toThrow(/^findQueues: id must be/);
    await t.queue.cancel(b);
  });

  it('reads a history entry written by 0.1.0 (no run field) as an attempt of the first run', async () => {
    const ref = await t.queue.enqueue('info.fail', { x: 2 }, { attempts: 1 });
    await expect(t.queue.waitFor(ref, { timeout: 5_000 })).rejects.toThrow('disk full on attempt 1');
    const admin = inspector();
    try {
      const key = `{${prefix}:default}:h:${ref.id}`;
      const [entry] = await admin.lrange(key, 0, 0);
      expect(entry).toMatch(/^1,\d+,\d+,,x,1\n/);
      // As 0.1.0 wrote it: the same fields but the run.
      await admin.lset(key, 0, entry.replace(/^(1,\d+,\d+,,x),1\n/, '$1\n'));
    } finally {
      await admin.quit();
    }
    expect(await t.queue.history(ref)).toEqual([expect.objectContaining({ attempt: 1, outcome: 'dead', run: 1, error: expect.objectContaining({ message: 'disk full on attempt 1' }) })]);
  });

  it('returns null for an id no task has', async () => {
    expect(await t.queue.get('no-such-task')).toBeNull();
    expect(await t.queue.get('no-such-task', { queue: 'emails' })).toBeNull();
    expect(await t.queue.get({ id: 'no-such-task', queue: 'parked' })).toBeNull();
  });

  it('sends a task without a queue option to its handler\'s queue', async () => {
    const ref = await t.queue.enqueue('email.send', { to: 'a@b.c' });
    expect(ref.queue).toBe('emails');
    await expect(t.queue.waitFor(ref, { timeout: 5_000 })).resolves.toEqual({ sent: 'a@b.c' });
    expect(await t.queue.get(ref.id)).toBeNull();
    expect(await t.queue.get(ref.id, { queue: 'emails' })).toMatchObject({ queue: 'emails', state: 'completed' });
    expect((await t.queue.counts('emails')).completed).toBeGreaterThanOrEqual(1);

    const elsewhere = await t.queue.enqueue('email.send', { to: 'x@y.z' }, { queue: 'parked' });
    expect(elsewhere.queue).toBe('parked');
    expect(await t.queue.get(elsewhere)).toMatchObject({ queue: 'parked', state: 'waiting' });
  });

  it('get and cancel accept a ref, or a bare id with { queue }, and a bare id alone means the default queue', async () => {
    // Explicit ids: generated ids are per-queue sequences, so '1' may exist in both queues.
    const first = await t.queue.enqueue('info.work', { n: 5 }, { queue: 'parked', id: 'parked-only-1' });
    const second = await t.queue.enqueue('info.work', { n: 6 }, { queue: 'parked', id: 'parked-only-2' });
    expect(await t.queue.get(first.id, { queue: 'parked' })).toEqual(await t.queue.get(first));
    expect(await t.queue.get(first.id)).toBeNull();

    expect(await t.queue.cancel(first.id)).toBe(false);
    expect(await t.queue.cancel(first.id, { queue: 'parked' })).toBe(true);
    expect(await t.queue.cancel(second)).toBe(true);
    expect(await t.queue.get(first)).toBeNull();
    expect(await t.queue.get(second)).toBeNull();
  });

  it('retry and waitFor accept a ref, or a bare id with { queue }', async () => {
    const ref = await t.queue.enqueue('email.bounce', { to: 'gone@b.c' }, { id: 'emails-only-1' });
    expect(ref).toEqual({ id: 'emails-only-1', queue: 'emails' });
    await expect(t.queue.waitFor(ref.id, { queue: 'emails', timeout: 5_000 })).rejects.toThrow(TaskFailedError);

    expect(await t.queue.retry(ref.id)).toBe(false);
    expect(await t.queue.retry(ref.id, { queue: 'emails' })).toBe(true);
    await expect(t.queue.waitFor(ref, { timeout: 5_000 })).rejects.toThrow('mailbox gone@b.c unavailable');
    expect(await t.queue.retry(ref)).toBe(true);
    await expect(t.queue.waitFor(ref, { timeout: 5_000 })).rejects.toThrow(TaskFailedError);

    const sent = await t.queue.enqueue('email.send', { to: 'ok@b.c' });
    await expect(t.queue.waitFor(sent.id, { queue: 'emails', timeout: 5_000 })).resolves.toEqual({ sent: 'ok@b.c' });
  });
});
