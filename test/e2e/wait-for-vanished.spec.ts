import { Injectable } from '@nestjs/common';
import { TaskHandler, TaskNotFoundError } from '../../lib/index.js';
import { useStoredQueue } from '../fixtures/stored-queue.js';
import { startTaskApp } from '../fixtures/task-app.js';

@Injectable()
class QuickTasks {
  @TaskHandler('vanish.quick', { removeOnComplete: true })
  quick() {
    return 'done';
  }
}

// waitFor on a task that disappears while it waits (cancelled, or its keys
// removed by hand or by an eviction) rejects within a few seconds saying so,
// instead of waiting out its whole timeout and calling the task pending.
describe('waitFor on a task that vanishes while waiting', () => {
  const q = useStoredQueue('vanish');

  it('rejects by the time cancel() resolves when this process cancels it', async () => {
    const ref = await q.producer.queue.enqueue('vanish.never-run', {}, { delay: 60_000 });
    let error: unknown = 'still waiting';
    const waiting = q.producer.queue.waitFor(ref, { timeout: 30_000 }).catch((e: unknown) => (error = e));
    expect(await q.producer.queue.cancel(ref)).toBe(true);
    await Promise.resolve();
    expect(error).toBeInstanceOf(TaskNotFoundError);
    expect(error).toMatchObject({ taskId: ref.id, queue: 'default', whileWaiting: true });
    expect((error as Error).message).toMatch(/was cancelled or removed while waitFor was waiting/);
    await waiting;
  });

  it('rejects by the time remove() resolves when this process removes it unfinished', async () => {
    const ref = await q.producer.queue.enqueue('vanish.never-run', {}, { delay: 60_000 });
    let error: unknown = 'still waiting';
    const waiting = q.producer.queue.waitFor(ref, { timeout: 30_000 }).catch((e: unknown) => (error = e));
    expect(await q.producer.queue.remove(ref)).toBe(true);
    await Promise.resolve();
    expect(error).toMatchObject({ name: 'TaskNotFoundError', whileWaiting: true });
    await waiting;
  });

  it('rejects promptly when another process cancels it', async () => {
    const ref = await q.producer.queue.enqueue('vanish.never-run', {}, { delay: 60_000 });
    const started = Date.now();
    const waiting = q.producer.queue.waitFor(ref, { timeout: 30_000 }).catch((e: unknown) => e);
    const other = await startTaskApp(q.prefix, []);
    try {
      expect(await other.queue.cancel(ref)).toBe(true);
    } finally {
      await other.close();
    }
    expect(await waiting).toMatchObject({ name: 'TaskNotFoundError', whileWaiting: true });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('rejects promptly when the task is removed by hand', async () => {
    const ref = await q.producer.queue.enqueue('vanish.never-run', {});
    const waiting = q.producer.queue.waitFor(ref, { timeout: 30_000 }).catch((e: unknown) => e);
    await q.redis.del(q.keys.task(ref.id), q.keys.payload(ref.id));
    await q.redis.lrem(q.keys.waitList, 0, ref.id);
    expect(await waiting).toMatchObject({ name: 'TaskNotFoundError', whileWaiting: true });
  });

  it('still resolves a task removed on completion (its final event wins over the missing record)', async () => {
    const refs = await q.producer.queue.enqueueMany(Array.from({ length: 20 }, () => ({ name: 'vanish.quick', payload: {} })));
    // Waiting before any worker runs them, so each is deleted while waited on.
    const results = Promise.all(refs.map((ref) => q.producer.queue.waitFor(ref, { timeout: 10_000 })));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const worker = await startTaskApp(q.prefix, [QuickTasks]);
    try {
      await expect(results).resolves.toEqual(refs.map(() => 'done'));
    } finally {
      await worker.close();
    }
  });
});
