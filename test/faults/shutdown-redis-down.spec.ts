import { Injectable } from '@nestjs/common';
import { TaskHandler, type TaskContext } from '../../lib/index.js';
import { ownRedis, type OwnRedis } from '../fixtures/child-processes.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { waitUntil } from '../utils/wait.js';

// A worker app shut down while Redis is down (stopped before app.close(), so
// every connection is between reconnect attempts): the shutdown must still
// end, its running task aborted at the grace period. The hand-back cannot be
// written then; the task's lease runs out and it is recovered later, as after
// a crash. ioredis never failed the commands a disconnect() left queued on a
// reconnecting client, so the worker's fetch (and QUIT) used to wait for good.

const GRACE_MS = 1_000;

@Injectable()
class SlowTasks {
  readonly events: Array<{ what: 'started' | 'aborted'; at: number }> = [];

  @TaskHandler('down.slow', { queue: 'slow' })
  async slow(_payload: unknown, task: TaskContext) {
    this.events.push({ what: 'started', at: Date.now() });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 60_000);
      task.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        this.events.push({ what: 'aborted', at: Date.now() });
        resolve();
      });
    });
  }

  // A queue with nothing in it: its worker waits in BZPOPMIN when Redis goes.
  @TaskHandler('down.idle', { queue: 'idle' })
  idle() {}
}

describe('shutting a worker down while Redis is down', () => {
  let redis: OwnRedis;
  let t: TaskApp | undefined;
  afterAll(async () => {
    await redis?.destroy();
  });

  it('ends the shutdown, aborting the running task at the grace period, instead of waiting for Redis', async () => {
    redis = await ownRedis();
    await redis.start();
    t = await startTaskApp('down', [SlowTasks], { connection: redis.url, worker: { concurrency: 2, leaseMs: 5_000, shutdownGraceMs: GRACE_MS } });
    const tasks = t.get(SlowTasks);
    await t.queue.enqueue('down.slow', null, { queue: 'slow' });
    await waitUntil(() => tasks.events.length === 1, 'the slow task to start');

    await redis.stop();
    // Let every connection see the loss and go between reconnect attempts.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const closing = Date.now();
    const outcome = await Promise.race([
      t.close().then(() => 'closed'),
      new Promise((resolve) => setTimeout(() => resolve('still closing after 30 s'), 30_000)),
    ]);
    const tookMs = Date.now() - closing;
    console.info(`[fault] shutdown-redis-down: close took ${tookMs} ms (grace ${GRACE_MS} ms)`);
    expect(outcome).toBe('closed');
    const aborted = tasks.events.find((e) => e.what === 'aborted');
    expect(aborted).toBeDefined();
    // Aborted at the grace period after the fetch loop stopped (within a generous bound), not at the handler's own 60 s.
    expect(aborted!.at - closing).toBeGreaterThanOrEqual(GRACE_MS - 50);
    expect(aborted!.at - closing).toBeLessThan(15_000);
    t = undefined;
  }, 60_000);
});
