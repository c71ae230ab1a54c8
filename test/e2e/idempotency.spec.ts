import { Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { TaskHandler } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { inspector, keysOf, removePrefix, uniquePrefix } from '../utils/redis.js';
import { sleep, waitUntil } from '../utils/wait.js';

@Injectable()
class OrderTasks {
  readonly runs: Array<{ name: string; payload: unknown }> = [];

  @TaskHandler('order.charge')
  async charge(payload: { amount: number }) {
    this.runs.push({ name: 'order.charge', payload });
    return { charged: payload.amount };
  }

  @TaskHandler('order.refund')
  async refund(payload: unknown) {
    this.runs.push({ name: 'order.refund', payload });
    throw new Error('refund rejected');
  }
}

describe('an id given to enqueue is an idempotency key (producer only: tasks stay waiting)', () => {
  const prefix = uniquePrefix('idem-p');
  let t: TaskApp;
  let redis: Redis;

  beforeAll(async () => {
    t = await startTaskApp(prefix, [], { worker: false });
    redis = inspector();
  });
  afterAll(async () => {
    await t.close();
    await redis.quit();
    await removePrefix(prefix);
  });

  it('returns the same ref for the same id, adds nothing and keeps the first payload', async () => {
    const first = await t.queue.enqueue('order.charge', { amount: 10 }, { id: 'order-1' });
    const keysAfterFirst = (await keysOf(redis, prefix)).sort();
    const second = await t.queue.enqueue('order.charge', { amount: 99 }, { id: 'order-1', priority: 5, delay: 60_000 });
    expect(second).toEqual(first);
    expect(first).toEqual({ id: 'order-1', queue: 'default' });
    expect(await t.queue.counts()).toMatchObject({ waiting: 1, delayed: 0 });
    expect(await t.queue.get(first)).toMatchObject({ payload: { amount: 10 }, priority: 0, state: 'waiting' });
    expect((await keysOf(redis, prefix)).sort()).toEqual(keysAfterFirst);
  });

  it('frees the id once the task is removed (cancelled), and the new task has the new payload', async () => {
    await t.queue.enqueue('order.charge', { amount: 1 }, { id: 'order-2' });
    expect(await t.queue.cancel('order-2')).toBe(true);
    const again = await t.queue.enqueue('order.charge', { amount: 2 }, { id: 'order-2' });
    expect(again).toEqual({ id: 'order-2', queue: 'default' });
    expect(await t.queue.get(again)).toMatchObject({ payload: { amount: 2 }, state: 'waiting' });
  });

  it('generates unique string ids, never one a caller already took', async () => {
    // Explicit ids that look like generated ones must not be handed out again.
    const taken = await t.queue.enqueueMany(['1', '2', '3', '5'].map((id) => ({ name: 'gen.x', payload: { id }, options: { id, queue: 'gen' } })));
    const generated = [
      ...(await t.queue.enqueueMany(Array.from({ length: 200 }, (_, n) => ({ name: 'gen.x', payload: { n }, options: { queue: 'gen' } })))),
      await t.queue.enqueue('gen.x', { n: 200 }, { queue: 'gen' }),
      await t.queue.enqueue('gen.x', { n: 201 }, { queue: 'gen' }),
    ];
    const ids = generated.map((r) => r.id);
    for (const id of ids) expect(typeof id).toBe('string');
    expect(new Set(ids).size).toBe(ids.length);
    for (const ref of taken) expect(ids).not.toContain(ref.id);
    expect((await t.queue.counts('gen')).waiting).toBe(taken.length + generated.length);
    expect(await t.queue.get('5', { queue: 'gen' })).toMatchObject({ payload: { id: '5' } });
  });

  it('keeps ids unique per queue: the same id in two queues is two tasks', async () => {
    const a = await t.queue.enqueue('order.charge', { amount: 1 }, { id: 'shared', queue: 'qa' });
    const b = await t.queue.enqueue('order.charge', { amount: 2 }, { id: 'shared', queue: 'qb' });
    expect(a).toEqual({ id: 'shared', queue: 'qa' });
    expect(b).toEqual({ id: 'shared', queue: 'qb' });
    expect(await t.queue.get(a)).toMatchObject({ payload: { amount: 1 } });
    expect(await t.queue.get(b)).toMatchObject({ payload: { amount: 2 } });
    expect((await t.queue.counts('qa')).waiting).toBe(1);
    expect((await t.queue.counts('qb')).waiting).toBe(1);
  });

  it('enqueueMany returns refs in order, duplicates within the batch included', async () => {
    const refs = await t.queue.enqueueMany([
      { name: 'order.charge', payload: { v: 1 }, options: { id: 'x', queue: 'batch' } },
      { name: 'order.charge', payload: { v: 2 }, options: { queue: 'batch' } },
      { name: 'order.charge', payload: { v: 3 }, options: { id: 'x', queue: 'batch' } },
      { name: 'order.charge', payload: { v: 4 }, options: { id: 'y', queue: 'other-batch' } },
      { name: 'order.charge', payload: { v: 5 }, options: { id: 'y', queue: 'batch' } },
      { name: 'order.charge', payload: { v: 6 }, options: { id: 'y', queue: 'other-batch' } },
    ]);
    expect(refs).toHaveLength(6);
    expect(refs[0]).toEqual({ id: 'x', queue: 'batch' });
    expect(refs[1].queue).toBe('batch');
    expect(refs[1].id).not.toBe('x');
    expect(refs[2]).toEqual({ id: 'x', queue: 'batch' });
    expect(refs[3]).toEqual({ id: 'y', queue: 'other-batch' });
    expect(refs[4]).toEqual({ id: 'y', queue: 'batch' });
    expect(refs[5]).toEqual({ id: 'y', queue: 'other-batch' });
    expect(await t.queue.get(refs[1])).toMatchObject({ payload: { v: 2 } });
    expect(await t.queue.get('x', { queue: 'batch' })).toMatchObject({ payload: { v: 1 } });
    expect(await t.queue.get('y', { queue: 'other-batch' })).toMatchObject({ payload: { v: 4 } });
    expect(await t.queue.get('y', { queue: 'batch' })).toMatchObject({ payload: { v: 5 } });
    expect((await t.queue.counts('batch')).waiting).toBe(3);
    expect((await t.queue.counts('other-batch')).waiting).toBe(1);
  });

  it('enqueueMany returns the existing ref for an id that already exists', async () => {
    await t.queue.enqueue('order.charge', { v: 'first' }, { id: 'pre', queue: 'batch2' });
    const refs = await t.queue.enqueueMany([
      { name: 'order.charge', payload: { v: 'second' }, options: { id: 'pre', queue: 'batch2' } },
      { name: 'order.charge', payload: { v: 'third' }, options: { id: 'fresh', queue: 'batch2' } },
    ]);
    expect(refs).toEqual([{ id: 'pre', queue: 'batch2' }, { id: 'fresh', queue: 'batch2' }]);
    expect(await t.queue.get('pre', { queue: 'batch2' })).toMatchObject({ payload: { v: 'first' } });
    expect((await t.queue.counts('batch2')).waiting).toBe(2);
  });
});

describe('an idempotency key holds while the task is completed or dead (worker app)', () => {
  const prefix = uniquePrefix('idem-w');
  let t: TaskApp;
  let tasks: OrderTasks;

  beforeAll(async () => {
    t = await startTaskApp(prefix, [OrderTasks]);
    tasks = t.get(OrderTasks);
  });
  afterAll(async () => {
    await t.close();
    await removePrefix(prefix);
  });

  it('does not run a completed task again for the same id', async () => {
    const first = await t.queue.enqueue('order.charge', { amount: 10 }, { id: 'charge-1' });
    await expect(t.queue.waitFor(first, { timeout: 5_000 })).resolves.toEqual({ charged: 10 });
    const second = await t.queue.enqueue('order.charge', { amount: 20 }, { id: 'charge-1' });
    expect(second).toEqual(first);
    await expect(t.queue.waitFor(second, { timeout: 5_000 })).resolves.toEqual({ charged: 10 });
    await sleep(300);
    expect(tasks.runs.filter((r) => r.name === 'order.charge')).toEqual([{ name: 'order.charge', payload: { amount: 10 } }]);
    expect(await t.queue.get(first)).toMatchObject({ state: 'completed', payload: { amount: 10 }, attempts: 1 });
    expect(await t.queue.counts()).toMatchObject({ waiting: 0, delayed: 0, active: 0, completed: 1 });
  });

  it('does not run a dead task again for the same id', async () => {
    const first = await t.queue.enqueue('order.refund', { amount: 5 }, { id: 'refund-1' });
    await expect(t.queue.waitFor(first, { timeout: 5_000 })).rejects.toThrow('refund rejected');
    const second = await t.queue.enqueue('order.refund', { amount: 6 }, { id: 'refund-1' });
    expect(second).toEqual(first);
    await sleep(300);
    expect(tasks.runs.filter((r) => r.name === 'order.refund')).toEqual([{ name: 'order.refund', payload: { amount: 5 } }]);
    expect(await t.queue.get(first)).toMatchObject({ state: 'dead', payload: { amount: 5 }, attempts: 1 });
  });
});

describe('an idempotency key is freed when retention removes the task', () => {
  const prefix = uniquePrefix('idem-r');
  let t: TaskApp;
  let tasks: OrderTasks;

  beforeAll(async () => {
    t = await startTaskApp(prefix, [OrderTasks], { retention: { completed: { count: 0 } } });
    tasks = t.get(OrderTasks);
  });
  afterAll(async () => {
    await t.close();
    await removePrefix(prefix);
  });

  it('runs a task again with the same id once the completed one was removed', async () => {
    // Not waitFor: with count 0 the record may be gone before waitFor looks (TaskNotFoundError).
    const first = await t.queue.enqueue('order.charge', { amount: 1 }, { id: 'charge-r' });
    await waitUntil(async () => tasks.runs.length === 1 && (await t.queue.get(first)) === null, 'the first task to run and be removed');
    const second = await t.queue.enqueue('order.charge', { amount: 2 }, { id: 'charge-r' });
    expect(second).toEqual(first);
    await waitUntil(async () => tasks.runs.length === 2 && (await t.queue.get(second)) === null, 'the second task to run and be removed');
    expect(tasks.runs.map((r) => r.payload)).toEqual([{ amount: 1 }, { amount: 2 }]);
  });
});
