import { Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { TaskContext, TaskHandler } from '../../lib/index.js';
import { QueueKeys } from '../../lib/redis/queue-keys.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { inspector, removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// A failover to a replica that had not received a settle loses the recorded
// outcome: the new master holds the task as still leased to the worker that
// finished it. That worker's renewal finds it unnamed. It used to take it for
// a fetch reply it never received and hand it back without counting the
// attempt, so the task ran again under the same attempt number. Here the
// failover's loss is made by hand: the task's record as it was while it ran is
// written back after it completed. The worker is kept busy meanwhile, as in
// the failover where it was seen: an idle worker's long wait for news made
// the lease run out before the renewal took it for an orphan.

const LEASE_MS = 1_500;
const runs: number[] = [];
let snapshot: ((id: string) => Promise<void>) | null = null;

@Injectable()
class ReportTasks {
  @TaskHandler('report.send', { attempts: 3 })
  async send(_payload: unknown, task: TaskContext) {
    runs.push(task.attempt);
    if (task.attempt === 1) await snapshot?.(task.id);
    return 'sent';
  }

  @TaskHandler('filler')
  async filler() {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('an outcome the store recorded and then lost (a failover)', () => {
  const prefix = uniquePrefix('lost-outcome');
  const keys = new QueueKeys(prefix, 'default');
  let redis: Redis;
  let app: TaskApp;

  beforeAll(async () => {
    redis = inspector();
    app = await startTaskApp(prefix, [ReportTasks], { worker: { concurrency: 2, leaseMs: LEASE_MS, shutdownGraceMs: 1_000 }, defaults: { attempts: 3 } });
  });

  afterAll(async () => {
    await app.close();
    await redis.quit();
    await removePrefix(prefix);
  });

  it('runs the task again as a new attempt, counted, not as the same one', async () => {
    let saved: Buffer | null = null;
    // The id comes from the task itself: the worker may start it before enqueue's reply reaches this test.
    snapshot = async (id) => {
      saved = await redis.dumpBuffer(keys.task(id));
    };
    const ref = await app.queue.enqueue('report.send', {});
    expect(await app.queue.waitFor(ref, { timeout: 10_000 })).toBe('sent');
    expect(saved).not.toBeNull();

    // What the promoted replica would hold: the record as the fetch left it, leased and in the active set.
    const [[, time]] = (await redis.multi().time().exec()) as [[null, [string, string]]];
    const now = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
    await redis.multi().restore(keys.task(ref.id), 0, saved!, 'REPLACE').zrem(keys.completed, ref.id).zadd(keys.active, now + LEASE_MS, ref.id).exec();
    expect(await app.queue.get(ref)).toMatchObject({ state: 'active', attempts: 1 });

    let busy = true;
    const filling = (async () => {
      while (busy) {
        await app.queue.enqueue('filler', {});
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    try {
      await waitUntil(() => runs.length === 2, 'the task to run again', 15_000);
    } finally {
      busy = false;
      await filling;
    }
    expect(runs).toEqual([1, 2]);
    await waitUntil(async () => (await app.queue.get(ref))?.state === 'completed', 'the second run to be recorded');
    expect(await app.queue.get(ref)).toMatchObject({ state: 'completed', attempts: 2 });
    const history = (await app.queue.history(ref))!;
    expect(history.map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'failed'],
      [2, 'completed'],
    ]);
    expect(history[0].error!.message).toMatch(/was lost/);
  });
});
