import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Redis } from 'ioredis';
import { TaskAbortedError, TaskHandler, TaskModule, TaskQueue, type TaskContext } from '../../lib/index.js';
import { CapturingLogger } from '../utils/capturing-logger.js';
import { TEST_CONNECTION, inspector, removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// When the store takes a lease back while its attempt still runs here (renewals
// refused or out of reach for longer than the lease), the task can come back
// to this very worker. The two attempts are two slots: the old one's signal
// aborts as lease-lost and its outcome is dropped, the new one runs and
// records its outcome. They were one slot, keyed by task id: the old attempt's
// end took the new one's slot with it, and the new lease, unnamed in
// renewals, was handed back as never received, refetched, and so on, the task
// running again and again with no attempt counted.

@Injectable()
class SlowTasks {
  readonly starts: number[] = [];
  readonly aborts: string[] = [];

  @TaskHandler('taken-back.slow', { attempts: 5 })
  async slow(_payload: unknown, task: TaskContext) {
    this.starts.push(task.attempt);
    task.signal.addEventListener('abort', () => this.aborts.push(`${task.attempt}: ${(task.signal.reason as TaskAbortedError).kind}`));
    // Goes on after an abort, as a handler that ignores its signal does.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    return task.attempt;
  }
}

describe('an attempt whose lease is taken back while it runs', () => {
  const prefix = uniquePrefix('taken-back');
  const logger = new CapturingLogger();
  let app: INestApplicationContext;
  let admin: Redis;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [TaskModule.forRoot({ connection: TEST_CONNECTION, prefix, worker: { concurrency: 2, leaseMs: 600, shutdownGraceMs: 2_000 } })],
      providers: [SlowTasks],
    }).compile();
    moduleRef.useLogger(logger);
    app = await moduleRef.init();
    admin = inspector();
  });
  afterAll(async () => {
    await app.close();
    await admin.quit();
    await removePrefix(prefix);
  });

  it('is aborted as lease-lost when the same worker takes the task again, which then runs once more and completes', async () => {
    const tasks = app.get(SlowTasks);
    const queue = app.get(TaskQueue);
    const ref = await queue.enqueue('taken-back.slow', {});
    await waitUntil(() => tasks.starts.length === 1, 'the first attempt to start');
    // The lease runs out in the store's eyes (as when renewals are refused): recovery takes the task back. Only
    // the first attempt's (its record's attempts made still 1), so that a late one cannot expire the second's.
    const expireFirst = "if redis.call('HGET', KEYS[2], 'a') == '1' then return redis.call('ZADD', KEYS[1], 'XX', 0, ARGV[1]) end return 0";
    const keys = [`{${prefix}:default}:active`, `{${prefix}:default}:t:${ref.id}`];
    const forging = setInterval(() => void admin.eval(expireFirst, 2, ...keys, ref.id), 5);
    try {
      await waitUntil(() => tasks.starts.length >= 2, 'the task to be fetched again while its first attempt runs', 5_000);
    } finally {
      clearInterval(forging);
    }
    await expect(queue.waitFor(ref, { timeout: 10_000 })).resolves.toBe(2);
    // Three leases later, nothing more ran.
    await new Promise((resolve) => setTimeout(resolve, 1_800));
    expect(tasks.starts).toEqual([1, 2]);
    expect(tasks.aborts).toEqual(['1: lease-lost']);
    expect(await queue.get(ref)).toMatchObject({ state: 'completed', attempts: 2 });
    expect(logger.lines.filter((line) => /never received/.test(line))).toEqual([]);
  });
});
