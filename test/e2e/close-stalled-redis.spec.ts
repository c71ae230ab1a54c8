import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TaskHandler, TaskModule, TaskQueue, type TaskContext } from '../../lib/index.js';
import { ownRedis, type OwnRedis } from '../fixtures/child-processes.js';
import { startTaskApp } from '../fixtures/task-app.js';
import { CapturingLogger } from '../utils/capturing-logger.js';
import { uniquePrefix } from '../utils/redis.js';

// A Redis that keeps its connections but stops answering (SIGSTOP here; a
// host swapping, a long script) must not hold app.close() of a worker app
// forever when no commandTimeout bounds each call: the worker's drain and the
// heartbeat's removal of its record waited for replies without end.

@Injectable()
class IdleTasks {
  readonly finished: string[] = [];

  @TaskHandler('stalled.idle')
  idle() {}

  @TaskHandler('stalled.slow')
  async slow(_payload: unknown, task: TaskContext) {
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    this.finished.push(task.id);
  }
}

describe('closing a worker app while Redis is stalled', () => {
  let redis: OwnRedis;
  beforeAll(async () => {
    redis = await ownRedis(['--appendonly', 'no']);
    await redis.start();
  });
  afterAll(async () => {
    redis?.thaw();
    await redis?.destroy();
  });

  it('finishes within the grace period and a few seconds', async () => {
    const t = await startTaskApp(uniquePrefix('close-stalled'), [IdleTasks], {
      connection: redis.url,
      worker: { concurrency: 2, leaseMs: 3_000, shutdownGraceMs: 1_000 },
    });
    redis.freeze();
    const startedAt = Date.now();
    let closed: unknown;
    try {
      closed = await Promise.race([
        t.close().then(() => 'closed'),
        new Promise((resolve) => setTimeout(resolve, 20_000, 'still closing after 20 s')),
      ]);
    } finally {
      redis.thaw();
    }
    expect(closed).toBe('closed');
    expect(Date.now() - startedAt).toBeLessThan(20_000);
  }, 30_000);

  it('says what was not handed back once it closes anyway, and not that the heartbeat or lease renewal will retry', async () => {
    const logger = new CapturingLogger();
    const moduleRef = await Test.createTestingModule({
      imports: [TaskModule.forRoot({ connection: redis.url, prefix: uniquePrefix('close-cut'), worker: { concurrency: 2, leaseMs: 3_000, shutdownGraceMs: 500 } })],
      providers: [IdleTasks],
    })
      .setLogger(logger)
      .compile();
    const app = await moduleRef.init();
    const queue = app.get(TaskQueue);
    await queue.enqueueMany([{ name: 'stalled.slow', payload: {} }, { name: 'stalled.slow', payload: {} }]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    redis.freeze();
    try {
      await app.close();
    } finally {
      redis.thaw();
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    const warnings = logger.lines.filter((line) => /^(warn|error) /.test(line));
    expect(warnings).toContainEqual(expect.stringMatching(/^warn Redis did not answer during the worker's shutdown \(10500 ms\); closing anyway/));
    expect(warnings).toContainEqual(expect.stringMatching(/^error queue 'default': could not hand 2 task\(s\) back; their leases will run out/));
    expect(warnings.filter((line) => /will retry/.test(line))).toEqual([]);
  }, 30_000);

  // Its bound is the grace period and 10 s more: past a timer's range, Node fired it at once.
  it('still waits for running handlers with the largest shutdownGraceMs the option takes', async () => {
    const t = await startTaskApp(uniquePrefix('close-long-grace'), [IdleTasks], {
      connection: redis.url,
      worker: { concurrency: 2, leaseMs: 3_000, shutdownGraceMs: 2_147_483_647 },
    });
    const tasks = t.get(IdleTasks);
    const ref = await t.queue.enqueue('stalled.slow', {});
    await new Promise((resolve) => setTimeout(resolve, 300));
    await t.close();
    expect(tasks.finished).toEqual([ref.id]);
  }, 30_000);
});
