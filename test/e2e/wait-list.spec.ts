import { Injectable } from '@nestjs/common';
import { TaskHandler } from '../../lib/index.js';
import { QueueKeys } from '../../lib/redis/queue-keys.js';
import { useStoredQueue } from '../fixtures/stored-queue.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { keysOf } from '../utils/redis.js';
import { storeAsVersion010 } from '../utils/stored-payload.js';
import { waitUntil } from '../utils/wait.js';

@Injectable()
class RecordingTasks {
  readonly order: string[] = [];

  @TaskHandler('wl.run')
  run(payload: { label: string }) {
    this.order.push(payload.label);
  }
}

/** One task at a time, so the order of execution is the order of fetching. */
const ONE_AT_A_TIME = { worker: { concurrency: 1, leaseMs: 5_000, shutdownGraceMs: 2_000 } };

// Tasks enqueued with priority 0 wait in a Redis list (about 18 bytes each, a sorted-set member about 120); the rest,
// and every task put back, in the wait set. What a user sees must not tell the two apart.
describe('the wait list beside the wait set', () => {
  const q = useStoredQueue('waitlist');
  let worker: TaskApp | undefined;

  afterEach(async () => {
    await worker?.close();
    worker = undefined;
    await q.producer.queue.drain('default', { delayed: true });
  });

  const labels = async (options: { offset?: number; limit?: number; name?: string } = {}) =>
    (await q.producer.queue.list('waiting', options)).map((t) => (t.payload as { label: string }).label);

  it('keeps tasks of priority 0 in the list and the rest in the set, and counts, lists and cancels both', async () => {
    const refs = await q.producer.queue.enqueueMany([
      { name: 'wl.run', payload: { label: 'zero-1' } },
      { name: 'wl.run', payload: { label: 'low' }, options: { priority: -2 } },
      { name: 'wl.other', payload: { label: 'zero-2' } },
      { name: 'wl.run', payload: { label: 'zero-3' }, options: { priority: 0 } },
      { name: 'wl.run', payload: { label: 'high' }, options: { priority: 2 } },
      { name: 'wl.other', payload: { label: 'zero-4' } },
    ]);
    expect(await q.redis.lrange(q.keys.waitList, 0, -1)).toEqual([refs[0].id, refs[2].id, refs[3].id, refs[5].id]);
    expect(await q.redis.zrange(q.keys.wait, 0, -1)).toEqual([refs[4].id, refs[1].id]);
    expect((await q.producer.queue.counts()).waiting).toBe(6);
    expect(await labels()).toEqual(['high', 'zero-1', 'zero-2', 'zero-3', 'zero-4', 'low']);
    expect(await labels({ offset: 2, limit: 3 })).toEqual(['zero-2', 'zero-3', 'zero-4']);
    expect(await labels({ name: 'wl.run' })).toEqual(['high', 'zero-1', 'zero-3', 'low']);
    expect(await labels({ name: 'wl.other' })).toEqual(['zero-2', 'zero-4']);

    // One from the middle of the list, one from the set.
    expect(await q.producer.queue.cancel(refs[2])).toBe(true);
    expect(await q.producer.queue.cancel(refs[4])).toBe(true);
    expect(await q.producer.queue.get(refs[2])).toBeNull();
    expect(await q.redis.lrange(q.keys.waitList, 0, -1)).toEqual([refs[0].id, refs[3].id, refs[5].id]);
    expect((await q.producer.queue.counts()).waiting).toBe(4);
    expect(await labels()).toEqual(['zero-1', 'zero-3', 'zero-4', 'low']);

    expect(await q.producer.queue.drain('default')).toBe(4);
    expect(await q.redis.exists(q.keys.waitList, q.keys.wait)).toBe(0);
    expect((await q.producer.queue.counts()).waiting).toBe(0);
  });

  it('runs tasks a previous version left in the wait set in their place among the list', async () => {
    const refs = await q.producer.queue.enqueueMany(['x1', 'x2', 'x3', 'x4', 'x5'].map((label) => ({ name: 'wl.run', payload: { label } })));
    // Before the list, a task of priority 0 waited in the wait set under the wait score its record holds.
    for (const ref of [refs[1], refs[3], refs[4]]) expect(await storeAsVersion010(q.redis, q.keys, ref.id)).toMatch(/^\d+$/);
    await q.producer.queue.enqueue('wl.run', { label: 'x6' });
    expect(await labels()).toEqual(['x1', 'x2', 'x3', 'x4', 'x5', 'x6']);

    worker = await startTaskApp(q.prefix, [RecordingTasks], ONE_AT_A_TIME);
    const tasks = worker.get(RecordingTasks);
    await waitUntil(() => tasks.order.length === 6, '6 tasks to run');
    expect(tasks.order).toEqual(['x1', 'x2', 'x3', 'x4', 'x5', 'x6']);
  });

  it('runs a task that comes back to waiting before the list tasks enqueued after it', async () => {
    // 'first' waits for its dependency; cancelling that dependency unblocks it ('run' anyway) into the wait set.
    const gate = await q.producer.queue.enqueue('wl.gate', {}, { delay: 60_000 });
    await q.producer.queue.enqueue('wl.run', { label: 'before' });
    await q.producer.queue.enqueue('wl.run', { label: 'first' }, { dependsOn: [gate], dependencyFailure: 'run' });
    await q.producer.queue.enqueue('wl.run', { label: 'after-1' });
    await q.producer.queue.enqueue('wl.run', { label: 'after-2' });
    expect(await q.producer.queue.cancel(gate)).toBe(true);
    expect(await q.redis.zcard(q.keys.wait)).toBe(1);
    expect(await labels()).toEqual(['before', 'first', 'after-1', 'after-2']);

    worker = await startTaskApp(q.prefix, [RecordingTasks], ONE_AT_A_TIME);
    const tasks = worker.get(RecordingTasks);
    await waitUntil(() => tasks.order.length === 4, '4 tasks to run');
    expect(tasks.order).toEqual(['before', 'first', 'after-1', 'after-2']);
  });

  it('obliterates the list with the rest of the queue', async () => {
    // A queue no worker of this spec served: a closed worker's wake-up marker expires on its own, after obliterate.
    const keys = new QueueKeys(q.prefix, 'wl-obliterated');
    const options = { queue: 'wl-obliterated' };
    await q.producer.queue.enqueueMany(Array.from({ length: 5 }, (_, n) => ({ name: 'wl.run', payload: { label: `o${n}` }, options })));
    await q.producer.queue.enqueue('wl.run', { label: 'high' }, { ...options, priority: 1 });
    expect(await q.redis.llen(keys.waitList)).toBe(5);
    expect(await q.redis.zcard(keys.wait)).toBe(1);
    await q.producer.queue.obliterate('wl-obliterated');
    expect((await keysOf(q.redis, q.prefix)).filter((key) => key.startsWith(keys.base))).toEqual([]);
  });
});
