import { Injectable } from '@nestjs/common';
import { TaskContext, TaskHandler, type TaskRef } from '../../lib/index.js';
import { startTaskApp, type TaskApp } from '../fixtures/task-app.js';
import { removePrefix, uniquePrefix } from '../utils/redis.js';
import { waitUntil } from '../utils/wait.js';

// Bulk operations while workers process and producers enqueue: each one does
// what it says to the tasks it targets, and nothing else is lost or run twice.

const runs = new Map<string, number>();
const flakyFailed = new Set<string>();

@Injectable()
class LoadTasks {
  @TaskHandler('load.work', { queue: 'load' })
  work(_payload: unknown, task: TaskContext) {
    runs.set(task.id, (runs.get(task.id) ?? 0) + 1);
    return 'ok';
  }

  @TaskHandler('load.flaky', { queue: 'load', attempts: 1 })
  flaky(_payload: unknown, task: TaskContext) {
    runs.set(task.id, (runs.get(task.id) ?? 0) + 1);
    if (!flakyFailed.has(task.id)) {
      flakyFailed.add(task.id);
      throw new Error('fails once');
    }
    return 'ok';
  }
}

/** Enqueues `count` work tasks in batches of 50, one batch per event-loop turn, while the test runs other things. */
async function produce(t: TaskApp, count: number): Promise<TaskRef[]> {
  const refs: TaskRef[] = [];
  for (let i = 0; i < count; i += 50) {
    refs.push(...(await t.queue.enqueueMany(Array.from({ length: 50 }, (_, k) => ({ name: 'load.work', payload: { n: i + k } })))));
    await new Promise((resolve) => setImmediate(resolve));
  }
  return refs;
}

describe('bulk operations under load', () => {
  const prefix = uniquePrefix('bulk-load');
  let t: TaskApp;

  beforeAll(async () => {
    // Retention keeps every finished task, so the test can account for each one.
    t = await startTaskApp(prefix, [LoadTasks], {
      worker: { concurrency: 20, leaseMs: 5_000, shutdownGraceMs: 2_000 },
      retention: { completed: { count: 100_000 } },
    });
  });
  afterAll(async () => {
    await t.close();
    await removePrefix(prefix);
  });
  beforeEach(() => runs.clear());

  it('retryAll and clean while workers process a stream of new tasks: every task runs, the retried ones once more, none twice', async () => {
    const flaky = await t.queue.enqueueMany(Array.from({ length: 1_500 }, (_, n) => ({ name: 'load.flaky', payload: { n } })));
    await waitUntil(async () => (await t.queue.counts('load')).dead === 1_500, '1,500 dead tasks', 20_000);

    const producing = produce(t, 3_000);
    const retried = await t.queue.retryAll('load', { state: 'dead', name: 'load.flaky' });
    const cleaned = new Set<string>();
    while ((await t.queue.counts('load')).waiting > 0) {
      for (const id of await t.queue.clean('load', 'completed')) cleaned.add(id);
    }
    const work = await producing;
    await waitUntil(async () => {
      const c = await t.queue.counts('load');
      return c.waiting + c.active + c.delayed === 0;
    }, 'the queue to empty', 30_000);
    for (const id of await t.queue.clean('load', 'completed')) cleaned.add(id);

    expect(retried).toBe(1_500);
    for (const ref of work) expect([ref.id, runs.get(ref.id)]).toEqual([ref.id, 1]);
    for (const ref of flaky) expect([ref.id, runs.get(ref.id)]).toEqual([ref.id, 2]);
    // Clean removed only completed tasks, each once, and in the end all of them.
    expect(cleaned.size).toBe(4_500);
    for (const id of cleaned) expect(runs.has(id)).toBe(true);
    expect(await t.queue.counts('load')).toMatchObject({ waiting: 0, active: 0, delayed: 0, completed: 0, dead: 0 });
  }, 60_000);

  it('drain while workers process a stream of new tasks: every task either ran once or was drained, none both', async () => {
    const producing = produce(t, 3_000);
    let drained = 0;
    for (let i = 0; i < 20; i++) {
      drained += await t.queue.drain('load');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const work = await producing;
    drained += await t.queue.drain('load');
    await waitUntil(async () => (await t.queue.counts('load')).active === 0, 'running tasks to finish', 10_000);

    const ran = work.filter((ref) => runs.get(ref.id) === 1);
    expect(work.every((ref) => (runs.get(ref.id) ?? 0) <= 1)).toBe(true);
    expect(ran.length + drained).toBe(3_000);
    expect(drained).toBeGreaterThan(0);
    for (const ref of work) {
      const info = await t.queue.get(ref);
      // A drained task is gone; one that ran is completed.
      expect(runs.get(ref.id) === 1 ? info?.state : info).toBe(runs.get(ref.id) === 1 ? 'completed' : null);
    }
  }, 60_000);
});
