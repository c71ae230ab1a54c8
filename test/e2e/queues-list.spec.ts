import { Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { TaskHandler } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { inspector, removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// TaskQueue.queues() across apps on a real Redis: a producer-only app sees the
// queues another app enqueued to, the queue a worker serves and a schedule's queue.

@Injectable()
class ServedTasks {
  @TaskHandler('served.job', { queue: 'served' })
  job() {
    return 'ok';
  }
}

describe('TaskQueue.queues()', () => {
  const prefix = uniquePrefix('queues');
  let worker: TaskApp;
  let producer: TaskApp;
  let redis: Redis;

  beforeAll(async () => {
    redis = inspector();
    producer = await startTaskApp(prefix, [], { worker: false });
  });
  afterAll(async () => {
    await worker?.close();
    await producer.close();
    await redis.quit();
    await removePrefix(prefix);
  });

  it('lists, in natural order (q2 before q10), the queues enqueued to, served by a worker or with a schedule; reading a queue does not list it', async () => {
    expect(await producer.queue.queues()).toEqual([]);
    await producer.queue.counts('only-read');
    await producer.queue.list('waiting', { queue: 'only-read' });
    await producer.queue.enqueue('mail.send', {}, { queue: 'mail' });
    await producer.queue.enqueueMany([
      { name: 'a.job', payload: 1, options: { queue: 'zeta' } },
      { name: 'b.job', payload: 2, options: { queue: 'alpha' } },
      { name: 'c.job', payload: 3, options: { queue: 'q10' } },
      { name: 'd.job', payload: 4, options: { queue: 'q2' } },
    ]);
    await producer.queue.schedule('nightly', 'report.build', {}, { cron: '0 3 * * *', queue: 'reports' });
    worker = await startTaskApp(prefix, [ServedTasks]);
    expect(await producer.queue.queues()).toEqual(['alpha', 'mail', 'q2', 'q10', 'reports', 'served', 'zeta']);
    // One registry entry per queue name, whoever registered it first.
    expect((await redis.smembers(`{${prefix}:}:queues`)).sort()).toEqual(['alpha', 'mail', 'q10', 'q2', 'reports', 'served', 'zeta']);
  });

  it('drops an obliterated queue; the next enqueue, schedule or worker heartbeat lists it again', async () => {
    await producer.queue.obliterate('mail');
    await producer.queue.obliterate('reports');
    expect(await producer.queue.queues()).toEqual(['alpha', 'q2', 'q10', 'served', 'zeta']);
    await producer.queue.enqueue('mail.send', {}, { queue: 'mail' });
    await producer.queue.schedule('nightly', 'report.build', {}, { cron: '0 3 * * *', queue: 'reports' });
    expect(await producer.queue.queues()).toEqual(['alpha', 'mail', 'q2', 'q10', 'reports', 'served', 'zeta']);

    await producer.queue.obliterate('served', { force: true });
    expect(await producer.queue.queues()).not.toContain('served');
    // The worker's heartbeat comes every third of its lease (5 s here).
    await waitUntil(async () => (await producer.queue.queues()).includes('served'), 'the worker lists its queue again', 6_000);
  });
});
