import { Injectable } from '@nestjs/common';
import { OnWorkerEvent, RedisUnavailableError, TaskContext, TaskHandler, type WorkerErrorEvent } from '../../lib/index.js';
import { ownRedis, type OwnRedis } from '../fixtures/child-processes.js';
import { CapturingLogger } from '../utils/capturing-logger.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { uniquePrefix } from '../utils/redis.js';
import { sleep, waitUntil } from '../utils/wait.js';

// Redis goes away while the app runs and comes back on the same port with its
// data (AOF, fsync on every write). While it is down, enqueue fails fast with a
// clear error and the worker reports its failures as 'error' worker events;
// once it is back the worker resumes by itself and every task whose enqueue
// had resolved completes.

let gateOpen = false;
const started: string[] = [];
const finished: string[] = [];
const workerErrors: WorkerErrorEvent[] = [];

@Injectable()
class OutageTasks {
  @TaskHandler('outage.job')
  async job(payload: { n: number }, task: TaskContext) {
    started.push(task.id);
    // The first tasks are still running when Redis goes away; they finish during the outage.
    await waitUntil(() => gateOpen, 'the test to open the gate', 30_000);
    finished.push(task.id);
    return { n: payload.n };
  }

  @OnWorkerEvent('error')
  failed(event: WorkerErrorEvent) {
    workerErrors.push(event);
  }
}

describe('Redis lost while the app runs', () => {
  const prefix = uniquePrefix('redis-lost');
  let redis: OwnRedis;
  let t: TaskApp | undefined;

  beforeAll(async () => {
    redis = await ownRedis();
    await redis.start();
    t = await startTaskApp(prefix, [OutageTasks], {
      connection: redis.url,
      // A lease longer than the outage: the tasks running through it keep their attempt.
      worker: { concurrency: 2, leaseMs: 10_000, shutdownGraceMs: 2_000 },
    });
    t.app.useLogger(logger);
  });
  const logger = new CapturingLogger();

  afterAll(async () => {
    gateOpen = true;
    await t?.close();
    // The server, its data and its dir are the test's own: removing them is the cleanup.
    await redis?.destroy();
  });

  it('rejects enqueue quickly while Redis is down, then resumes by itself and completes every task enqueued before', async () => {
    const refs = [];
    for (let n = 0; n < 6; n++) refs.push(await t!.queue.enqueue('outage.job', { n }));
    // Two run (and wait at the gate), four wait in Redis.
    await waitUntil(() => started.length === 2, 'two tasks to start');
    expect(await t!.queue.counts()).toMatchObject({ waiting: 4, active: 2 });

    await redis.stop();

    const before = Date.now();
    const rejection = (error: unknown) => error;
    // One task and a batch at once, so the outage lasts as long as with one.
    const [failure, batchFailure] = await Promise.all([
      t!.queue.enqueue('outage.job', { n: 99 }).then(() => null, rejection),
      t!.queue.enqueueMany([{ name: 'outage.job', payload: { n: 98 } }, { name: 'outage.job', payload: { n: 97 } }]).then(() => null, rejection),
    ]);
    const elapsedMs = Date.now() - before;
    // Each error names the task, or the size of the batch.
    expect(failure).toBeInstanceOf(RedisUnavailableError);
    // The queue named once, with the task: not "failed: enqueue on queue ... failed:".
    expect((failure as Error).message).toMatch(/^enqueue of 'outage\.job' on queue 'default' failed: Redis at .* is unreachable \(/);
    expect(batchFailure).toBeInstanceOf(RedisUnavailableError);
    expect((batchFailure as Error).message).toMatch(/^enqueue of 2 tasks on queue 'default' failed: Redis at /);
    // ioredis's advice about an option the library sets itself is left out.
    for (const error of [failure, batchFailure]) expect((error as Error).message).not.toContain('maxRetriesPerRequest');
    expect(elapsedMs).toBeLessThan(5_000);

    // The running tasks finish while Redis is down; their outcome must not be lost.
    gateOpen = true;
    await waitUntil(() => finished.length === 2, 'the running tasks to finish');
    // Down long enough for several failed reconnects and fetch retries.
    await sleep(3_000);
    await redis.start();

    const results = await Promise.all(refs.map((ref) => t!.queue.waitFor(ref, { timeout: 20_000 })));
    expect(results).toEqual([0, 1, 2, 3, 4, 5].map((n) => ({ n })));
    for (const ref of refs) expect(await t!.queue.get(ref)).toMatchObject({ state: 'completed', attempts: 1 });

    // The worker said what failed while Redis was away: recording the two outcomes, among others.
    expect(workerErrors.map((e) => e.operation)).toContain('settle');
    for (const event of workerErrors) {
      expect(event).toMatchObject({ type: 'error', queue: 'default', error: expect.any(Error) });
      expect(['fetch', 'settle', 'renew', 'recover']).toContain(event.operation);
    }

    // The outage's start and its end, at the same level: a log filtered to warnings shows both.
    const command = (what: string) => logger.lines.filter((l) => l.startsWith('warn') && l.includes(`Redis command connection to 127.0.0.1:${redis.port} ${what}`));
    expect(command('failed')).not.toEqual([]);
    expect(command('restored')).not.toEqual([]);
    // The worker's own blocking connection says which queue it serves (its "restored" may come later: it reconnects on its own schedule).
    expect(logger.lines.filter((l) => l.startsWith('warn Redis blocking connection'))).toContainEqual(
      expect.stringMatching(new RegExp(`^warn Redis blocking connection \\(worker of queue 'default'\\) to 127\\.0\\.0\\.1:${redis.port} failed \\(.+\\); reconnecting`)),
    );
    // The worker's own lines for the queue, too: one when its calls began failing (whichever kind failed
    // first), one when every kind works again.
    const queueLines = logger.lines.filter((l) => l.startsWith("warn queue 'default': "));
    const starts = queueLines.filter((l) => /^warn queue 'default': (fetching failed|recording a task outcome failed|the \w+ call failed|could not (renew|recover|hand back))/.test(l));
    expect(starts).toHaveLength(1);
    expect(queueLines.filter((l) => /Redis calls work again \(after \d+ ms of failures\)/.test(l))).toHaveLength(1);

    // New work after the outage runs too, with no restart of the app.
    const after = await t!.queue.enqueue('outage.job', { n: 6 });
    await expect(t!.queue.waitFor(after, { timeout: 10_000 })).resolves.toEqual({ n: 6 });
    expect(await t!.queue.counts()).toMatchObject({ waiting: 0, active: 0, delayed: 0, dead: 0, completed: 7 });
  });
});
