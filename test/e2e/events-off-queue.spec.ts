import { Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { TaskContext, TaskFailedError, TaskHandler } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { inspector, removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// queues: { quiet: { events: false } }: the queue's stream gets nothing but
// the final event (completed or dead) of tasks a waitFor() is waiting on, so
// waitFor still works there, and unobserved tasks cost no XADD.

@Injectable()
class QuietTasks {
  @TaskHandler('double', { queue: 'quiet' })
  async double(payload: { n: number }, task: TaskContext) {
    await task.progress(50);
    return payload.n * 2;
  }

  @TaskHandler('fail', { queue: 'quiet', attempts: 2, backoff: { type: 'fixed', delay: 10 } })
  fail(): never {
    throw new Error('quiet failure');
  }
}

describe('a queue with events: false', () => {
  const prefix = uniquePrefix('ev-off');
  const streamKey = `{${prefix}:quiet}:events`;
  let t: TaskApp;
  let redis: Redis;

  beforeAll(async () => {
    redis = inspector();
    t = await startTaskApp(prefix, [QuietTasks], { queues: { quiet: { events: false } } });
  });
  afterAll(async () => {
    await t.close();
    await redis.quit();
    await removePrefix(prefix);
  });

  const entries = async () => (await redis.xrange(streamKey, '-', '+')).map(([, f]) => ({ type: f[1], id: f[3] }));

  it('writes no events for tasks nobody waits for', async () => {
    await t.queue.enqueueMany(Array.from({ length: 20 }, (_, n) => ({ name: 'double', payload: { n }, options: { queue: 'quiet' } })));
    await t.queue.enqueue('fail', {}, { queue: 'quiet' });
    await waitUntil(async () => {
      const c = await t.queue.counts('quiet');
      return c.completed === 20 && c.dead === 1;
    }, 'the 21 tasks to finish');
    expect(await redis.exists(streamKey)).toBe(0);
  });

  it('still resolves and rejects waitFor, writing only those tasks\' final events', async () => {
    // Delayed, so the waitFor is registered before the task runs and its answer comes from the stream.
    const ok = await t.queue.enqueue('double', { n: 21 }, { queue: 'quiet', delay: 300 });
    const bad = await t.queue.enqueue('fail', {}, { queue: 'quiet', delay: 300 });
    const result = t.queue.waitFor(ok, { timeout: 10_000 });
    const failure = t.queue.waitFor(bad, { timeout: 10_000 });
    await expect(result).resolves.toBe(42);
    await expect(failure).rejects.toThrow(TaskFailedError);
    await expect(failure).rejects.toThrow(/quiet failure/);

    // A task already finished when waitFor is called resolves from its record; it writes nothing.
    const early = await t.queue.enqueue('double', { n: 1 }, { queue: 'quiet' });
    await waitUntil(async () => (await t.queue.get(early))?.state === 'completed', 'the early task to complete');
    await expect(t.queue.waitFor(early, { timeout: 5_000 })).resolves.toBe(2);

    const written = await entries();
    expect(written).toHaveLength(2);
    expect(written).toEqual(expect.arrayContaining([
      { type: 'completed', id: ok.id },
      { type: 'dead', id: bad.id },
    ]));
  });
});
