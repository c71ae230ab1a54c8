import { Injectable, Logger } from '@nestjs/common';
import { join } from 'node:path';
import { TaskContext, TaskHandler } from '../../lib/index.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from '../fixtures/built-package.js';
import { spawnNode, type LineChild } from '../fixtures/child-processes.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { REDIS_URL, removePrefix, uniquePrefix } from '../utils/redis.js';
import { sleep, waitUntil } from '../utils/wait.js';

// A worker process is SIGKILLed while its handler runs. Its lease stops being
// renewed, runs out, and another worker takes the task over: at-least-once
// delivery, with the crashed attempt counted.

const LEASE_MS = 2_000;

const runs: Array<{ id: string; attempt: number }> = [];

@Injectable()
class TakeoverTasks {
  @TaskHandler('crash.slow')
  async slow(_payload: unknown, task: TaskContext) {
    runs.push({ id: task.id, attempt: task.attempt });
    return { finishedBy: 'takeover', attempt: task.attempt };
  }

  @TaskHandler('crash.quick')
  async quick(_payload: unknown, task: TaskContext) {
    runs.push({ id: task.id, attempt: task.attempt });
    return { finishedBy: 'takeover', attempt: task.attempt };
  }
}

describe('a worker killed mid-task', () => {
  const prefix = uniquePrefix('crash');
  let producer: TaskApp;
  let takeover: TaskApp | undefined;
  let crashWorker: LineChild | undefined;

  beforeAll(async () => {
    await ensureBuilt();
    producer = await startTaskApp(prefix, [], { worker: false });
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    if (crashWorker && crashWorker.child.exitCode === null && crashWorker.child.signalCode === null) {
      crashWorker.child.kill('SIGKILL');
      await crashWorker.exited;
    }
    await takeover?.close();
    await producer.close();
    await removePrefix(prefix);
  });

  it('has its task run again by another worker once the lease runs out, counting the crashed attempt', async () => {
    crashWorker = spawnNode([join(__dirname, '..', 'fixtures', 'crash-worker.cjs')], {
      REDIS_URL,
      TASKS_PREFIX: prefix,
      LEASE_MS: String(LEASE_MS),
    });
    await crashWorker.waitForLine(/^ready$/);

    const ref = await producer.queue.enqueue('crash.slow', { n: 1 }, { attempts: 3 });
    await crashWorker.waitForLine(new RegExp(`^started ${ref.id} 1$`));
    expect(await producer.queue.get(ref)).toMatchObject({ state: 'active', attempts: 1 });

    // A second worker with the same handler: while the crash worker is alive it
    // keeps renewing its lease, so the task is not taken from it.
    takeover = await startTaskApp(prefix, [TakeoverTasks], { worker: { concurrency: 2, leaseMs: LEASE_MS, shutdownGraceMs: 1_000 } });
    await sleep(LEASE_MS * 2);
    expect(runs).toEqual([]);
    const crashed = (await producer.queue.get(ref))!;
    expect(crashed).toMatchObject({ state: 'active', attempts: 1 });
    const warnings = jest.spyOn(Logger.prototype, 'warn');

    crashWorker.child.kill('SIGKILL');
    await expect(crashWorker.exited).resolves.toBe('SIGKILL');

    await expect(producer.queue.waitFor(ref, { timeout: 15_000 })).resolves.toEqual({ finishedBy: 'takeover', attempt: 2 });
    const info = await producer.queue.get(ref);
    expect(info).toMatchObject({ state: 'completed', attempts: 2, maxAttempts: 3, result: { finishedBy: 'takeover', attempt: 2 } });

    // Exactly twice in all: once in the killed process, once after the takeover.
    expect(crashWorker.lines.filter((l) => l.startsWith('started '))).toEqual([`started ${ref.id} 1`]);
    expect(runs).toEqual([{ id: ref.id, attempt: 2 }]);
    // The takeover says whose lease ran out: the instance workers() listed, which a log search can tie to the crash.
    expect(warnings.mock.calls.map((call) => String(call[0]))).toContain(
      `queue 'default': took back 1 task(s) from worker ${crashed.lease!.workerId}, which stopped renewing its leases (crash, hang or lost connection): 1 requeued, 0 dead`,
    );
    warnings.mockRestore();
  });

  it('ends dead no task that waited in its buffer: only those it started use up their single attempt', async () => {
    await takeover?.close();
    takeover = undefined;
    runs.length = 0;
    crashWorker = spawnNode([join(__dirname, '..', 'fixtures', 'crash-worker.cjs')], {
      REDIS_URL,
      TASKS_PREFIX: prefix,
      LEASE_MS: String(LEASE_MS),
      CONCURRENCY: '2',
    });
    await crashWorker.waitForLine(/^ready$/);
    // One slot held by a task that never ends; the other runs 2 ms tasks, short enough that the worker
    // leases more ahead of its free slots into its buffer.
    const slow = await producer.queue.enqueue('crash.slow', { n: 2 }, { attempts: 1 });
    const quick = await producer.queue.enqueueMany(Array.from({ length: 2_000 }, (_, n) => ({ name: 'crash.quick', payload: { n }, options: { attempts: 1 } })));
    await crashWorker.waitForLine(new RegExp(`^started ${slow.id} 1$`));
    const child = crashWorker;
    await waitUntil(() => child.lines.filter((l) => l.startsWith('started ')).length > 100, 'a hundred tasks started', 15_000);
    // Its heartbeat tells the tasks in its slots from those in its buffer: never more running than its concurrency.
    const seen = await waitUntil(async () => (await producer.queue.workers('default')).find((w) => w.queues[0]?.buffered > 0), 'a heartbeat with a buffer', 10_000);
    expect(seen.queues[0].running).toBeLessThanOrEqual(2);
    const warnings = jest.spyOn(Logger.prototype, 'warn');
    child.child.kill('SIGKILL');
    await expect(child.exited).resolves.toBe('SIGKILL');
    const startedThere = new Set(child.lines.filter((l) => l.startsWith('started ')).map((l) => l.split(' ')[1]));

    takeover = await startTaskApp(prefix, [TakeoverTasks], { worker: { concurrency: 2, leaseMs: LEASE_MS, shutdownGraceMs: 1_000 } });
    await waitUntil(async () => {
      const counts = await producer.queue.counts();
      return counts.waiting + counts.active + counts.delayed === 0;
    }, 'every task ended', 30_000);
    expect(await producer.queue.get(slow)).toMatchObject({ state: 'dead', attempts: 1, error: { message: expect.stringMatching(/^attempt 1 was lost/) } });
    // Gone: completed, and trimmed by the completed retention (1,000); dead ones are all kept (10,000).
    const states = await Promise.all(quick.map(async (ref) => ({ id: ref.id, state: (await producer.queue.get(ref))?.state ?? 'completed' })));
    const dead = states.filter((t) => t.state === 'dead').map((t) => t.id);
    // Dead: at most the one running in the other slot, and never one that had not started.
    expect(dead.length).toBeLessThanOrEqual(1);
    expect(dead.filter((id) => !startedThere.has(id))).toEqual([]);
    expect(states.filter((t) => t.state !== 'dead' && t.state !== 'completed')).toEqual([]);
    const line = warnings.mock.calls.map((call) => String(call[0])).find((l) => l.includes('stopped renewing'));
    expect(line).toMatch(/, and (\d+) leased ahead into its buffer put back uncounted \(they may not have started\)$/);
    expect(Number(/, and (\d+) leased ahead/.exec(line!)![1])).toBeGreaterThan(0);
    warnings.mockRestore();
  });
});
